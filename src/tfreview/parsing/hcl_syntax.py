"""HCL text → blocks and attributes with line numbers, through python-hcl2's syntax tree.

python-hcl2 (and lark under it) is imported inside `parse_blocks` only, so a plan scan never pays
for it. Nodes of its tree are handled by their grammar name (`node.lark_name()`), kept as `Any`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


# python-hcl2's terminals for a quoted string's characters and for a heredoc repeat a group of alternatives once per
# character: Python's regex engine keeps ~240 bytes of state per repetition, so one 1 MB string or heredoc took a
# 240 MB peak (10 MB: 2.4 GB). The same languages written so that a run of plain characters is one repetition
# (`[^"\\$%]+`, `[\s\S]*?`) keep state per special character only. Replaced only where the grammar's text is
# exactly the one written here (python-hcl2 8.x); another version's terminals are left as they are.
_BOUNDED_TERMINALS = {
    "STRING_CHARS": (
        r'(?:(?!\$\$\{)(?!\$\{)(?!%%\{)(?!%\{)[^"\\]|\\.|(?:\$(?!\$?\{))|(?:%(?!%?\{)))+',
        r'(?:[^"\\$%]+|\\.|(?:\$(?!\$?\{))|(?:%(?!%?\{)))+',
    ),
    "HEREDOC_TEMPLATE": (
        "<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\\s*(?P=heredoc)\r?\n",
        "<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:[\\s\\S]*?\r?\n)??\\s*(?P=heredoc)\r?\n",
    ),
    "HEREDOC_TEMPLATE_TRIM": (
        "<<-(?P<heredoc_trim>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\\s*(?P=heredoc_trim)\r?\n",
        "<<-(?P<heredoc_trim>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:[\\s\\S]*?\r?\n)??\\s*(?P=heredoc_trim)\r?\n",
    ),
}


@functools.cache
def _bound_terminals() -> int:
    """Rewrite python-hcl2's per-character terminals (above) in its parser, once, before its lexers build their
    scanners; the number of terminals rewritten."""
    from hcl2.parser import parser

    built = parser()
    rewritten = 0
    for terminal in built.terminals:
        known = _BOUNDED_TERMINALS.get(terminal.name)
        if known is not None and terminal.pattern.value == known[0]:
            terminal.pattern.value = known[1]
            rewritten += 1
    lexer = getattr(getattr(built.parser, "lexer", None), "lexer", None)
    for basic in [*getattr(lexer, "lexers", {}).values(), getattr(lexer, "root_lexer", None)]:
        if basic is not None and hasattr(basic, "_scanner"):
            basic._scanner = None  # built again from the rewritten terminals on first use
    return rewritten


# within `parses_remembered()`: each text's blocks, parsed once (an upload's masking reads a root's files twice)
_REMEMBERED: ContextVar[dict[str, list[Block]] | None] = ContextVar("tfreview_parses_remembered", default=None)


@contextmanager
def parses_remembered() -> Iterator[None]:
    """Within it, a text already parsed is not parsed again (its blocks are kept until the block ends)."""
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def parse_blocks(text: str) -> list[Block]:
    """The top-level blocks of one file; raise HclSyntaxError when it does not parse."""
    remembered = _REMEMBERED.get()
    if remembered is None:
        return _parse_blocks(text)
    if text not in remembered:
        remembered[text] = _parse_blocks(text)
    return list(remembered[text])


def _parse_blocks(text: str) -> list[Block]:
    from hcl2.api import parses
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    _bound_terminals()
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
