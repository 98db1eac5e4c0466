"""A resource's open `dynamic` blocks taken together (ADR 0476).

Each `OpenBlock` (ADR 0452) holds the resource's values with that one block's two outcomes — none rendered, one
rendered — and every other open block still unknown. Terraform decides them all at once, so a resource with
several is judged in every combination: each block's outcome changes the resource only where that block lies (its
patch against the resource as it is), and the patches of one outcome per block are applied together. Blocks whose
patches touch the same part cannot be composed that way; nor are more than `MAX_COMBINED` blocks (2^k renderings,
each a run of the rules): those stay judged one at a time.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from itertools import product
from typing import Any

from tfreview.core.plan import OpenBlock

MAX_COMBINED = 4  # open blocks judged together on one resource: 16 renderings at most

_REMOVED = object()  # a patch that deletes a key

Path = tuple[str | int, ...]
Patch = list[tuple[Path, Any]]
Side = tuple[Any, Any, Any]  # values, unknown mask, sensitive mask


def renderings(side: Side, blocks: Sequence[OpenBlock]) -> list[Side] | None:
    """The resource's (values, unknown, sensitive) in each of the 2^k combinations of `blocks`' outcomes, in
    `itertools.product((False, True), repeat=k)` order (the first with no block of any, the last with one of each);
    None when the blocks are too many or overlap."""
    if not 2 <= len(blocks) <= MAX_COMBINED:
        return None
    outcomes: list[tuple[list[Patch], list[Patch]]] = []  # per block: (absent, present), one patch per component
    for block in blocks:
        absent = (block.absent, block.absent_unknown, block.absent_sensitive)
        present = (block.present, block.present_unknown, block.present_sensitive)
        outcomes.append(
            (
                [_patch(mine, theirs) for mine, theirs in zip(side, absent, strict=True)],
                [_patch(mine, theirs) for mine, theirs in zip(side, present, strict=True)],
            )
        )
    for component in range(3):  # every two blocks must change disjoint parts, whichever outcome
        touched = [{path for outcome in pair for path, _ in outcome[component]} for pair in outcomes]
        for first in range(len(touched)):
            for second in range(first + 1, len(touched)):
                if _overlap(touched[first], touched[second]):
                    return None
    out: list[Side] = []
    for chosen in product((False, True), repeat=len(blocks)):
        components = []
        for component in range(3):
            value = copy.deepcopy(side[component]) if side[component] is not None else {}
            for pair, rendered in zip(outcomes, chosen, strict=True):
                for path, new in pair[1 if rendered else 0][component]:
                    value = _apply(value, path, new)
            components.append(value if component == 0 else (value or None))
        out.append((components[0], components[1], components[2]))
    return out


def _patch(mine: Any, theirs: Any) -> Patch:
    """What turns `mine` into `theirs`: (path, value) pairs, `_REMOVED` for a deleted key. A mask of None reads
    as an empty one at the top, so that only the paths that differ are named."""
    out: Patch = []
    _diff({} if mine is None else mine, {} if theirs is None else theirs, (), out)
    return out


def _diff(mine: Any, theirs: Any, path: Path, out: Patch) -> None:
    if mine == theirs:
        return
    if isinstance(mine, dict) and isinstance(theirs, dict):
        for key in mine.keys() | theirs.keys():
            if key not in theirs:
                out.append(((*path, key), _REMOVED))
            elif key not in mine:
                out.append(((*path, key), theirs[key]))
            else:
                _diff(mine[key], theirs[key], (*path, key), out)
    elif isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        for index, (child, other) in enumerate(zip(mine, theirs, strict=True)):
            _diff(child, other, (*path, index), out)
    else:
        out.append((path, theirs))


def _overlap(first: set[Path], second: set[Path]) -> bool:
    """True when a path of one is a path of the other or lies inside one (a block inside a changed block)."""
    return any(a[: len(b)] == b or b[: len(a)] == a for a in first for b in second)


def _apply(value: Any, path: Path, new: Any) -> Any:
    if not path:
        return copy.deepcopy(new)
    node = value
    for key in path[:-1]:
        node = node[key]
    if new is _REMOVED:
        del node[path[-1]]
    else:
        node[path[-1]] = copy.deepcopy(new)
    return value
