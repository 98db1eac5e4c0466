"""A hard token budget per review: the riskiest parts first, and an exact account of the rest.

Tokens are estimated, never counted with a vendor tokenizer: `ceil(utf-8 bytes / 4)`, which is
the usual 4 characters a token for English and code and errs high for other scripts. The prompt
is assembled from pieces (a resource change with its findings, a finding on an unchanged
resource, a drifted resource, a PR text); `fit` keeps pieces in rank order while they fit and
says exactly which resources, facts, drift entries and texts it left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tfreview.advisor.risk import Rank
from tfreview.core.usage import Omission


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / 4)


Parts = tuple[tuple[str, str], ...]  # (section, text) lines a piece adds to the prompt


@dataclass(frozen=True, slots=True)
class Piece:
    """One unit kept or dropped whole: a change with its findings, a finding, a drift line, a text.

    `render` makes the parts only when the piece may fit (rendering 50,000 diffs would cost more
    than the review); `floor` is a cheap lower bound of its size in bytes.
    """

    rank: Rank
    order: tuple[int, str]  # tie-break within a rank (stable, deterministic)
    kind: str  # "change" | "fact" | "drift" | "extra"
    key: str  # the resource address, or the extra's name
    change_kind: str = ""  # for "change": create, update, delete, …
    facts: int = 0  # rule findings travelling with it
    parts: Parts = ()
    render: Callable[[], Parts] | None = None
    floor: int = 0

    def materialise(self) -> Parts:
        return self.render() if self.render is not None else self.parts


def size_of(parts: Parts) -> int:
    """Bytes the parts add, one newline per line included."""
    return sum(len(text.encode("utf-8")) + 1 for _, text in parts)


def fit(pieces: Iterable[Piece], available: int, *, patience: int = 32) -> tuple[list[Parts], Omission]:
    """The parts of the pieces that fit in `available` bytes, taken in rank order, and what was left out.

    A piece too big for what is left is skipped and a smaller one after it may still go in; after
    `patience` such misses the prompt is full and the rest is counted without being rendered.
    """
    kept: list[Parts] = []
    resources: list[str] = []
    by_kind: dict[str, int] = {}
    facts = drift = 0
    extras: list[str] = []
    left = available
    misses = 0
    for piece in sorted(pieces, key=lambda p: (p.rank, p.order)):
        if misses <= patience and piece.floor <= left:
            parts = piece.materialise()
            size = size_of(parts)
            if size <= left:
                kept.append(parts)
                left -= size
                continue
            misses += 1
        if piece.kind == "change":
            resources.append(piece.key)
            by_kind[piece.change_kind] = by_kind.get(piece.change_kind, 0) + 1
            facts += piece.facts
        elif piece.kind == "fact":
            facts += 1
        elif piece.kind == "drift":
            drift += 1
        else:
            extras.append(piece.key)
    return kept, Omission(tuple(resources), by_kind, facts, drift, tuple(extras))
