"""`dynamic` blocks expanded as Terraform expands them, when their `for_each` is known.

    dynamic "ingress" {                    ingress = [
      for_each = { ssh = 22, https = 443 }   {from_port = 443, description = "https"},
      content {                     →        {from_port = 22,  description = "ssh"},
        from_port   = ingress.value        ]
        description = ingress.key
      }
    }

The iterator is the block's label, or the name `iterator = it` gives; `it.key` is the map key (the element
for a set written `toset(...)`), `it.value` the element. Maps are walked in key order, lists in order.
A list's `key` is its index in Terraform, but a `set(...)` variable reads here as a list, so the key of a
list stays unknown rather than guessed. Nested `dynamic` blocks see the iterators of those around them.
A `for_each` that is unknown, null, not a collection, or a list holding an unknown element leaves the whole
block unknown: Terraform would know how many blocks there are only at plan time.

A `for_each` empty only because a root variable keeps its declared default (`var.enabled ? [1] : []` with
`default = false`, `var.rules` with `default = []`) gives no block, as Terraform would; its content is also read
once, as conditional (`conditional_dynamic`, ADR 0407), and reviewed apart — at any depth, inside static, expanded
or conditional blocks, and beside a `dynamic` of the same type whose `for_each` is unknown (`gated_blocks`,
ADR 0422).

A `for_each` unknown here leaves Terraform two outcomes: no block (the provider's default applies) or blocks of
the content written. Both are kept beside the body's values (`open_dynamic`, `open_blocks`, ADR 0452), so a rule
that fails on both is reported, whichever Terraform renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Protocol

from tfreview.core.values import UNKNOWN
from tfreview.parsing import evaluation_budget
from tfreview.parsing.hcl_syntax import Attribute, Block, body_items, token_text

MAX_BLOCKS = 1_000  # more is read as unknown: each block's content is evaluated on its own


@dataclass(frozen=True, slots=True)
class GatedBlock:
    """A `dynamic` block empty only by root defaults, as a body holds it (ADR 0407, 0422): its `path` in the
    body's values (`ingress.1`, `logging.0.rule.0`), its block type, the body's values with that one block added
    (after the blocks of its type that are known), and the variables whose defaults leave it out."""

    path: str
    name: str
    values: dict[str, Any]
    condition: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpenDynamic:
    """A `dynamic` block whose `for_each` is known only at plan time, as a body holds it (ADR 0452): Terraform
    renders no block of it, or blocks of its content. `absent`: the body's values with none (the known blocks of
    its type only); `present`: with one block of the content, read with the iterator unknown, at `path`
    (`rule.0`, `logging.0.rule.1`) after the known blocks of its type. `name`: the `dynamic` block's type."""

    path: str
    name: str
    absent: dict[str, Any]
    present: dict[str, Any]


class BlockValues(Protocol):
    values: dict[str, Any]
    references: dict[str, tuple[str, ...]]
    conditional: list[GatedBlock]
    open: list[OpenDynamic]


class DynamicEvaluator(Protocol):
    references: list[str]
    closed: bool
    defaults: list[str]
    unreadable: list[tuple[str, str]]

    def evaluate(self, node: Any) -> Any: ...

    def fresh(self) -> DynamicEvaluator: ...

    def binding(self, names: Mapping[str, Any]) -> DynamicEvaluator: ...

    def opened(self, only: AbstractSet[str] | None = None) -> DynamicEvaluator | None: ...

    def body(self, body: Any, *, top_level: bool = False) -> BlockValues: ...


def iterator_name(block: Block) -> str:
    """The name the content refers to each element by: `iterator = it`, else the block's label."""
    for item in body_items(block.body):
        if isinstance(item, Attribute) and item.name == "iterator":
            return token_text(item.expression)
    return block.labels[0] if block.labels else block.kind


def expand_dynamic(evaluator: DynamicEvaluator, block: Block) -> list[BlockValues] | None:
    """The blocks a `dynamic` block stands for (plan shape, with the gated blocks inside each), or None when
    Terraform knows them only later.

    References of `for_each` and of every block's content land in `evaluator.references`.
    """
    for_each, content = _parts(block)
    if for_each is None or content is None:
        return None  # Terraform rejects it; nothing to read
    if evaluation_budget.exhausted(blocks=True):  # nested `dynamic` blocks multiply: the budget is spent (ADR 0678)
        return None
    pairs = _pairs(evaluator.evaluate(for_each.expression), _is_toset(for_each.expression))
    if pairs is None or len(pairs) > MAX_BLOCKS or not evaluation_budget.take(len(pairs), blocks=True):
        return None
    name = iterator_name(block)
    blocks: list[BlockValues] = []
    for key, value in pairs:
        inner = evaluator.binding({name: {"key": key, "value": value}})
        result = inner.body(content.body)
        blocks.append(result)
        evaluator.unreadable.extend((f"{name}.{path}", reason) for path, reason in inner.unreadable)
        for found in result.references.values():
            evaluator.references.extend(found)
    return blocks


def conditional_dynamic(evaluator: DynamicEvaluator, block: Block) -> tuple[BlockValues, tuple[str, ...]] | None:
    """The one block a `dynamic` block stands for when its `for_each` is empty only because root variables keep
    their declared defaults (ADR 0407, as ADR 0360 for `count`/`for_each`), with the variables whose defaults
    leave it out; None when it is empty whatever they are set to (a literal, a local of literals, tfvars or a
    module argument decides) or not empty at all.

    The content is read once with the iterator's `key` and `value` unknown (which elements a caller gives is
    not known) and with the gate variables unknown (wherever the block exists, some gate differs from its
    default); the other variables keep their defaults. References land in `evaluator.references`."""
    for_each, content = _parts(block)
    if for_each is None or content is None:
        return None
    probe = evaluator.fresh()
    if not _empty(probe.evaluate(for_each.expression)):
        return None
    read_defaults = tuple(dict.fromkeys(probe.defaults))
    opened = evaluator.opened()
    if not read_defaults or opened is None or _empty(opened.fresh().evaluate(for_each.expression)):
        return None
    gates = tuple(
        name
        for name in read_defaults
        if not _empty(((evaluator.opened({name}) or evaluator).fresh()).evaluate(for_each.expression))
    )
    condition = gates or read_defaults
    reader = evaluator.opened(set(condition)) or evaluator
    name = iterator_name(block)
    inner = reader.binding({name: {"key": UNKNOWN, "value": UNKNOWN}})
    result = inner.body(content.body)
    evaluator.unreadable.extend((f"{name}.{path}", reason) for path, reason in inner.unreadable)
    for found in result.references.values():
        evaluator.references.extend(found)
    return result, condition


def open_dynamic(evaluator: DynamicEvaluator, block: Block) -> BlockValues | None:
    """The one block a `dynamic` block whose `for_each` is unknown stands for when Terraform renders any (ADR
    0452): its content read with the iterator's `key` and `value` unknown, the variables keeping their defaults.
    None when the block has no `for_each` or no `content` (Terraform refuses it). Its references and unreadable
    items are not recorded: the caller collected the block's references already, and an unreadable item reads
    as unknown, which no rule judges."""
    for_each, content = _parts(block)
    if for_each is None or content is None:
        return None
    name = iterator_name(block)
    reader = evaluator.fresh().binding({name: {"key": UNKNOWN, "value": UNKNOWN}})
    reader.closed = True  # an open block in it stays unknown in the block judged: not read for nothing
    return reader.body(content.body)


def open_known(
    values: Mapping[str, Any],
    dynamic: list[str],
    own: list[tuple[str, BlockValues]],
    nested: list[tuple[str, int, OpenDynamic]],
) -> tuple[dict[str, list[Any]], list[tuple[str, BlockValues]]]:
    """Before a body's open `dynamic` blocks become UNKNOWN in `values` (`dynamic`: their types, once each): the
    known blocks of each type an open block goes beside or into, and the body's own open blocks that are alone of
    their type among the open ones (with two, one rendering none leaves the other unknown). A nested one whose
    type also has an open `dynamic` in this body is left out: that type ends up unknown."""
    if not own and not nested:
        return {}, own
    alone = [(name, content) for name, content in own if dynamic.count(name) == 1]
    known = {name: values[name] for name, _ in alone if isinstance(values.get(name), list)}
    known.update(
        (name, values[name]) for name, _, _ in nested if name not in dynamic and isinstance(values.get(name), list)
    )
    return known, alone


def open_blocks(
    values: dict[str, Any],
    known: Mapping[str, list[Any]],
    own: list[tuple[str, BlockValues]],
    nested: list[tuple[str, int, OpenDynamic]],
) -> list[OpenDynamic]:
    """The open blocks of one body whose `values` are final (each open `dynamic` is UNKNOWN there). `known`: the
    blocks of each type read before that (`open_known`); `own`: this body's open `dynamic` blocks (type,
    content) alone of their type; `nested`: the open blocks inside the block at `values[type][index]`. Each is
    the body's values with that one block's two outcomes in place."""
    out: list[OpenDynamic] = []
    for name, content in own:
        if not evaluation_budget.outcome_allowed(len(out)):  # ADR 0678
            continue
        blocks = known.get(name, [])
        absent = {**values, name: list(blocks)} if blocks else {k: v for k, v in values.items() if k != name}
        out.append(OpenDynamic(f"{name}.{len(blocks)}", name, absent, {**values, name: [*blocks, content.values]}))
    for name, index, inner in nested:
        blocks = known.get(name, [])
        if index >= len(blocks):
            continue  # its type is unknown: an open `dynamic` of that type stands beside it
        if not evaluation_budget.outcome_allowed(len(out)):
            continue
        without, with_block = list(blocks), list(blocks)
        without[index], with_block[index] = inner.absent, inner.present
        out.append(
            OpenDynamic(
                f"{name}.{index}.{inner.path}", inner.name, {**values, name: without}, {**values, name: with_block}
            )
        )
    return out


def gated_blocks(
    values: dict[str, Any],
    known: Mapping[str, list[Any]],
    own: list[tuple[str, BlockValues, tuple[str, ...]]],
    nested: list[tuple[str, int, GatedBlock]],
) -> list[GatedBlock]:
    """The gated blocks of one body whose `values` are final (a `dynamic` with an unknown `for_each` is UNKNOWN
    there). `known`: the blocks of each type read before that (static and expanded ones); `own`: this body's
    gated `dynamic` blocks (type, content, condition); `nested`: the gated blocks inside the block at
    `values[type][index]`. Each is the body's values with the one block added, so it is reviewed in place:
    after the known blocks of its type, even beside an unknown `dynamic` of that type, which would otherwise hide
    it (ADR 0422). A gated block inside a gated block carries both conditions."""
    out: list[GatedBlock] = []
    for name, content, condition in own:
        if not evaluation_budget.outcome_allowed(len(out)):  # ADR 0678
            continue
        blocks = known.get(name, [])
        at = f"{name}.{len(blocks)}"
        out.append(GatedBlock(at, name, {**values, name: [*blocks, content.values]}, condition))
        for inner in content.conditional:  # a gated block in the gated block's content: both gates
            if not evaluation_budget.outcome_allowed(len(out)):
                continue
            both = tuple(dict.fromkeys(condition + inner.condition))
            out.append(GatedBlock(f"{at}.{inner.path}", inner.name, {**values, name: [*blocks, inner.values]}, both))
    for name, index, inner in nested:
        if not evaluation_budget.outcome_allowed(len(out)):
            continue
        blocks = list(known.get(name, []))
        if index >= len(blocks):
            continue  # pragma: no cover - a nested block is always among the known blocks of its type
        blocks[index] = inner.values
        out.append(GatedBlock(f"{name}.{index}.{inner.path}", inner.name, {**values, name: blocks}, inner.condition))
    return out


def _parts(block: Block) -> tuple[Attribute | None, Block | None]:
    for_each: Attribute | None = None
    content: Block | None = None
    for item in body_items(block.body):
        if isinstance(item, Attribute) and item.name == "for_each":
            for_each = item
        elif isinstance(item, Block) and item.kind == "content":
            content = item
    return for_each, content


def _empty(collection: Any) -> bool:
    """An empty list, set or map: no block at all."""
    return isinstance(collection, (list, Mapping)) and not collection


def _pairs(collection: Any, is_set: bool) -> list[tuple[Any, Any]] | None:
    if isinstance(collection, Mapping):
        return sorted(collection.items())
    if not isinstance(collection, list) or any(element is UNKNOWN for element in collection):
        return None
    if is_set:
        return [(element, element) for element in collection]  # `toset` already ordered and deduplicated
    return [(UNKNOWN, element) for element in collection]


def _is_toset(expression: Any) -> bool:
    """`toset(...)` written as the whole `for_each`: the key of each element is the element itself."""
    node = expression
    if node.lark_name() == "expr_term":
        node = node.expression
    if node.lark_name() != "function_call":
        return False
    return [token_text(identifier) for identifier in node.identifiers] == ["toset"]
