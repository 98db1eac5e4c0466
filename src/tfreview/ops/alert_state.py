"""One alert's life across evaluations, with flap damping on both edges (pure).

    inactive ──holds──► pending ──held for_seconds──► firing ──not held keep_firing_seconds──► inactive
                           └──────not held───► inactive

`for_seconds` (from the table) keeps a blip from firing; `keep_firing_seconds` (a watchdog setting,
Prometheus' `keep_firing_for`) keeps a condition that dips for one evaluation from resolving the alert
and re-opening it a minute later. A condition without a value (no series, a zero denominator) does
not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    INACTIVE = "inactive"
    PENDING = "pending"
    FIRING = "firing"


class Transition(StrEnum):
    FIRED = "fired"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class AlertState:
    phase: Phase = Phase.INACTIVE
    since: float | None = None  # pending since, or firing since
    last_held: float | None = None
    value: float | None = None

    def step(
        self, holds: bool, value: float | None, now: float, *, for_seconds: float, keep_firing_seconds: float
    ) -> tuple[AlertState, Transition | None]:
        """The state after one evaluation at `now`, and the transition it made (if any)."""
        if holds:
            if self.phase is Phase.FIRING:
                return AlertState(Phase.FIRING, self.since, now, value), None
            since = self.since if self.phase is Phase.PENDING and self.since is not None else now
            if now - since >= for_seconds:
                return AlertState(Phase.FIRING, now, now, value), Transition.FIRED
            return AlertState(Phase.PENDING, since, now, value), None
        if self.phase is Phase.FIRING:
            held = self.last_held if self.last_held is not None else now
            if now - held >= keep_firing_seconds:
                return AlertState(Phase.INACTIVE, None, self.last_held, value), Transition.RESOLVED
            return AlertState(Phase.FIRING, self.since, self.last_held, value), None
        return AlertState(Phase.INACTIVE, None, self.last_held, value), None
