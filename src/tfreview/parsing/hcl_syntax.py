"""HCL text → blocks and attributes with line numbers, through python-hcl2's syntax tree.

python-hcl2 (and lark under it) is imported inside `parse_blocks` only, so a plan scan never pays
for it. Nodes of its tree are handled by their grammar name (`node.lark_name()`), kept as `Any`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_HEREDOC_OPENER = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)[ \t]*\r?$", re.MULTILINE)


class HclSyntaxError(Exception):
    """A file is not valid HCL; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expression: Any  # an hcl2 expression node
    line: int
    end_line: int
    node: Any


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # "resource", "variable", "ingress", "dynamic", …
    labels: tuple[str, ...]
    body: Any  # an hcl2 BodyRule
    line: int
    end_line: int
    node: Any


_TOO_DEEP = "nested too deeply to parse (blocks, brackets or parentheses)"


def parse_blocks(text: str) -> list[Block]:
    """The top-level blocks of one file; raise HclSyntaxError when it does not parse."""
    from hcl2.api import parses
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    try:
        tree = parses(_close_heredocs(text))
    except UnexpectedToken as exc:
        token = str(exc.token)
        if exc.token.type == "$END":
            what = "end of file"
        elif token.startswith(("\n", "\r")):
            what = "end of line"
        elif token.startswith("<<"):  # the lexer takes an unclosed heredoc's opener as one token
            marker = token.lstrip("<-").split("\n", 1)[0].strip()
            raise HclSyntaxError(f"the heredoc <<{marker} is never closed (column {exc.column})", exc.line) from None
        else:
            what = repr(token.strip()[:40])
        raise HclSyntaxError(f"unexpected {what} (column {exc.column})", exc.line) from None
    except UnexpectedCharacters as exc:
        raise HclSyntaxError(f"unexpected character {exc.char!r} (column {exc.column})", exc.line) from None
    except UnexpectedEOF:
        raise HclSyntaxError("unexpected end of file", text.count("\n") + 1) from None
    except UnexpectedInput as exc:
        raise HclSyntaxError(str(exc).splitlines()[0], exc.line if exc.line > 0 else None) from None
    except RecursionError:
        raise HclSyntaxError(_TOO_DEEP) from None
    except (RuntimeError, ValueError) as exc:  # python-hcl2 raises these for malformed heredocs and literals
        raise HclSyntaxError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    except Exception as exc:  # a bug in the parser on one file must not stop the review of the others
        if isinstance(getattr(exc, "orig_exc", None), RecursionError):  # lark's VisitError around it
            raise HclSyntaxError(_TOO_DEEP) from None
        raise HclSyntaxError(f"the HCL parser failed: {type(exc).__name__}: {exc}") from None
    return [item for item in body_items(tree.body) if isinstance(item, Block)]


def _close_heredocs(text: str) -> str:
    """Drop trailing blanks after a heredoc's closing marker (`POLICY  `): Terraform accepts them, the grammar not."""
    markers = set(_HEREDOC_OPENER.findall(text))
    if not markers:
        return text
    pattern = re.compile(r"^([ \t]*(?:" + "|".join(re.escape(m) for m in markers) + r"))[ \t]+(\r?)$", re.MULTILINE)
    return pattern.sub(r"\1\2", text)


def body_items(body: Any) -> Iterator[Attribute | Block]:
    """Attributes and blocks of a body, in source order."""
    for child in body.children:
        if child is None:
            continue
        kind = child.lark_name()
        if kind == "attribute":
            line, end_line = lines(child)
            yield Attribute(token_text(child.children[0]), child.children[2], line, end_line, child)
        elif kind == "block":
            line, end_line = lines(child)
            labels = [label_text(label) for label in child.labels]
            yield Block(labels[0], tuple(labels[1:]), child.body, line, end_line, child)


def lines(node: Any) -> tuple[int, int]:
    meta = node._meta
    line = getattr(meta, "line", 0) or 0
    return line, getattr(meta, "end_line", line) or line


def token_text(node: Any) -> str:
    """The text of an identifier (or any rule wrapping one token)."""
    while hasattr(node, "children"):
        node = next(child for child in node.children if child is not None)
    return str(node.value)


def label_text(node: Any) -> str:
    """A block label: an identifier or a quoted string without its quotes."""
    if node.lark_name() == "string":
        return "".join(str(part.content.value) for part in node.string_parts if hasattr(part.content, "value"))
    return token_text(node)


def legacy_index(digits: str) -> int | str:
    """The key of a legacy index (`aws_instance.web.0`): a list position, or past any list's length (more
    digits than a number Terraform keeps exact) the digits themselves, which index nothing but a map."""
    return int(digits) if len(digits) <= 155 else digits


def traversal(node: Any) -> tuple[str, list[tuple[str, Any]]] | None:
    """`a.b[c].d` → ("a", [("attr", "b"), ("index", c-node), ("attr", "d")]); None when not rooted in a name."""
    steps: list[tuple[str, Any]] = []
    while True:
        kind = node.lark_name()
        if kind == "expr_term":
            if node.parentheses:
                return None
            node = node.expression
        elif kind == "get_attr_expr_term":
            steps.append(("attr", token_text(node.get_attr.identifier)))
            node = node.expr_term
        elif kind == "index_expr_term":
            index = node.children[1]
            if index.lark_name() == "short_index":
                steps.append(("index_literal", legacy_index(str(index.index.value))))
            else:
                steps.append(("index", index.index_expression))
            node = node.children[0]
        elif kind == "identifier":
            steps.reverse()
            return token_text(node), [(k if k != "index_literal" else "attr", v) for k, v in steps]
        else:
            return None
