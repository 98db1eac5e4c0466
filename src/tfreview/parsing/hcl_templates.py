"""Template text: escapes in quoted strings, heredoc bodies, and the `${...}` / `%{...}` pieces of a heredoc."""

from __future__ import annotations

import re
from typing import Any, Protocol

from tfreview.core.unicode_text import scrub
from tfreview.core.values import UNKNOWN
from tfreview.parsing import evaluation_budget
from tfreview.parsing.hcl_functions import MAX_VALUE_SIZE, to_template_string
from tfreview.parsing.hcl_syntax import Attribute, HclSyntaxError, body_items, parse_blocks

_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_TEMPLATE_START = re.compile(r"[$%]{")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n(.*?)^[ \t]*\2[ \t]*\r?\n?\Z", re.S | re.M)


def heredoc_body(raw: str) -> str | None:
    """The text of a `<<EOF` / `<<-EOF` token as Terraform reads it (final newline kept, `<<-` dedented)."""
    match = _HEREDOC.match(raw)
    if match is None:
        return None
    body = match.group(3)
    return _dedent(body) if match.group(1) else body


def template_pieces(text: str) -> list[tuple[str, str]] | None:
    """("text" | "interpolation" | "directive", source) in order; None when a `${` is never closed."""
    pieces: list[tuple[str, str]] = []
    position = 0
    while True:
        start = _next_template_start(text, position)
        if start < 0:
            pieces.append(("text", _unescape_template(text[position:])))
            return pieces
        pieces.append(("text", _unescape_template(text[position:start])))
        end = _closing_brace(text, start + 2)
        if end < 0:
            return None
        pieces.append(("directive" if text[start] == "%" else "interpolation", text[start + 2 : end]))
        position = end + 1


def _unescape_template(text: str) -> str:
    return text.replace("$${", "${").replace("%%{", "%{")


def unescape(text: str) -> str:
    """Resolve the escapes of a quoted HCL string (`\\n`, `\\"`, `\\u00e9`…)."""
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        escape = match.group(0)
        if escape[1] in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[escape[1]]
        try:
            character = chr(int(escape[2:], 16))
        except ValueError:
            return escape
        return scrub(character)  # half a surrogate pair is U+FFFD, as Terraform reads it (ADR 0370)

    return re.sub(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", replace, text)


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines)


def _next_template_start(text: str, position: int) -> int:
    """Index of the next `${` or `%{` that is not escaped as `$${` / `%%{`, or -1."""
    for match in _TEMPLATE_START.finditer(text, position):  # from `position`: no copy of the rest per piece
        start = match.start()
        if start > 0 and text[start - 1] == text[start]:
            continue
        return start
    return -1


def _closing_brace(text: str, position: int) -> int:
    depth = 0
    quoted = False
    index = position
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    return -1


class TemplateEvaluator(Protocol):
    def evaluate(self, node: Any) -> Any: ...


def evaluate_template(evaluator: TemplateEvaluator, text: str) -> Any:
    """Interpolate `${...}` in heredoc text (which python-hcl2 leaves unparsed); directives are unknown."""
    pieces = template_pieces(text)
    if pieces is None:
        return UNKNOWN
    parsed = _parsed([piece.strip() for kind, piece in pieces if kind == "interpolation"])
    out: list[Any] = []
    for kind, piece in pieces:
        if kind == "text":
            out.append(piece)
        elif kind == "interpolation":
            expression = parsed[piece.strip()]
            value = UNKNOWN if expression is _UNPARSED else evaluator.evaluate(expression)
            out.append(to_template_string(value))
        else:
            out.append(UNKNOWN)
    if any(part is UNKNOWN for part in out):
        return UNKNOWN
    size = sum(len(part) for part in out)
    if size > MAX_VALUE_SIZE or not evaluation_budget.take_built(size):
        return UNKNOWN  # too long to hold (ADR 0411), or past what a read's templates build (review24)
    return "".join(out)


_PARSED_ALONE = 16  # a failed part this small is parsed source by source
_UNPARSED = object()  # an interpolation that does not parse: its value is unknown


def _parsed(sources: list[str]) -> dict[str, Any]:
    """The expression of each distinct interpolation source, or _UNPARSED. One lark parse per interpolation
    made a heredoc of 40k `${1}` take ~40 s: the distinct one-line sources are parsed together, as the
    attributes `v0`..`vN` of one block, halved until each part parses (a failed part of 16 or fewer is
    parsed source by source); a source that spans lines, or holds a comment opener or heredoc, is parsed on its
    own as it always was."""
    distinct = list(dict.fromkeys(sources))
    together = [source for source in distinct if not any(mark in source for mark in ("\n", "\r", "/*", "<<"))]
    found: dict[str, Any] = {}
    _parse_together(together, found)
    for source in distinct:
        if source not in found:
            found[source] = _parse_one(source)
    return found


def _parse_together(sources: list[str], found: dict[str, Any]) -> None:
    if len(sources) < 2:
        return  # parsed on its own
    text = "x {\n" + "".join(f"  v{index} = {source}\n" for index, source in enumerate(sources)) + "}\n"
    try:
        blocks = parse_blocks(text)
    except HclSyntaxError:
        blocks = []
    items = list(body_items(blocks[0].body)) if len(blocks) == 1 else []
    # each attribute where its own line put it, so no source ran into the next (an unclosed bracket)
    if len(items) == len(sources) and all(
        isinstance(item, Attribute) and item.name == f"v{index}" and item.line == index + 2
        for index, item in enumerate(items)
    ):
        for source, item in zip(sources, items, strict=True):
            assert isinstance(item, Attribute)
            found[source] = item.expression
        return
    if len(sources) <= _PARSED_ALONE:
        return  # few enough to parse one by one: halving further costs more lark calls than it saves
    half = len(sources) // 2
    _parse_together(sources[:half], found)
    _parse_together(sources[half:], found)


def _parse_one(source: str) -> Any:
    try:
        blocks = parse_blocks(f"x {{\n  v = {source}\n}}\n")
    except HclSyntaxError:
        return _UNPARSED
    for item in body_items(blocks[0].body):
        if isinstance(item, Attribute):
            return item.expression
    return _UNPARSED
