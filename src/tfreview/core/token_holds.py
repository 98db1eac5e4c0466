"""One tenant's token spending on one UTC day, with the holds of the calls in flight (ADR 0560, amended).

A call reserves before it starts: its tokens are counted at once (`spent`) and remembered as a hold that expires at
the call's own deadline plus a margin. After the call it settles (what it used comes out of its hold, anything past
the hold is added) and at the end of the review it releases what its hold still holds. A process killed during a
call never settles: its hold expires and stops counting, and the next change to the day sweeps it away. Settling or
releasing a hold that expired (or was already released) is harmless: what was used is counted, nothing is given
back twice.

Pure: every store (memory, SQL row, DynamoDB item) loads a `Ledger`, applies one step under its own lock or
condition, and writes it back.

>>> day = Ledger()
>>> day = day.reserve(900, limit=1_000, hold="a", expires_at=100.0, now=0.0)
>>> day.counted(now=50.0), day.counted(now=101.0)  # a hold past its expiry no longer counts
(900, 0)
>>> day.reserve(200, limit=1_000, hold="b", expires_at=100.0, now=50.0) is None
True
>>> day.settle(300, hold="a").release("a").spent  # used 300 of the 900 held
300
>>> day.settle(900, hold="a").holds  # used up: no hold left to expire or release
{}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final

HOLD_MARGIN_SECONDS: Final = 30.0  # past the call's deadline: clock skew between hosts and the settling writes
MAX_HOLD_ID_CHARS: Final = 64


@dataclass(frozen=True, slots=True)
class Hold:
    tokens: int
    expires_at: float  # epoch seconds (UTC wall clock: processes on different hosts share it)


@dataclass(frozen=True, slots=True)
class Ledger:
    spent: int = 0  # settled tokens plus every hold's
    holds: Mapping[str, Hold] = field(default_factory=dict)

    def counted(self, now: float) -> int:
        """What the day has spent as of `now`: holds past their expiry no longer count."""
        expired = sum(h.tokens for h in self.holds.values() if h.expires_at <= now)
        return max(0, self.spent - expired)

    def swept(self, now: float) -> Ledger:
        """The same day without its expired holds (their tokens no longer counted)."""
        live = {key: h for key, h in self.holds.items() if h.expires_at > now}
        if len(live) == len(self.holds):
            return self
        return Ledger(self.counted(now), live)

    def reserve(self, tokens: int, *, limit: int, hold: str | None, expires_at: float, now: float) -> Ledger | None:
        """`tokens` counted and added to `hold` (None: counted as spent, nothing to expire) if they fit within
        `limit`; None (nothing counted) if not. A hold topped up takes the later expiry."""
        tokens = max(0, tokens)
        day = self.swept(now)
        if day.spent + tokens > limit:
            return None
        if hold is None:
            return Ledger(day.spent + tokens, day.holds)
        held = day.holds.get(hold)
        after = Hold((held.tokens if held else 0) + tokens, max(expires_at, held.expires_at) if held else expires_at)
        return Ledger(day.spent + tokens, {**day.holds, hold: after})

    def settle(self, used: int, *, hold: str | None) -> Ledger:
        """A call used `used` tokens: first out of what `hold` holds, the rest counted on top (a hold that expired
        and was swept holds nothing: all of it is counted)."""
        used = max(0, used)
        held = self.holds.get(hold) if hold is not None else None
        if held is None or hold is None:
            return replace(self, spent=self.spent + used)
        covered = min(used, held.tokens)
        rest = {key: h for key, h in self.holds.items() if key != hold}
        if held.tokens > covered:  # a hold used up is gone: the day's item does not fill with empty holds
            rest[hold] = replace(held, tokens=held.tokens - covered)
        return Ledger(self.spent + used - covered, rest)

    def release(self, hold: str) -> Ledger:
        """What `hold` still holds is given back; a hold already released or swept gives nothing."""
        held = self.holds.get(hold)
        if held is None:
            return self
        rest = {key: h for key, h in self.holds.items() if key != hold}
        return Ledger(max(0, self.spent - held.tokens), rest)

    def give(self, tokens: int) -> Ledger:
        """Plain spending without a hold (negative: given back; never below zero)."""
        return replace(self, spent=max(0, self.spent + tokens))


def encode_holds(holds: Mapping[str, Hold]) -> str:
    """The holds as compact JSON text (the SQL column)."""
    return json.dumps({key: [h.tokens, h.expires_at] for key, h in holds.items()}, separators=(",", ":"))


def decode_holds(text: str | None) -> dict[str, Hold]:
    """The holds back from `encode_holds` (empty for None or "")."""
    raw = json.loads(text) if text else {}
    return {str(key): Hold(int(value[0]), float(value[1])) for key, value in raw.items()}
