"""What a resource block says beyond its values: `prevent_destroy`, the source text of its unknown items, the known
beginning of its unknown strings (ADR 0330), and its `dynamic` blocks with an unknown `for_each` (ADR 0452).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfreview.core.values import UNKNOWN, contains_unknown
from tfreview.parsing.hcl_configured import OpenValues
from tfreview.parsing.hcl_dynamic import OpenDynamic
from tfreview.parsing.hcl_prefixes import known_prefix
from tfreview.parsing.hcl_syntax import Attribute, Block, body_items
from tfreview.parsing.hcl_values import EVALUATION_ERRORS, Evaluator, Scope
from tfreview.parsing.unknown_mask import split_unknown


def block_key(block: Block) -> str:
    """The key a nested block's values sit under: its type, or a `dynamic` block's label."""
    return block.labels[0] if block.kind == "dynamic" and block.labels else block.kind


def prevent_destroy(block: Block) -> bool:
    for item in body_items(block.body):
        if isinstance(item, Block) and item.kind == "lifecycle":
            for setting in body_items(item.body):
                if isinstance(setting, Attribute) and setting.name == "prevent_destroy":
                    return Evaluator(Scope()).evaluate(setting.expression) is True
    return False


def open_values(found: OpenDynamic) -> OpenValues:
    """A `dynamic` block with an unknown `for_each` (ADR 0452): both outcomes split into values and masks."""
    absent, absent_mask = split_unknown(found.absent)
    present, present_mask = split_unknown(found.present)
    return (found.path, found.name, absent, absent_mask or {}, present, present_mask or {})


def unknown_sources(block: Block, values: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The source text of each top-level item whose value is unknown, so base and head can be compared."""
    out: list[tuple[str, str]] = []
    for item in body_items(block.body):
        key = item.name if isinstance(item, Attribute) else block_key(item)
        if key in values and contains_unknown(values[key]):
            out.append((key, _source_text(item.node)))
    return tuple(sorted(out))


def known_prefixes(block: Block, values: Mapping[str, Any], scope: Scope) -> dict[str, str]:
    """The known beginning of each top-level attribute whose string value is unknown (ADR 0330)."""
    found: dict[str, str] = {}
    for item in body_items(block.body):
        if isinstance(item, Attribute) and values.get(item.name) is UNKNOWN:
            try:
                prefix = known_prefix(Evaluator(scope), item.expression)
            except EVALUATION_ERRORS:
                continue  # the attribute did not evaluate either: unknown, noted
            if prefix is not None:
                found[item.name] = prefix
    return found


def _source_text(node: Any) -> str:
    from hcl2.utils import SerializationOptions

    try:
        return repr(node.serialize(SerializationOptions(with_comments=False)))
    except (RuntimeError, ValueError, TypeError, AttributeError):
        return ""
