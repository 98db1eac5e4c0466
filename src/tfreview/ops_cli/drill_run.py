"""One rehearsal of `tfreview drill SCENARIO`: inject, watch the alert fire and its incident open, recover,
watch the failure signal stop and the incident resolve (ADR 0528).

    1. refuse when an incident of the row's group is already active (nothing could be measured); read
       the service's metrics once (a token /metrics refuses is a usage error, before any injection);
    2. start the injection (its own thread) — t0;
    3. poll the incidents (and read the metrics) every 0.25 s until a NEW one of the row's group opens —
       time to detect is from the failure's onset (t0, or t0 + the silence threshold for silence) to the
       first poll that sees it; keep injecting until the drilled row itself fired in it (another row of
       the group may open it first) — never is a problem;
    4. stop the injection, run the scenario's recovery — t1;
    5. poll until that incident is resolved, reading the metrics at every poll — time to recover is from
       t1 to the moment the failure had stopped by (`drill_signal`), compared with the response
       target; the resolution is checked against the moment the fired rows' own mechanics make it due
       (last failure + window + keep_firing + slack): later is a problem, never is a failure;
    6. read its timeline (alerts, actions, notifications — once the resolve notifications have an outcome)
       and the other incidents opened meanwhile.

Measured times are real seconds; on a compressed clock (`watchdog.time_scale`) they are divided by the
scale before the comparison with `response_minutes`. Ctrl-C or the timeout stop the injection at once
(the `finally` below): a drill never leaves its failure behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tfreview.core.errors import ConfigError, UpstreamError
from tfreview.core.redact import scrub_text
from tfreview.ops.alert_table import AlertRule
from tfreview.ops.controls import ACTION_CONTROLS
from tfreview.ops.incidents import EventKind
from tfreview.ops_cli.drill_scenarios import DrillTarget, InjectionLog, Scenario
from tfreview.ops_cli.drill_signal import Due, Mechanics, Read, recover_seconds, resolution_due
from tfreview.ops_cli.drill_watch import IncidentView, MetricsView

POLL_SECONDS = 0.25
NOTIFY_SETTLE_SECONDS = 30.0  # the resolve notifications are sent after the resolution: wait for their outcome


@dataclass
class ScenarioDrill:
    """What a rehearsal measured (the report's data)."""

    scenario: str
    alert_id: str
    target: str  # the URL rehearsed on, and how ("embedded" or "url")
    mode: str
    scale: float
    response_seconds: float  # the row's target, on the real clock of the table
    started_at: datetime
    incident: dict[str, Any] | None = None
    detect_seconds: float | None = None  # measured (real seconds): onset → the group's incident opened
    row_fired_seconds: float | None = None  # onset → the drilled row itself fired in it (seen by a poll)
    recover_seconds: float | None = None  # recovery → the failure had stopped (drill_signal.stopped_at)
    resolve_seconds: float | None = None  # recovery → the incident resolved
    due: Due | None = None  # by when its mechanics allow the resolution (monotonic)
    recovered_at: float | None = None  # monotonic, t1
    signal_reads: int = 0
    signal_misses: int = 0  # reads of /metrics that failed (the service did not answer in time)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    others: list[dict[str, Any]] = field(default_factory=list)  # incidents of other groups opened meanwhile
    injection: InjectionLog = field(default_factory=InjectionLog)
    problems: list[str] = field(default_factory=list)
    interrupted: bool = False

    def on_table_clock(self, seconds: float | None) -> float | None:
        return None if seconds is None else seconds / self.scale

    @property
    def within_target(self) -> bool:
        detect = self.on_table_clock(self.detect_seconds)
        recover = self.on_table_clock(self.recover_seconds)
        return (
            detect is not None
            and recover is not None
            and detect <= self.response_seconds
            and recover <= self.response_seconds
        )

    @property
    def due_seconds(self) -> float | None:
        """From the recovery to the moment the resolution is due (real seconds)."""
        if self.due is None or self.recovered_at is None:
            return None
        return self.due.at - self.recovered_at

    @property
    def last_failure_seconds(self) -> float | None:
        """From the recovery to the moment the failure had stopped that the due moment counts from (negative:
        before the recovery)."""
        if self.due is None or self.recovered_at is None:
            return None
        return self.due.last_failure - self.recovered_at

    @property
    def resolved_in_time(self) -> bool:
        due = self.due_seconds
        return self.resolve_seconds is not None and due is not None and self.resolve_seconds <= due

    @property
    def passed(self) -> bool:
        return self.within_target and self.resolved_in_time and not self.problems and not self.interrupted

    def notifications(self) -> list[dict[str, Any]]:
        return [e for e in self.timeline if e.get("kind") in ("notified", "notify-failed")]


class Deadline:
    def __init__(self, seconds: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self.ends = monotonic() + seconds

    def left(self) -> float:
        return self.ends - self._monotonic()


def rehearse(
    scenario: Scenario,
    rule: AlertRule,
    target: DrillTarget,
    view: IncidentView,
    drill: ScenarioDrill,
    *,
    timeout_seconds: float,
    metrics: MetricsView,
    group: Sequence[AlertRule],
    mechanics: Mechanics,
) -> ScenarioDrill:
    """Run the rehearsal, filling `drill`; never leaves the injection running. `group`: the (scaled) rows of
    the drilled row's incident group; `mechanics`: the watchdog's timing on the service."""
    known = _known_incidents(view, rule)
    signal = Signal(metrics)
    signal.first()
    stop = threading.Event()
    injector = threading.Thread(
        target=scenario.inject, args=(target, stop, drill.injection), name=f"drill-{scenario.name}", daemon=True
    )
    started = time.monotonic()
    injector.start()
    recovered_from: float | None = None
    try:
        deadline = Deadline(timeout_seconds)
        found = _wait_for(lambda: _new_incident(view, known, rule.scenario), deadline, signal.read)
        if found is None:
            drill.problems.append(f"no incident of group {rule.scenario} opened within {timeout_seconds:g} s")
            return drill
        onset = started + scenario.onset_seconds(rule)
        drill.detect_seconds = max(0.0, time.monotonic() - onset)
        drill.incident = found
        # another row of the group may open the incident first: the drilled row must fire too
        fired = _wait_for(lambda: _row_fired(view, int(found["id"]), rule.id), deadline, signal.read)
        if fired is None:
            drill.problems.append(
                f"alert {rule.id} never fired within {timeout_seconds:g} s (incident {found['id']} was opened by "
                f"{found.get('alert')})"
            )
        else:
            drill.row_fired_seconds = max(0.0, time.monotonic() - onset)
        stop.set()
        injector.join(60)
        recovered_from = time.monotonic()
        drill.recovered_at = recovered_from
        scenario.recover(target, drill.injection)
        incident_id = int(found["id"])
        resolved = _wait_for(lambda: _resolved(view, incident_id), Deadline(timeout_seconds), signal.read)
        resolved_at = time.monotonic()
        signal.read()
        if resolved is None:
            drill.problems.append(f"incident {incident_id} was not resolved within {timeout_seconds:g} s of recovery")
        else:
            drill.resolve_seconds = resolved_at - recovered_from
            drill.incident = resolved
        drill.timeline = _settled_timeline(view, incident_id, Deadline(NOTIFY_SETTLE_SECONDS))
        _judge(drill, rule, group, mechanics, signal, recovered_from)
        drill.others = [i for i in view.recent() if i["id"] not in known and i["id"] != incident_id]
        return drill
    except KeyboardInterrupt:
        drill.interrupted = True
        drill.problems.append("interrupted (Ctrl-C): the injection was stopped")
        return drill
    finally:
        stop.set()
        injector.join(60)
        if injector.is_alive():
            drill.problems.append("the injection did not stop within 60 s")


class Signal:
    """The reads of the service's metrics during one rehearsal."""

    def __init__(self, metrics: MetricsView) -> None:
        self._metrics = metrics
        self.reads: list[Read] = []
        self.misses = 0

    def first(self) -> None:
        """The read before the injection: ConfigError (a refused token) and UpstreamError propagate."""
        self.reads.append(Read(time.monotonic(), time.time(), self._metrics.samples()))

    def read(self) -> None:
        try:
            samples = self._metrics.samples()
        except (UpstreamError, ConfigError):
            self.misses += 1  # a slow or restarting service: the next poll reads again
            return
        self.reads.append(Read(time.monotonic(), time.time(), samples))


def signed_seconds(value: float | None) -> str:
    """Seconds relative to the recovery, "+0.0" for anything that rounds to zero."""
    shown = round(value or 0.0, 1)
    return f"{shown if shown else 0.0:+.1f}"


def _judge(
    drill: ScenarioDrill,
    rule: AlertRule,
    group: Sequence[AlertRule],
    mechanics: Mechanics,
    signal: Signal,
    recovered_from: float,
) -> None:
    """Time to recover and the due resolution over the rows that fired in the incident (the drilled row when
    the timeline names none): the group recovers when the last of their failures stopped."""
    drill.signal_reads, drill.signal_misses = len(signal.reads), signal.misses
    fired = {
        (e.get("detail") or {}).get("alert")
        for e in drill.timeline
        if e.get("kind") in (EventKind.OPENED.value, EventKind.ALERT_FIRED.value)
    }
    rows = [r for r in group if r.id in fired] or [rule]
    if not any(read.at > recovered_from for read in signal.reads):
        # every read after the recovery failed: whether the failure stopped is unknown, never "it had"
        drill.problems.append(
            f"no read of /metrics succeeded after the recovery ({signal.misses} failed): "
            "whether the failure signal stopped is unknown"
        )
        drill.recover_seconds = None
        drill.due = resolution_due(rows, signal.reads, mechanics, recovered_from)
        return
    recovered = {r.id: recover_seconds(r.condition, signal.reads, recovered_from) for r in rows}
    never = [r for r in rows if recovered[r.id] is None]
    for row in never:
        drill.problems.append(
            f"the failure signal of {row.id} ({row.condition.kind} {row.condition.metric}) never stopped: "
            "the last read of /metrics still saw it"
        )
    drill.recover_seconds = None if never else max(s for s in recovered.values() if s is not None)
    drill.due = resolution_due(rows, signal.reads, mechanics, recovered_from)
    due, resolved = drill.due_seconds, drill.resolve_seconds
    if drill.due is not None and due is not None and resolved is not None and resolved > due:
        drill.problems.append(
            f"incident resolved {resolved:.1f} s after the recovery, later than its mechanics allow: due by "
            f"{due:.1f} s ({drill.due.alert_id}: failure stopped {signed_seconds(drill.last_failure_seconds)} s, "
            f"window {drill.due.window_seconds:g} s, keep-firing {drill.due.keep_firing_seconds:g} s, slack "
            f"{drill.due.slack_seconds:.1f} s)"
        )


def _wait_for(
    probe: Callable[[], dict[str, Any] | None], deadline: Deadline, tick: Callable[[], None] | None = None
) -> dict[str, Any] | None:
    while True:
        if tick is not None:
            tick()
        found = probe()
        if found is not None:
            return found
        if deadline.left() <= 0:
            return None
        time.sleep(min(POLL_SECONDS, max(0.0, deadline.left())))


def _settled_timeline(view: IncidentView, incident_id: int, deadline: Deadline) -> list[dict[str, Any]]:
    """The timeline once every notifier told of the trigger has an outcome for the resolve too, and every
    control an action set is recorded as lifted (the watchdog records that just after the resolution it
    commits: read in between, a loaded machine showed `pause-ai` never lifted) — or at the deadline: the
    report then shows what is missing."""
    while True:
        timeline = view.timeline(incident_id)
        outcomes = [e["detail"] for e in timeline if e["kind"] in ("notified", "notify-failed")]
        triggered = {d.get("notifier") for d in outcomes if d.get("event") == "trigger" and d.get("notifier") != "none"}
        told = {d.get("notifier") for d in outcomes if d.get("event") == "resolve"}
        actions = [e["detail"] for e in timeline if e["kind"] == "action"]
        set_ = {d.get("action") for d in actions if d.get("state") == "done" and d.get("action") in ACTION_CONTROLS}
        lifted = {d.get("action") for d in actions if d.get("state") == "lifted"}
        if (triggered <= told and set_ <= lifted) or deadline.left() <= 0:
            return timeline
        time.sleep(POLL_SECONDS)


def _known_incidents(view: IncidentView, rule: AlertRule) -> set[int]:
    """The incidents before the drill; ConfigError when one of the row's group is active."""
    before = view.recent()
    active = [i for i in before if i["group"] == rule.scenario and i["status"] != "resolved"]
    if active:
        raise ConfigError(
            f"incident {active[0]['id']} of group {rule.scenario} is already {active[0]['status']}: "
            "resolve it (or wait for it to resolve) before rehearsing this scenario"
        )
    return {int(i["id"]) for i in before}


def _row_fired(view: IncidentView, incident_id: int, alert_id: str) -> dict[str, Any] | None:
    for event in view.timeline(incident_id):
        if event.get("kind") in (EventKind.OPENED.value, EventKind.ALERT_FIRED.value) and (
            (event.get("detail") or {}).get("alert") == alert_id
        ):
            return event
    return None


def _new_incident(view: IncidentView, known: set[int], group: str) -> dict[str, Any] | None:
    fresh = [i for i in view.recent() if i["id"] not in known and i["group"] == group]
    return fresh[-1] if fresh else None  # newest first: the oldest new one is the drill's


def _resolved(view: IncidentView, incident_id: int) -> dict[str, Any] | None:
    for incident in view.recent():
        if incident["id"] == incident_id:
            return incident if incident["status"] == "resolved" else None
    return None


def new_drill(scenario: Scenario, rule: AlertRule, *, url: str, mode: str, scale: float) -> ScenarioDrill:
    return ScenarioDrill(
        scenario=scenario.name,
        alert_id=rule.id,
        target=shown_url(url),
        mode=mode,
        scale=scale,
        response_seconds=rule.response_minutes * 60.0,
        started_at=datetime.now(UTC),
    )


def shown_url(url: str) -> str:
    """The URL as the report shows it: without the credentials a `--url https://user:password@host` carries."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return scrub_text(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port is not None else ""
    return urlunsplit(parts._replace(netloc=netloc))
