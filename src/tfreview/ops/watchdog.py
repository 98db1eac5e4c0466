"""The watchdog: evaluates the alert table every `interval_seconds`, opens, escalates and resolves incidents.

Runs as one thread in `tfreview serve` and `tfreview worker`. Exactly one process evaluates at a time:
each tick first takes (or renews) the `watchdog` lease in the shared database; the others stand by and
take over when the holder's lease expires (it died, or its database connection did). A renewal is also
the heartbeat that `/readyz`, `tfreview probe` and the `watchdog-heartbeat-stale` alert read.

One tick, when it holds the lease:
  1. snapshot the metrics (this host's processes and the database-derived signals) into the buffer;
  2. evaluate every row of the table; an alert fires after its condition held `for_seconds`, and
     resolves after it stopped holding for `keep_firing_seconds` (flap damping both ways);
  3. a firing alert opens the incident of its group (its scenario) — or joins the active one
     (de-duplication) — with a metric snapshot, runs the row's level-1 action, notifies its channels;
  4. an active incident none of whose alerts fires any more is resolved (recovery), and its
     notifiers are told;
  5. an open incident past its response time escalates one level, to that level's channels;
  6. hourly, the notification outbox entries past their retention are deleted (Dispatcher.sweep).

A failure in any step is logged and the next tick tries again; the watchdog never stops the service.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tfreview.ops.actions import ActionRunner
from tfreview.ops.alert_state import AlertState, Phase, Transition
from tfreview.ops.alert_table import AlertRule, AlertTable
from tfreview.ops.evaluation import evaluate, selected_values
from tfreview.ops.incidents import MAX_LEVEL, EventKind, Incident, Incidents, Leases, NewIncident
from tfreview.ops.notify.dispatcher import Dispatcher
from tfreview.ops.notify.message import NotifyEvent
from tfreview.ops.series import Sample, SeriesBuffer
from tfreview.plumbing.clock import Clock, utcnow

logger = logging.getLogger("tfreview.watchdog")

LEASE_NAME = "watchdog"
SampleSource = Callable[[], Iterable[Sample]]
Suppression = Callable[[], str | None]  # a reason while the alert must not hold (e.g. AI paused on purpose)


@dataclass(frozen=True, slots=True)
class WatchdogConfig:
    interval_seconds: float = 15.0
    lease_seconds: float = 60.0
    keep_firing_seconds: float = 120.0
    skip: frozenset[str] = frozenset({"service-unreachable"})
    heartbeat_stale_seconds: float = 180.0  # /readyz calls the heartbeat stale after this: renew well before
    escalation_channels: dict[int, tuple[str, ...]] = field(
        default_factory=lambda: {2: ("page",), 3: ("page", "email"), 4: ("email",)}
    )


@dataclass
class TickResult:
    """What one tick did (for tests and the log)."""

    evaluated: bool = False  # False: another process holds the lease
    fired: list[str] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)  # alerts held off this tick by a suppression
    resolved_alerts: list[str] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Watchdog:
    def __init__(
        self,
        table: AlertTable,
        source: SampleSource,
        incidents: Incidents,
        leases: Leases,
        dispatcher: Dispatcher,
        actions: ActionRunner,
        *,
        owner: str,
        config: WatchdogConfig | None = None,
        clock: Clock = utcnow,
        on_heartbeat: Callable[[float], None] | None = None,
        on_resolved: Callable[[Incident], object] | None = None,
        suppressions: dict[str, Suppression] | None = None,
    ) -> None:
        self.table = table
        self.rules = [rule for rule in table if rule.id not in (config or WatchdogConfig()).skip]
        self.source = source
        self.incidents = incidents
        self.leases = leases
        self.dispatcher = dispatcher
        self.actions = actions
        self.owner = owner
        self.config = config or WatchdogConfig()
        self.clock = clock
        self.on_heartbeat = on_heartbeat
        self.on_resolved = on_resolved  # recovery closed it: lift its level-1 action (tfreview.ops.controls)
        # alert id → why it must not hold now; the condition then counts as false (ADR 0205)
        self.suppressions = dict(suppressions or {})
        self._suppressed: dict[str, str] = {}  # alert id → the reason recorded when its suppression began
        horizon = max((rule.condition.window_seconds for rule in self.rules), default=0)
        self.buffer = SeriesBuffer(horizon + 2 * self.config.interval_seconds)
        self.states: dict[str, AlertState] = {}
        self._unrecorded: set[str] = set()  # fired, but the incident could not be written yet (store down)
        self._holding_since: float | None = None
        self._renewed_at: float | None = None  # when this process last wrote its lease (clock time)

    # --- the loop ---------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """The thread's loop: tick, then wait one interval (or stop); releases the lease on the way out."""
        try:
            while not stop.is_set():
                self.tick()
                stop.wait(self.config.interval_seconds)
        finally:
            try:
                self.leases.release(LEASE_NAME, self.owner)
            except Exception as exc:  # the database is gone at shutdown: the lease simply expires
                logger.info("watchdog: lease not released (%s)", type(exc).__name__)

    def tick(self) -> TickResult:
        result = TickResult()
        now = self.clock()
        at = now.timestamp()
        try:
            if not self._hold_lease(at):
                self._holding_since = None
                return result
        except Exception as exc:  # the database is down: nobody can evaluate safely
            self._holding_since = None
            self._renewed_at = None
            result.errors.append(f"lease: {type(exc).__name__}")
            logger.warning(
                "watchdog: cannot take its lease (%s); next try in %g s",
                type(exc).__name__,
                self.config.interval_seconds,
            )
            return result
        if self._holding_since is None:
            self._holding_since = at
            logger.info(
                "watchdog: %s evaluates %d alert(s) every %g s",
                self.owner,
                len(self.rules),
                self.config.interval_seconds,
            )
        result.evaluated = True
        if self.on_heartbeat is not None:
            self.on_heartbeat(at)
        self._snapshot(at, result)
        for rule in self.rules:
            self._evaluate(rule, at, result)
        active: list[Incident] = []
        self._step("incidents", lambda: active.extend(self.incidents.active()), result)
        self._step("recovery", lambda: self._recover(at, active, result), result)
        self._step("escalation", lambda: self._escalate(now, active, result), result)
        self._step("outbox sweep", lambda: self.dispatcher.sweep(now), result)
        return result

    def _hold_lease(self, at: float) -> bool:
        """Take or renew the lease — but not at every tick: while at least two thirds of the lease renewed by
        this process are left, nobody else can hold it, so the durable write (the tick's dearest part) is
        skipped. The heartbeat is then at most a third of `lease_seconds` (or of `heartbeat_stale_seconds`)
        old: 20 s by default."""
        lease = self.config.lease_seconds
        every = min(lease, self.config.heartbeat_stale_seconds) / 3
        if self._renewed_at is not None and 0 <= at - self._renewed_at < every:
            return True
        if not self.leases.acquire(LEASE_NAME, self.owner, lease):
            self._renewed_at = None
            return False
        self._renewed_at = at
        return True

    # --- the steps --------------------------------------------------------------------------------

    def _snapshot(self, at: float, result: TickResult) -> None:
        try:
            samples = list(self.source())
        except Exception as exc:  # metrics unreadable this time: evaluate on what the buffer has
            result.errors.append(f"metrics: {type(exc).__name__}")
            logger.warning("watchdog: cannot read the metrics (%s)", type(exc).__name__)
            samples = []
        samples.append(Sample.of("tfreview_watchdog_heartbeat_timestamp_seconds", {}, at))
        self.buffer.add(at, samples)

    def _evaluate(self, rule: AlertRule, at: float, result: TickResult) -> None:
        try:
            value = evaluate(rule.condition, self.buffer, at)
        except Exception as exc:  # one bad row must not blind the watchdog to the others
            result.errors.append(f"{rule.id}: {type(exc).__name__}")
            logger.warning("watchdog: alert %s cannot be evaluated (%s)", rule.id, type(exc).__name__)
            return
        holds = value is not None and rule.condition.holds(value)
        if holds and self._suppressed_now(rule, result):
            holds = False
        state, transition = self.states.get(rule.id, AlertState()).step(
            holds, value, at, for_seconds=rule.for_seconds, keep_firing_seconds=self.config.keep_firing_seconds
        )
        self.states[rule.id] = state
        if transition is Transition.FIRED:
            result.fired.append(rule.id)
            logger.warning(
                "alert %s fired: %s (value %s %s %g)",
                rule.id,
                rule.summary,
                _shown(value),
                rule.condition.op,
                rule.condition.threshold,
            )
            self._unrecorded.add(rule.id)
        if rule.id in self._unrecorded and state.phase is Phase.FIRING:
            self._step(rule.id, lambda: self._fire(rule, value, result), result)
        if transition is Transition.RESOLVED:
            self._unrecorded.discard(rule.id)
            result.resolved_alerts.append(rule.id)
            logger.info("alert %s resolved", rule.id)
            self._step(rule.id, lambda: self._alert_resolved(rule, value), result)

    def _suppressed_now(self, rule: AlertRule, result: TickResult) -> bool:
        """Whether a suppression holds the (holding) condition off; its start is logged and recorded once on the
        group's active incidents, its end logged."""
        check = self.suppressions.get(rule.id)
        reason = None
        if check is not None:
            try:
                reason = check()
            except Exception as exc:  # unknown: do not suppress (an alert too many beats one missed)
                result.errors.append(f"{rule.id} suppression: {type(exc).__name__}")
        if reason is None:
            if self._suppressed.pop(rule.id, None) is not None:
                logger.info("alert %s no longer suppressed", rule.id)
            return False
        result.suppressed.append(rule.id)
        if self._suppressed.get(rule.id) != reason:
            self._suppressed[rule.id] = reason
            logger.info("alert %s suppressed: %s", rule.id, reason)
            self._step(rule.id, lambda: self._record_suppression(rule, reason), result)
        return True

    def _record_suppression(self, rule: AlertRule, reason: str) -> None:
        for incident in self.incidents.active(rule.scenario):
            self.incidents.record(incident.id, EventKind.NOTE, {"alert": rule.id, "suppressed": reason})

    def _fire(self, rule: AlertRule, value: float | None, result: TickResult) -> None:
        detail = {
            "alert": rule.id,
            "value": value,
            "op": rule.condition.op,
            "threshold": rule.condition.threshold,
            "for_seconds": rule.for_seconds,
            "condition": f"{rule.condition.kind} {rule.condition.metric}",
        }
        incident, created = self.incidents.open(
            NewIncident(
                group_key=rule.scenario,
                alert_id=rule.id,
                scenario=rule.scenario,
                severity=rule.severity,
                summary=rule.summary,
                level=rule.level,
                response_minutes=rule.response_minutes,
                channels=tuple(rule.channels),
                action=rule.action,
            ),
            detail,
        )
        if not created:
            self.incidents.record(incident.id, EventKind.ALERT_FIRED, detail)
        snapshot = selected_values(rule.condition.selector, self.buffer)
        if rule.condition.denominator is not None:
            snapshot |= selected_values(rule.condition.denominator, self.buffer)
        self.incidents.record(incident.id, EventKind.SNAPSHOT, {"alert": rule.id, "samples": snapshot})
        if rule.action is not None:
            state, note = self.actions.run(rule.action, rule, incident)
            self.incidents.record(incident.id, EventKind.ACTION, {"action": rule.action, "state": state, "note": note})
        self._unrecorded.discard(rule.id)
        if created:
            result.opened.append(incident.id)
            self.dispatcher.notify(incident, NotifyEvent.TRIGGER, {"value": _shown(value)})

    def _alert_resolved(self, rule: AlertRule, value: float | None) -> None:
        for incident in self.incidents.active(rule.scenario):
            self.incidents.record(incident.id, EventKind.ALERT_RESOLVED, {"alert": rule.id, "value": value})

    def _recover(self, at: float, active: list[Incident], result: TickResult) -> None:
        """Resolve every active incident whose group has no firing alert — once this process has evaluated
        long enough to know (a new lease holder first rebuilds the alerts' state)."""
        if self._holding_since is None or at - self._holding_since < self.config.keep_firing_seconds:
            return
        firing = {rule.scenario for rule in self.rules if self.states.get(rule.id, AlertState()).phase is Phase.FIRING}
        for incident in active:
            if incident.group_key in firing:
                continue
            resolved = self.incidents.resolve(incident.id, "watchdog")
            if resolved is not None:
                if self.on_resolved is not None:
                    self.on_resolved(resolved)
                result.resolved.append(incident.id)
                logger.info("incident %s resolved: its alerts stopped firing", incident.id)
                self.dispatcher.notify(resolved, NotifyEvent.RESOLVE)

    def _escalate(self, now: datetime, active: list[Incident], result: TickResult) -> None:
        for incident in active:
            if (
                incident.id in result.resolved
                or incident.escalate_at is None
                or incident.escalate_at > now
                or incident.level >= MAX_LEVEL
            ):
                continue
            escalated = self._next_level(incident, now)
            if escalated.level != incident.level:
                result.escalated.append(incident.id)
                logger.warning(
                    "incident %s not acknowledged in %d min: escalated to level %d",
                    incident.id,
                    incident.response_minutes,
                    escalated.level,
                )
                self.dispatcher.notify(escalated, NotifyEvent.TRIGGER, {"escalated_from": incident.level})

    def _next_level(self, incident: Incident, now: datetime) -> Incident:
        level = incident.level + 1
        channels = self.config.escalation_channels.get(level, incident.channels)
        following = now + timedelta(minutes=incident.response_minutes) if level < MAX_LEVEL else None
        return self.incidents.escalate(incident.id, level, tuple(channels), following)

    def _step(self, what: str, action: Callable[[], object], result: TickResult) -> None:
        try:
            action()
        except Exception as exc:  # the store is down mid-tick: the next tick tries again
            result.errors.append(f"{what}: {type(exc).__name__}")
            logger.warning("watchdog: %s failed (%s)", what, type(exc).__name__)


def _shown(value: float | None) -> str:
    return "none" if value is None else f"{value:.6g}"


def firing_alerts(watchdog: Watchdog) -> Sequence[str]:
    return [alert for alert, state in watchdog.states.items() if state.phase is Phase.FIRING]
