"""Operating controls shared by every process through the database: the level-1 actions that ACT.

Two controls today, each a row while it holds (docs/adr/0100-shared-ai-controls.md):

    ai-paused         the advisor calls no model provider: reviews complete with the rules and the built-in
                      reviewer's text ("AI review paused")
    ai-breaker-open   every provider's circuit breaker is held open: no model call; the AI part is retried
                      later (the review says "circuit open (held by incident N)")

A control holds until its `until` (the action's hold, `watchdog.action_hold_minutes`, or the operator's
`tfreview ai pause --minutes`) or until it is lifted: by `tfreview ai resume`, or by the resolution of the
incident that set it (recovery or `tfreview incidents resolve`). Every worker process reads them through
`CachedControls` (one cheap primary-key read every `ttl_seconds`, 5 s by default) before asking a model,
so a pause reaches a fleet of workers within seconds without a call per review.

Adapters: `tfreview.store.controls.SqlControls` (SQLite, PostgreSQL) and `MemoryControls` below.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from tfreview.plumbing.clock import Clock, utcnow

if TYPE_CHECKING:  # the advisor imports this module: keep it light
    from tfreview.ops.alert_table import AlertRule
    from tfreview.ops.incidents import Incident

logger = logging.getLogger("tfreview.ops.controls")

AI_PAUSED = "ai-paused"
AI_BREAKER_OPEN = "ai-breaker-open"
CONTROL_NAMES = (AI_PAUSED, AI_BREAKER_OPEN)
ACTION_CONTROLS = {"pause-ai": AI_PAUSED, "open-breaker": AI_BREAKER_OPEN}  # alert-table action → control


@dataclass(frozen=True, slots=True)
class Control:
    name: str
    until: datetime
    set_by: str  # "watchdog" or a person
    reason: str
    set_at: datetime
    incident_id: int | None = None

    def holds(self, now: datetime) -> bool:
        return self.until > now


class Controls(Protocol):
    """The shared controls. Every method is one short transaction."""

    def hold(self, control: Control) -> Control:
        """Set `control.name` (replacing a previous one: the later `until` wins, the newer setter is kept)."""
        ...

    def lift(self, name: str) -> bool:
        """Remove it; False when it was not set."""
        ...

    def lift_incident(self, incident_id: int) -> list[str]:
        """Remove the controls set by that incident; the names of those that still held."""
        ...

    def current(self) -> list[Control]:
        """Every stored control still holding (expired ones are left out, and cleaned by the next `hold`)."""
        ...


class MemoryControls:
    def __init__(self, *, clock: Clock = utcnow) -> None:
        self.clock = clock
        self._rows: dict[str, Control] = {}
        self._lock = threading.Lock()

    def hold(self, control: Control) -> Control:
        with self._lock:
            before = self._rows.get(control.name)
            if before is not None and before.holds(self.clock()) and before.until > control.until:
                control = replace(control, until=before.until)
            self._rows[control.name] = control
            return control

    def lift(self, name: str) -> bool:
        with self._lock:
            return self._rows.pop(name, None) is not None

    def lift_incident(self, incident_id: int) -> list[str]:
        now = self.clock()
        with self._lock:
            mine = [c for c in self._rows.values() if c.incident_id == incident_id]
            for found in mine:
                del self._rows[found.name]
            return [c.name for c in mine if c.holds(now)]

    def current(self) -> list[Control]:
        now = self.clock()
        with self._lock:
            return [c for c in self._rows.values() if c.holds(now)]


class CachedControls:
    """What the advisor consults before each model call: the controls, re-read at most every `ttl_seconds`.

    When the store cannot be read, the last known state is kept (and the failure logged once until it
    reads again): a database hiccup neither pauses the AI nor lifts a pause."""

    def __init__(
        self,
        controls: Controls,
        *,
        ttl_seconds: float = 5.0,
        clock: Clock = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._controls = controls
        self._ttl = ttl_seconds
        self._clock = clock
        self._monotonic = monotonic
        self._known: list[Control] = []
        self._read_at: float | None = None
        self._failing = False
        self._lock = threading.Lock()

    def active(self, name: str) -> Control | None:
        """The control `name` when it holds now, else None."""
        now = self._clock()
        for control in self._snapshot():
            if control.name == name and control.holds(now):
                return control
        return None

    def refresh(self) -> None:
        """Forget the cached state (the next `active` reads the store)."""
        with self._lock:
            self._read_at = None

    def _snapshot(self) -> list[Control]:
        with self._lock:
            tick = self._monotonic()
            if self._read_at is not None and tick - self._read_at < self._ttl:
                return self._known
            try:
                self._known = self._controls.current()
                if self._failing:
                    logger.info("controls: readable again")
                self._failing = False
            except Exception as exc:  # keep the last known state; the next read tries again
                if not self._failing:
                    logger.warning("controls: cannot be read (%s); keeping the last known state", type(exc).__name__)
                self._failing = True
            self._read_at = tick
            return self._known


class ActionControls:
    """The watchdog's handlers of `pause-ai` and `open-breaker` (registered in `wiring.ops`), and the lifting
    of what an incident set when it is resolved."""

    def __init__(self, controls: Controls, hold: timedelta, *, clock: Clock = utcnow) -> None:
        self.controls = controls
        self.hold = hold
        self.clock = clock

    def handler(self, action: str) -> Callable[[AlertRule, Incident], str]:
        name = ACTION_CONTROLS[action]

        def run(rule: AlertRule, incident: Incident) -> str:
            now = self.clock()
            incident_id = incident.id
            held = self.controls.hold(
                Control(
                    name, now + self.hold, "watchdog", f"alert {rule.id} (incident {incident_id})", now, incident_id
                )
            )
            note = f"{name} until {held.until.isoformat(timespec='seconds')} or until incident {incident_id} resolves"
            logger.warning("incident %s: %s", incident_id, note)
            return note

        return run

    def lift_for(self, incident_id: int) -> list[str]:
        lifted = self.controls.lift_incident(incident_id)
        for name in lifted:
            logger.info("incident %s resolved: %s lifted", incident_id, name)
        return lifted
