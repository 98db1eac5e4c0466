"""Terraform's list and string functions that modules use to build lists of members, principals and names
(ADR 0748): `coalescelist`, `compact`, `distinct`, `element`, `flatten`, `one`, `slice`, `split`, `zipmap`,
`alltrue`, `anytrue`, `strcontains`, `startswith`, `endswith`.

Each is written from Terraform's function documentation; where the documentation and older releases differ
(`element` with a negative index, refused before Terraform 1.10), the call is left unknown rather than guessed.
A call Terraform rejects raises TypeError or ValueError, which `hcl_functions.attempt` turns into
`FunctionError` (what `try` falls back from). Unknown arguments are handled by `attempt` before these run:
the functions named in `STRUCTURAL_COLLECTION` only pick or gather elements, so a known list with unknown
elements is enough; the others need every element known.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from tfreview.core.values import UNKNOWN, PartlyKnownJson, terraform_bool

# Pick elements, or gather them, without looking into them: a list of known length whose elements are known only
# after apply is enough (`coalescelist([aws_iam_role.x.arn], ["*"])` is the one-element list).
STRUCTURAL_COLLECTION = frozenset({"coalescelist", "element", "one", "slice", "zipmap"})


def _text(value: Any) -> str:
    """A primitive as Terraform converts it to a string argument (numbers and bools too); else TypeError."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    raise TypeError("not a string")


def _partly_known(*values: Any) -> bool:
    """True when a string argument (or a list's string element) is JSON text holding values known only after apply
    (ADR 0635): its text is known only in part, so what these functions find in it is not known."""
    return any(
        isinstance(v, PartlyKnownJson) or (isinstance(v, list) and any(isinstance(e, PartlyKnownJson) for e in v))
        for v in values
    )


def _sequence(value: Any) -> list[Any]:
    """A list, set or tuple argument (all read as Python lists); TypeError for anything else, null included."""
    if not isinstance(value, list):
        raise TypeError("not a list, a set or a tuple")
    return value


def _whole(value: Any) -> int:
    """A whole-number argument (a string of digits converts, as Terraform converts it); else TypeError."""
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, str):
        value = float(value)  # ValueError for text that is no number
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise ValueError("not a whole number")
        value = int(value)
    if not isinstance(value, int):
        raise TypeError("not a number")
    return value


def _coalescelist(*lists: Any) -> list[Any]:
    """The first argument that is a non-empty list; null arguments are skipped; none → an error."""
    for item in lists:
        if item is not None and _sequence(item):
            return _sequence(item)
    raise ValueError("coalescelist: no non-empty list")


def _compact(items: Any) -> Any:
    """The list of strings less its null and empty-string elements (numbers and bools convert to strings)."""
    if _partly_known(items):
        return UNKNOWN
    return [text for text in (None if v is None else _text(v) for v in _sequence(items)) if text]


def _distinct(items: Any) -> list[Any]:
    """The list less its repeated elements, each kept where it first occurs."""
    seen: set[str] = set()
    out: list[Any] = []
    for value in _sequence(items):
        key = json.dumps(value, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _element(items: Any, index: Any) -> Any:
    """`items[index]`, the index wrapped around the length; an empty list is an error. A negative index is
    left unknown: Terraform 1.10 counts it from the end, earlier releases refuse it."""
    values = _sequence(items)
    position = _whole(index)
    if not values:
        raise ValueError("element of an empty list")
    if position < 0:
        return UNKNOWN
    return values[position % len(values)]


def _flatten(items: Any) -> list[Any]:
    """Nested lists (and sets and tuples) replaced by their elements, at every depth."""
    out: list[Any] = []
    stack: list[Any] = [iter(_sequence(items))]
    while stack:
        value = next(stack[-1], _END)
        if value is _END:
            stack.pop()
        elif isinstance(value, list):
            stack.append(iter(value))
        else:
            out.append(value)
    return out


def _one(items: Any) -> Any:
    """The element of a one-element list, null for an empty one, an error for more."""
    values = _sequence(items)
    if len(values) > 1:
        raise ValueError("one: more than one element")
    return values[0] if values else None


def _slice(items: Any, start: Any, end: Any) -> list[Any]:
    """Elements from `start` (inclusive) to `end` (exclusive); an error unless 0 <= start <= end <= length."""
    values = _sequence(items)
    first, last = _whole(start), _whole(end)
    if not 0 <= first <= last <= len(values):
        raise ValueError("slice: index out of range")
    return values[first:last]


def _split(separator: Any, text: Any) -> Any:
    """Go's `strings.Split`, as Terraform calls it: an empty separator splits after each character, and an
    empty string split by an empty separator is the empty list."""
    if _partly_known(separator, text):
        return UNKNOWN
    sep, whole = _text(separator), _text(text)
    if sep == "":
        return list(whole)
    return whole.split(sep)


def _zipmap(keys: Any, values: Any) -> Any:
    """A map of `keys[i]` to `values[i]`; both lists of one length (else an error); a repeated key takes the
    last value."""
    names, items = _sequence(keys), _sequence(values)
    if len(names) != len(items):
        raise ValueError("zipmap: lists of different lengths")
    if any(name is UNKNOWN for name in names):
        return UNKNOWN  # a key known only after apply: the map's keys are unknown
    return {_text(name): value for name, value in zip(names, items, strict=True)}


def _booleans(items: Any) -> list[Any]:
    values = [terraform_bool(v) for v in _sequence(items)]
    if any(not isinstance(v, (bool, type(None))) for v in values):
        raise TypeError("not a list of bools")
    return values


def _alltrue(items: Any) -> bool:
    """True when every element is true (an empty list too); a null element is not true."""
    return all(v is True for v in _booleans(items))


def _anytrue(items: Any) -> bool:
    """True when some element is true (an empty list: false); null elements are skipped."""
    return any(v is True for v in _booleans(items))


def _strcontains(text: Any, part: Any) -> Any:
    if _partly_known(text, part):
        return UNKNOWN
    return _text(part) in _text(text)


def _startswith(text: Any, prefix: Any) -> Any:
    if _partly_known(text, prefix):
        return UNKNOWN
    return _text(text).startswith(_text(prefix))


def _endswith(text: Any, suffix: Any) -> Any:
    if _partly_known(text, suffix):
        return UNKNOWN
    return _text(text).endswith(_text(suffix))


_END = object()

COLLECTION_FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "coalescelist": _coalescelist,
    "compact": _compact,
    "distinct": _distinct,
    "element": _element,
    "flatten": _flatten,
    "one": _one,
    "slice": _slice,
    "split": _split,
    "zipmap": _zipmap,
    "alltrue": _alltrue,
    "anytrue": _anytrue,
    "strcontains": _strcontains,
    "startswith": _startswith,
    "endswith": _endswith,
}
