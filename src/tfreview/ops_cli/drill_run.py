"""One rehearsal of `tfreview drill SCENARIO`: inject, watch the alert fire and its incident open, recover,
watch it resolve; measure time to detect and time to recover against the row's response-time target.

    1. refuse when an incident of the row's group is already active (nothing could be measured);
    2. start the injection (its own thread) — t0;
    3. poll the incidents every 0.25 s until a NEW one of the row's group opens — time to detect is from
       the failure's onset (t0, or t0 + the silence threshold for silence) to the first poll that sees it;
    4. stop the injection, run the scenario's recovery — t1;
    5. poll until that incident is resolved — time to recover is from t1;
    6. read its timeline (alerts, actions, notifications — once the resolve notifications have an outcome)
       and the other incidents opened meanwhile.

Measured times are real seconds; on a compressed clock (`watchdog.time_scale`) they are divided by the
scale before the comparison with `response_minutes`. Ctrl-C or the timeout stop the injection at once
(the `finally` below): a drill never leaves its failure behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tfreview.core.errors import ConfigError
from tfreview.ops.alert_table import AlertRule
from tfreview.ops.controls import ACTION_CONTROLS
from tfreview.ops_cli.drill_scenarios import DrillTarget, InjectionLog, Scenario
from tfreview.ops_cli.drill_watch import IncidentView

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
    detect_seconds: float | None = None  # measured (real seconds)
    recover_seconds: float | None = None
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
    def passed(self) -> bool:
        return self.within_target and not self.problems and not self.interrupted

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
) -> ScenarioDrill:
    """Run the rehearsal, filling `drill`; never leaves the injection running."""
    before = view.recent()
    active = [i for i in before if i["group"] == rule.scenario and i["status"] != "resolved"]
    if active:
        raise ConfigError(
            f"incident {active[0]['id']} of group {rule.scenario} is already {active[0]['status']}: "
            "resolve it (or wait for it to resolve) before rehearsing this scenario"
        )
    known = {i["id"] for i in before}
    stop = threading.Event()
    injector = threading.Thread(
        target=scenario.inject, args=(target, stop, drill.injection), name=f"drill-{scenario.name}", daemon=True
    )
    started = time.monotonic()
    injector.start()
    recovered_from: float | None = None
    try:
        deadline = Deadline(timeout_seconds)
        found = _wait_for(lambda: _new_incident(view, known, rule.scenario), deadline)
        if found is None:
            drill.problems.append(f"no incident of group {rule.scenario} opened within {timeout_seconds:g} s")
            return drill
        onset = started + scenario.onset_seconds(rule)
        drill.detect_seconds = max(0.0, time.monotonic() - onset)
        drill.incident = found
        stop.set()
        injector.join(60)
        recovered_from = time.monotonic()
        scenario.recover(target, drill.injection)
        incident_id = int(found["id"])
        resolved = _wait_for(lambda: _resolved(view, incident_id), Deadline(timeout_seconds))
        if resolved is None:
            drill.problems.append(f"incident {incident_id} was not resolved within {timeout_seconds:g} s of recovery")
        else:
            drill.recover_seconds = time.monotonic() - recovered_from
            drill.incident = resolved
        drill.timeline = _settled_timeline(view, incident_id, Deadline(NOTIFY_SETTLE_SECONDS))
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


def _wait_for(probe: Callable[[], dict[str, Any] | None], deadline: Deadline) -> dict[str, Any] | None:
    while True:
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
        target=url,
        mode=mode,
        scale=scale,
        response_seconds=rule.response_minutes * 60.0,
        started_at=datetime.now(UTC),
    )
