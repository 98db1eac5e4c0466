"""The known beginning of a string whose value is unknown in HCL mode (ADR 0330).

`database_version = var.engine == "" ? "POSTGRES_15" : format("POSTGRES_%s", var.version)` is unknown
when `var.version` has no default, yet every value it can take starts with "POSTGRES": a rule that
asks "is this PostgreSQL?" (`matches = "^POSTGRES"`) can answer. `known_prefix` reads that beginning from
the expression, for the forms whose beginning is certain whatever the unknown parts are:

* a string template: its text up to the first interpolation whose value is unknown (plus that
  interpolation's own known beginning);
* `format(FORMAT, …)`: the text of FORMAT before its first verb (`%%` is a `%`);
* `replace(X, substr(X, 0, N), R)`: X's first N characters are X's own beginning, so the result starts
  with R (the module idiom that normalises a version's family name);
* a conditional: the beginning both branches share (a known branch counts as its whole text);
* parentheses around any of these.

Everything else has no known beginning. The expression is read again with a fresh evaluator of the same
scope, so the resource's references and evaluation failures are counted once.
"""

from __future__ import annotations

from typing import Any

from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl_functions import to_template_string
from tfreview.parsing.hcl_syntax import token_text
from tfreview.parsing.hcl_templates import unescape
from tfreview.parsing.hcl_values import Evaluator

# a known beginning is kept to this many characters (what follows is as known, and no rule reads that far): a
# template left unknown for its size was built here again in full, for each instance (4 GB; review24)
LONGEST_PREFIX = 4096


def known_prefix(evaluator: Evaluator, node: Any) -> str | None:
    """The text every value of the unknown string `node` starts with (its first LONGEST_PREFIX characters at most);
    None when none is known."""
    found = _prefix(evaluator, node)[:LONGEST_PREFIX]
    return found or None


def _prefix(evaluator: Evaluator, node: Any) -> str:
    kind = node.lark_name()
    if kind == "expr_term":
        return _prefix(evaluator, node.expression)
    if kind == "string":
        return _template(evaluator, node)
    if kind == "conditional":
        branches = [_text_or_prefix(evaluator, node.if_true), _text_or_prefix(evaluator, node.if_false)]
        return _shared_beginning(*branches) if all(branches) else ""
    if kind == "function_call":
        return _function(evaluator, node)
    return ""


def _shared_beginning(left: str, right: str) -> str:
    """The characters both strings start with (a text, not a path)."""
    length = 0
    while length < min(len(left), len(right), LONGEST_PREFIX) and left[length] == right[length]:
        length += 1
    return left[:length]


def _text_or_prefix(evaluator: Evaluator, node: Any) -> str:
    value = evaluator.evaluate(node)
    if isinstance(value, str):
        return value
    return _prefix(evaluator, node) if value is UNKNOWN else ""


def _template(evaluator: Evaluator, node: Any) -> str:
    text: list[str] = []
    for part in node.string_parts:
        if sum(map(len, text)) >= LONGEST_PREFIX:
            break  # as long a beginning as is kept
        content = part.content
        kind = content.lark_name()
        # each part cut to the length kept: the join never copies a whole 1 MB text for each instance
        if kind == "STRING_CHARS":
            text.append(unescape(str(content.value))[:LONGEST_PREFIX])
        elif kind in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
            text.append(unescape(str(content.value)[1:])[:LONGEST_PREFIX])
        elif kind == "interpolation":
            value = to_template_string(evaluator.evaluate(content.expression))
            if isinstance(value, str):
                text.append(value[:LONGEST_PREFIX])
                continue
            text.append(_prefix(evaluator, content.expression) if value is UNKNOWN else "")
            break
        else:  # a %{ } directive: what follows depends on it
            break
    return "".join(text)


def _function(evaluator: Evaluator, node: Any) -> str:
    arguments = node.arguments
    if arguments is None or arguments.has_ellipsis:
        return ""
    name = "::".join(token_text(identifier) for identifier in node.identifiers)
    values = list(arguments.arguments)
    if name == "format" and values:
        layout = evaluator.evaluate(values[0])
        return _format_head(layout) if isinstance(layout, str) else ""
    if name == "replace" and len(values) == 3 and _is_head_of(evaluator, values[1], values[0]):
        replacement = evaluator.evaluate(values[2])
        return replacement if isinstance(replacement, str) else ""
    return ""


def _format_head(layout: str) -> str:
    """`format`'s text before the first verb: "POSTGRES_%s" → "POSTGRES_", "100%%-%d" → "100%-"."""
    head: list[str] = []
    index = 0
    while index < len(layout):
        if layout[index] == "%":
            if layout[index + 1 : index + 2] != "%":
                break
            head.append("%")
            index += 2
            continue
        head.append(layout[index])
        index += 1
    return "".join(head)


def _is_head_of(evaluator: Evaluator, node: Any, whole: Any) -> bool:
    """`node` is `substr(WHOLE, 0, N)`: WHOLE's own first characters (so replacing them changes its start)."""
    while node.lark_name() == "expr_term":
        node = node.expression
    if node.lark_name() != "function_call" or node.arguments is None or node.arguments.has_ellipsis:
        return False
    if "::".join(token_text(identifier) for identifier in node.identifiers) != "substr":
        return False
    values = list(node.arguments.arguments)
    if len(values) != 3 or evaluator.evaluate(values[1]) != 0:
        return False
    length = evaluator.evaluate(values[2])
    return isinstance(length, int) and length > 0 and _same(values[0], whole)


def _same(left: Any, right: Any) -> bool:
    """The same expression, as written (`var.database_version` twice)."""
    from hcl2.utils import SerializationOptions

    try:
        options = SerializationOptions(with_comments=False)
        return bool(left.serialize(options) == right.serialize(options))
    except (RuntimeError, ValueError, TypeError, AttributeError):
        return False
