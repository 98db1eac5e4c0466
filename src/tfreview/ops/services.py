"""What operating the service needs at run time, built in `wiring.py` and carried in `Services.ops`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from tfreview.ops.controls import ACTION_CONTROLS, ActionControls
from tfreview.ops.incidents import EventKind, Incidents, Leases
from tfreview.ops.notify.dispatcher import Dispatcher
from tfreview.ops.secret_uses import ThrottledSecretUses
from tfreview.ops.watchdog import LEASE_NAME, Watchdog
from tfreview.plumbing.clock import Clock, utcnow

logger = logging.getLogger("tfreview.watchdog")


@dataclass
class OpsServices:
    incidents: Incidents
    leases: Leases
    dispatcher: Dispatcher
    watchdog: Watchdog | None = None  # None: TFREVIEW_WATCHDOG__ENABLED=false
    heartbeat_stale_seconds: float = 180.0
    controls: ActionControls | None = None  # the shared controls the level-1 actions set (pause-ai, open-breaker)
    secret_uses: ThrottledSecretUses | None = None  # when each webhook secret version last verified a delivery

    def lift_actions(self, incident_id: int) -> list[str]:
        """The incident is resolved: lift the controls its actions set, and say so in its timeline.
        Never raises (the controls also expire by themselves)."""
        if self.controls is None:
            return []
        try:
            lifted = self.controls.lift_for(incident_id)
            for name in lifted:
                action = next((a for a, c in ACTION_CONTROLS.items() if c == name), name)
                note = f"{name} lifted: the incident is resolved"
                self.incidents.record(
                    incident_id, EventKind.ACTION, {"action": action, "state": "lifted", "note": note}
                )
        except Exception as exc:  # the database is down: the hold expires by itself
            logger.warning("incident %s: its actions could not be lifted (%s)", incident_id, type(exc).__name__)
            return []
        return lifted

    def start_watchdog(self, stop: threading.Event) -> threading.Thread | None:
        """The watchdog's thread in `serve` and `worker` (None when it is disabled); the notification sender
        starts with it, so that what a killed process left in the outbox goes out now."""
        self.dispatcher.start()
        if self.watchdog is None:
            return None
        thread = threading.Thread(target=self.watchdog.run, args=(stop,), name="tfreview-watchdog", daemon=True)
        thread.start()
        return thread


class WatchdogCheck:
    """A readiness detail: who evaluates the alert table and how fresh its heartbeat is.

    Always `ok`: a stale watchdog must not take the API out of a load balancer (webhooks would be lost for
    a monitoring fault). The detail starts with `stale:` when the heartbeat is older than `stale_seconds`
    — the dead-man's switch that `tfreview probe` reads from /readyz (exit 1)."""

    name = "watchdog"

    def __init__(self, leases: Leases, stale_seconds: float, *, clock: Clock = utcnow) -> None:
        self._leases = leases
        self._stale = stale_seconds
        self._clock = clock
        self._started = clock()

    def check(self) -> tuple[bool, str]:
        now = self._clock()
        try:
            held = self._leases.holder(LEASE_NAME)
        except Exception as exc:  # the database check reports the database itself
            return True, f"unknown: lease unreadable ({type(exc).__name__})"
        if held is None:
            if (now - self._started).total_seconds() < self._stale:
                return True, "starting: no evaluation yet"
            return True, f"stale: no watchdog has evaluated the alert table for {self._stale:g} s"
        age = (now - held.heartbeat_at).total_seconds()
        if age > self._stale:
            return True, f"stale: heartbeat {age:.0f} s old (by {held.owner})"
        return True, f"ok: heartbeat {age:.0f} s ago (by {held.owner})"
