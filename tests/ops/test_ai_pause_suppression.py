"""ADR 0205: an AI paused on purpose is no incident of its own — `reviews-without-ai` is held off while the
`ai-paused` control holds (the operator's `tfreview ai pause`), recorded on an active incident, and back to
normal the moment the pause is lifted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tfreview.ops.actions import Actions
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.controls import AI_PAUSED, Control, MemoryControls
from tfreview.ops.incidents import EventKind, NewIncident
from tfreview.ops.notify.dispatcher import Dispatcher
from tfreview.ops.series import Sample
from tfreview.ops.watchdog import Watchdog, WatchdogConfig
from tfreview.store.memory_incidents import MemoryIncidents, MemoryLeases
from tfreview.wiring.ops import ai_pause_suppressions

ALERT = "reviews-without-ai"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Finished:
    """tfreview_reviews_finished_total: every review completes without AI (the pause, or an outage)."""

    def __init__(self) -> None:
        self.count = 0.0

    def __call__(self) -> list[Sample]:
        self.count += 10
        return [
            Sample.of("tfreview_reviews_finished_total", {"status": "completed_without_ai"}, self.count),
            Sample.of("tfreview_reviews_finished_total", {"status": "completed"}, 0.0),
        ]


def build(clock: Clock, controls: MemoryControls) -> tuple[Watchdog, MemoryIncidents]:
    incidents = MemoryIncidents(clock=clock)
    table = load_alert_table()
    watchdog = Watchdog(
        table,
        Finished(),
        incidents,
        MemoryLeases(clock=clock),
        Dispatcher([], incidents, public_url="http://127.0.0.1"),
        Actions(),
        owner="test",
        config=WatchdogConfig(interval_seconds=30, keep_firing_seconds=60),
        clock=clock,
        suppressions=ai_pause_suppressions(controls, 30, clock),
    )
    watchdog.rules = [table.by_id(ALERT)]
    return watchdog, incidents


def run(watchdog: Watchdog, clock: Clock, minutes: int) -> list[str]:
    fired: list[str] = []
    for _ in range(minutes * 2):
        clock.now += timedelta(seconds=30)
        fired += watchdog.tick().fired
    return fired


def test_a_paused_ai_holds_the_alert_off_and_says_so() -> None:
    clock = Clock()
    controls = MemoryControls(clock=clock)
    watchdog, incidents = build(clock, controls)
    # an incident of the group is open (another alert of it fired): the suppression is recorded there, once
    incident, _ = incidents.open(
        NewIncident("ai-provider-failure", "ai-all-providers-down", "ai-provider-failure", "high", "down", 1, 15, ()),
        {},
    )
    controls.hold(Control(AI_PAUSED, clock.now + timedelta(hours=2), "cli:alice", "provider migration", clock.now))
    assert run(watchdog, clock, 30) == []  # far past the row's 10-minute `for`: it never fires
    assert [i.id for i in incidents.list(limit=10).items] == [incident.id]  # (recovery has resolved it since)
    assert watchdog.tick().suppressed == [ALERT]
    notes = [e.detail for e in incidents.events(incident.id) if e.kind is EventKind.NOTE]
    assert len(notes) == 1
    assert notes[0]["alert"] == ALERT
    assert "AI paused by cli:alice" in notes[0]["suppressed"]
    assert "provider migration" in notes[0]["suppressed"]

    # the pause is lifted and reviews still come back without AI: now that is an outage, and it fires
    controls.lift(AI_PAUSED)
    assert ALERT in run(watchdog, clock, 15)


def test_without_a_pause_the_alert_fires_as_before() -> None:
    clock = Clock()
    watchdog, _ = build(clock, MemoryControls(clock=clock))
    assert ALERT in run(watchdog, clock, 15)
