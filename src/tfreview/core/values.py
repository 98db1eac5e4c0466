"""Reading attribute values that may be unknown at plan time or marked sensitive.

A plan gives a resource's values (`before`/`after`) and, beside them, masks of the same shape:
`after_unknown` (true where the value is known only after apply) and `*_sensitive` (true where the
value is sensitive). `lookup` walks a value and its masks together, so a rule never mistakes an
unknown value for a missing one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, Final


class _Unknown:
    """The value of an attribute that is known only after apply."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(known after apply)"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = _Unknown()


UNKNOWN_TEXT: Final = "(known after apply)"  # where a value known only after apply stands in a partly known text


class PartlyKnownJson(str):
    """`jsonencode` of an object some of whose values are known only after apply (HCL mode, ADR 0635): the text
    Terraform would write with UNKNOWN_TEXT where those values go, and `document`, the object itself with UNKNOWN
    there. A reader of policies judges `document` element by element (an unknown element matches nothing); any
    other reader sees a string, as for any JSON text."""

    document: Mapping[str, Any]


def partly_known_json(document: Mapping[str, Any], text: str) -> PartlyKnownJson:
    found = PartlyKnownJson(text)
    found.document = document
    return found


def unknown_paths(value: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Where UNKNOWN stands inside `value` (a JSON-shaped value): each place as its keys and list positions."""
    if value is UNKNOWN:
        return [prefix]
    if isinstance(value, Mapping):
        return [path for key, child in value.items() for path in unknown_paths(child, (*prefix, str(key)))]
    if isinstance(value, list):
        return [path for index, child in enumerate(value) for path in unknown_paths(child, (*prefix, str(index)))]
    return []


def is_unknown(value: object) -> bool:
    return value is UNKNOWN


@lru_cache(maxsize=4096)
def _split_cached(path: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    for part in path.split("."):
        if part.isdigit():
            parts.append(int(part))
        elif part:
            parts.append(part)
    return tuple(parts)


def split_path(path: str) -> list[str | int]:
    """`a.0.b` → ['a', 0, 'b']."""
    return list(_split_cached(path))


def path_keys(path: str) -> tuple[str | int, ...]:
    """`split_path` as a shared tuple (cached: never change it)."""
    return _split_cached(path)


def _step(node: Any, key: str | int) -> Any:
    if type(node) is dict:
        return node.get(key) if type(key) is str else None
    if isinstance(key, int):
        if isinstance(node, list) and key < len(node):
            return node[key]
        return None
    if isinstance(node, Mapping):
        return node.get(key)
    if isinstance(node, list) and len(node) == 1 and isinstance(node[0], Mapping):
        # a single nested block addressed without its index: `versioning.enabled`
        return node[0].get(key)
    return None


def mask_at(mask: Any, path: Sequence[str | int]) -> bool:
    """True when the mask marks `path` or one of its parents (masks are `true` at leaves)."""
    node = mask
    for key in path:
        if node is True:
            return True
        node = _step(node, key)
        if node is None:
            return False
    return node is True


def mask_under(mask: Any, path: str | Sequence[str | int]) -> Any:
    """The part of an unknown mask at `path` (`True` when a parent is wholly unknown), None when it marks nothing
    there."""
    node = mask
    for key in _split_cached(path) if type(path) is str else path:
        if node is True:
            return True
        node = _step(node, key)
        if node is None:
            return None
    return node


def holds_unknown(mask: Any) -> bool:
    """True when an unknown mask marks anything: `true` at some leaf of its objects and lists (a bounded walk)."""
    stack, seen = [mask], 0
    while stack and seen < 10_000:
        node = stack.pop()
        seen += 1
        if node is True:
            return True
        if isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def lookup(values: Any, unknown: Any, path: str | Sequence[str | int]) -> Any:
    """The value at `path`, UNKNOWN when the plan says it is known after apply, None when absent."""
    keys = _split_cached(path) if type(path) is str else path
    if type(values) is dict and len(keys) == 1:  # the common case: a top-level attribute
        key = keys[0]
        if not unknown:
            return values.get(key)
        if type(unknown) is dict and type(key) is str:
            return UNKNOWN if unknown.get(key) is True else values.get(key)
    node = values
    mask = unknown
    for key in keys:
        if mask is True or node is UNKNOWN:
            return UNKNOWN
        # the two common shapes inline (an object by name, a list by index); _step handles the rest
        node = node.get(key) if type(node) is dict and type(key) is str else _step(node, key)
        if mask is not None:
            mask = mask.get(key) if type(mask) is dict and type(key) is str else _step(mask, key)
        if node is None:
            return UNKNOWN if mask is True else None
    if mask is True:
        return UNKNOWN
    return node


def _is_expression(node: Any) -> bool:
    """A plan `configuration` expression: `{"constant_value": …}`, `{"references": […]}` or `{}`."""
    return (type(node) is dict or isinstance(node, Mapping)) and set(node) <= _EXPRESSION_KEYS


_EXPRESSION_KEYS: Final = frozenset({"constant_value", "references"})


def written(configured: Any, path: str | Sequence[str | int]) -> bool:
    """True when the plan's `configuration` expressions show the user wrote `path` (or a parent of it).

    `configured` is a block body: attribute → expression, nested block → list of block bodies (or one
    body). Reaching an expression before the end of the path means the user wrote the whole value
    (`tags = {…}`), so everything below it is written too; the literal `null` (`{"constant_value": null}`)
    is not written, since Terraform treats it as an unset argument. Where the shapes cannot tell (more blocks in
    the value than in the configuration, as `dynamic` blocks give), the answer is True: never guess "unset".
    """
    keys = _split_cached(path) if isinstance(path, str) else path
    node: Any = configured
    for key in keys:
        if isinstance(node, list):
            if isinstance(key, int):
                if key >= len(node):
                    return True
                node = node[key]
                continue
            if not node:
                return False
            node = node[0]
        if not (type(node) is dict or isinstance(node, Mapping)):  # a parsed plan's dict: no ABC check (ADR 0502)
            return False
        if isinstance(key, int):
            continue  # a single block (an object) addressed with its index
        child = node.get(key)
        if child is None:
            return False
        if _is_expression(child):
            # `x = null` is Terraform's "not set": the provider computes its default, as if `x` were left out
            return not (child.get("constant_value", True) is None and not child.get("references"))
        node = child
    return True


_LEAVES: Final = frozenset({str, int, float, bool, type(None)})  # JSON's scalars: nothing unknown inside


def contains_unknown(value: Any) -> bool:
    """True when UNKNOWN is `value` or inside it. Plain JSON containers are walked by type, not through the
    `Mapping` ABC's `isinstance` (a rule asks this of every block value it compares), and a scalar child is
    passed over without a call."""
    if value is UNKNOWN:
        return True
    kind = type(value)
    if kind is dict:
        children: Any = value.values()
    elif kind is list:
        children = value
    elif kind in _LEAVES:
        return False
    elif isinstance(value, Mapping):
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return False
    for child in children:  # noqa: SIM110 - a loop, not `any` over a generator: no frame per child
        if child is UNKNOWN or (type(child) not in _LEAVES and contains_unknown(child)):
            return True
    return False


def walk_strings(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every string leaf of `value` with its dotted path."""
    if isinstance(value, str):
        yield prefix, value
    elif isinstance(value, Mapping):
        for key, child in value.items():
            yield from walk_strings(child, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk_strings(child, f"{prefix}.{index}" if prefix else str(index))


_STRING_BOOLS: Final = {"true": True, "1": True, "false": False, "0": False}


def terraform_bool(value: Any) -> Any:
    """`value` as Terraform passes it to a bool argument: the strings "true" and "1" are true, "false" and "0"
    false (go-cty's string-to-bool conversion, exact and case-sensitive; Terraform 0.11-era modules write their
    booleans as strings). Anything else is returned as it is: a bool, None, UNKNOWN, or a value Terraform refuses
    for a bool ("", "TRUE"), which is then neither `True` nor `False` and is judged by no rule (ADR 0716)."""
    if type(value) is str:
        return _STRING_BOOLS.get(value, value)
    return value


def not_a_bool(value: Any) -> bool:
    """True for a string Terraform cannot convert to a bool (`terraform_bool` leaves it a string)."""
    return type(value) is str and value not in _STRING_BOOLS
