"""`moved`, `removed` and `import` blocks in source (HCL mode, ADR 0518): what a change between base and head
does to the objects of a renamed or removed resource, as Terraform would plan it.

Without them a rename is a delete plus a create and `removed { lifecycle { destroy = false } }` (Terraform 1.7,
OpenTofu 1.9) a delete: both a destroy of an object Terraform keeps. Terraform plans the first as a move (the
object keeps its state under the new address, `previous_address`), the second as `["forget"]`. A resource an
`import` block brings in is no create either: Terraform imports the object that is there (review15a, ADR 0550).

>>> moved_to("aws_instance.web[0]", [("aws_instance.web", "aws_instance.app")])
'aws_instance.app[0]'
>>> moved_to("module.old.aws_s3_bucket.b", [("module.old", "module.new")])
'module.new.aws_s3_bucket.b'
>>> is_forgotten("module.db.aws_db_instance.main", ["module.db"]), is_forgotten("aws_db_instance.x", ["aws_db"])
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tfreview.core.plan import instance_key
from tfreview.parsing.hcl_syntax import Attribute, Block, body_items, traversal
from tfreview.parsing.hcl_values import EVALUATION_ERRORS, Evaluator, Scope


def address_of(expression: Any, evaluator: Evaluator | None = None) -> str | None:
    """The address a `from`/`to` traversal names (`module.a.aws_instance.b[0]`); None for anything else. An index
    is a literal key, or one `evaluator` reads (an `import` block's `[each.key]`)."""
    try:
        found = traversal(expression)
    except (AttributeError, IndexError, TypeError):
        return None
    if found is None:
        return None
    root, steps = found
    parts = [root]
    for kind, value in steps:
        if kind == "attr":
            parts.append(f"[{value}]" if isinstance(value, int) else f".{value}")
            continue
        key = _literal_key(value, evaluator or Evaluator(Scope()))
        if key is None:
            return None  # an index that is no literal key (`[var.i]`): Terraform refuses it too
        parts.append(instance_key(key))
    return "".join(parts)


def _literal_key(node: Any, evaluator: Evaluator) -> int | str | None:
    """`[0]` → 0, `["a"]` → "a"; None for anything else (evaluated with nothing in scope: literals only)."""
    try:
        value = evaluator.evaluate(node)
    except EVALUATION_ERRORS:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _attribute(block: Block, name: str) -> Attribute | None:
    return next((i for i in body_items(block.body) if isinstance(i, Attribute) and i.name == name), None)


def moved_pair(block: Block, prefix: str) -> tuple[str, str] | None:
    """(from, to) of a `moved` block, with the module's address in front."""
    source, target = _attribute(block, "from"), _attribute(block, "to")
    old = address_of(source.expression) if source is not None else None
    new = address_of(target.expression) if target is not None else None
    return (prefix + old, prefix + new) if old and new else None


def forgotten_address(block: Block, scope: Scope) -> str | None:
    """The `from` of a `removed` block whose `lifecycle { destroy = false }`, with the module's address in front."""
    source = _attribute(block, "from")
    old = address_of(source.expression) if source is not None else None
    if old is None:
        return None
    for inner in body_items(block.body):
        if isinstance(inner, Block) and inner.kind == "lifecycle":
            destroy = _attribute(inner, "destroy")
            if destroy is None:
                continue
            try:
                value = Evaluator(scope).evaluate(destroy.expression)
            except EVALUATION_ERRORS:
                return None
            if value is False:
                return scope.prefix + old
    return None


def import_targets(block: Block, scope: Scope) -> list[tuple[str, str | None]]:
    """(to, id) of each object an `import` block of the root module (Terraform allows none elsewhere) imports: one,
    or one per element of its `for_each` (a map, or a set of strings: Terraform 1.7), with `each.key` and
    `each.value` read in `to` and `id`. The id when it reads as a non-empty string (None: an expression not known
    here, or an `identity`); none without a `to` read here or with a `for_each` not known here."""
    target = _attribute(block, "to")
    if scope.prefix or target is None:
        return []
    each = _attribute(block, "for_each")
    if each is None:
        evaluators: list[Evaluator | None] = [None]  # `to` with literal keys only, as before for_each
    else:
        try:
            elements = Evaluator(scope).evaluate(each.expression)
        except EVALUATION_ERRORS:
            return []
        if isinstance(elements, Mapping):
            pairs = list(elements.items())
        elif isinstance(elements, list) and all(isinstance(e, str) for e in elements):
            pairs = [(e, e) for e in dict.fromkeys(elements)]  # a set of strings: each.key is each.value
        else:
            return []
        evaluators = [Evaluator(scope).binding({"each": {"key": k, "value": v}}) for k, v in pairs]
    given = _attribute(block, "id")
    found: list[tuple[str, str | None]] = []
    for evaluator in evaluators:
        address = address_of(target.expression, evaluator.fresh() if evaluator is not None else None)
        if address is None:
            continue
        try:
            value = (evaluator or Evaluator(scope)).fresh().evaluate(given.expression) if given is not None else None
        except EVALUATION_ERRORS:
            value = None
        found.append((address, value if isinstance(value, str) and value else None))
    return found


def _under(address: str, base: str) -> bool:
    return address == base or address.startswith((f"{base}[", f"{base}."))


def moved_to(address: str, moves: Iterable[tuple[str, str]]) -> str | None:
    """Where `address` (a base resource instance) ends up through `moves`, followed as a chain as Terraform does
    (`a` to `b`, then `b` to `c`: `a` to `c`, in whatever order the blocks are written), each move once; None when
    none applies or the chain comes back to `address`.

    >>> moved_to("aws_instance.a", [("aws_instance.b", "aws_instance.c"), ("aws_instance.a", "aws_instance.b")])
    'aws_instance.c'
    >>> moved_to("aws_instance.a", [("aws_instance.a", "aws_instance.a[0]")])
    'aws_instance.a[0]'
    """
    pending = list(moves)
    current = address
    while True:
        step = next(((old, new) for old, new in pending if _under(current, old)), None)
        if step is None:
            break
        pending.remove(step)
        old, new = step
        current = new + current[len(old) :]
    return current if current != address else None


def is_forgotten(address: str, forgotten: Iterable[str]) -> bool:
    return any(_under(address, old) for old in forgotten)
