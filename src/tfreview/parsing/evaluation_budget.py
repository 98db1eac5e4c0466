"""How many `for` elements and `dynamic` blocks one read of a configuration evaluates, all expressions together.

Each `for` expression reads at most `hcl_for.MAX_ELEMENTS` elements and each `dynamic` block at most
`hcl_dynamic.MAX_BLOCKS` blocks, but nested ones multiply: `[for i in range(1000) : [for j in range(1000) :
[for k in range(1000) : k]]]` is a billion evaluations from one line of a pull request (a scan ran past a
minute before it was stopped; ADR 0678). A read takes its budget (`budget`); each `for` and `dynamic` pays for
its elements before evaluating them, and one that cannot pay reads as unknown, as a collection too large does.
Outside a read (a lone evaluation) nothing is counted.

    >>> with budget(5, block_limit=2) as spent:
    ...     take(3), take(3), take(2, blocks=True), exhausted(blocks=True), spent.refused
    (True, False, True, True, 2)

The text function calls take in is bounded too (`take_text`): a call that cannot pay for its text reads as unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

MAX_EVALUATIONS = 250_000  # `for` elements one read evaluates
# `dynamic` blocks one read expands: each is a block of a resource's value, walked again for every check and for
# each outcome of an open `dynamic` beside it (three nested `dynamic` blocks of 100 were 250,000 blocks: minutes)
MAX_DYNAMIC_BLOCKS = 10_000
# outcomes one body's `dynamic` blocks add, each a copy of the body checked on its own: an open or gated `dynamic`
# inside each of 1,000 expanded blocks was 1,000 copies of 1,000 blocks (22 s of CPU, 843 MB for 16 lines)
MAX_OUTCOMES = 128
# characters of text one read's function calls take in (review24): `title` walks its text a character at a time and
# `replace` with a pattern a match at a time, and a `for` of a `for` repeats them 250,000 times (`title` of 2,000
# characters in each: three minutes); the other string functions copy their text (`upper` of 1 MB, 250,000 times)
MAX_FUNCTION_TEXT = 16 * 1024 * 1024
# characters of text one read's templates build (`"${local.text}!"`, a heredoc): each is a new string, and a resource's
# instances or `dynamic` blocks each build their own (1,000 instances of four resources with a 1 MB text: 4 GB;
# review24). The held-out trees' templates build at most 7,679 characters in a read.
MAX_BUILT_TEXT = 64 * 1024 * 1024


@dataclass(slots=True)
class Spent:
    """What one read's budget allowed and refused."""

    limit: int
    block_limit: int = MAX_DYNAMIC_BLOCKS
    used: int = 0
    blocks: int = 0
    refused: int = 0  # `for` expressions and `dynamic` blocks read as unknown for want of budget
    outcomes_left_out: int = 0  # open or gated `dynamic` blocks past MAX_OUTCOMES in a body, not checked apart
    text_limit: int = MAX_FUNCTION_TEXT
    text: int = 0  # characters the function calls took in
    text_refused: int = 0  # function calls read as unknown for want of it
    built_limit: int = MAX_BUILT_TEXT
    built: int = 0  # characters the templates built
    built_refused: int = 0  # templates read as unknown for want of it


# a context variable: each thread (the service's workers review at once) and each read has its own
_current: ContextVar[Spent | None] = ContextVar("tfreview_evaluation_budget", default=None)


@contextmanager
def budget(limit: int = MAX_EVALUATIONS, block_limit: int = MAX_DYNAMIC_BLOCKS) -> Iterator[Spent]:
    """The budget of the read run inside the `with`."""
    spent = Spent(limit, block_limit)
    token = _current.set(spent)
    try:
        yield spent
    finally:
        _current.reset(token)


def exhausted(*, blocks: bool = False) -> bool:
    """Whether the current read has no `for` element (`blocks`: no `dynamic` block) left, checked before a
    collection is even evaluated; counted as refused when so."""
    spent = _current.get()
    if spent is None or (spent.blocks < spent.block_limit if blocks else spent.used < spent.limit):
        return False
    spent.refused += 1
    return True


def take(count: int, *, blocks: bool = False) -> bool:
    """Pay for `count` `for` elements (`blocks`: `dynamic` blocks): False (and counted as refused) when the
    current read cannot."""
    spent = _current.get()
    if spent is None:
        return True
    if blocks:
        if spent.blocks + count > spent.block_limit:
            spent.refused += 1
            return False
        spent.blocks += count
        return True
    if spent.used + count > spent.limit:
        spent.refused += 1
        return False
    spent.used += count
    return True


def take_text(characters: int) -> bool:
    """Pay for a function call taking in `characters` of text: False (and counted as refused) when the current read
    cannot."""
    spent = _current.get()
    if spent is None:
        return True
    if spent.text + characters > spent.text_limit:
        spent.text_refused += 1
        return False
    spent.text += characters
    return True


def take_built(characters: int) -> bool:
    """Pay for a template building `characters` of text: False (and counted as refused) when the current read
    cannot."""
    spent = _current.get()
    if spent is None:
        return True
    if spent.built + characters > spent.built_limit:
        spent.built_refused += 1
        return False
    spent.built += characters
    return True


def outcome_allowed(taken: int) -> bool:
    """Whether a body holding `taken` outcomes of its `dynamic` blocks may add one more (counted when not)."""
    if taken < MAX_OUTCOMES:
        return True
    spent = _current.get()
    if spent is not None:
        spent.outcomes_left_out += 1
    return False
