"""The notifications of one incident go out in the order they were written, across senders (ADR 0637), and a page
a notifier's outage refused is owed, sent again when the outage ends (ADR 0639).

Two senders share one outbox (`serve` ×N, or `serve` and `worker`): one holds an incident's trigger while
PagerDuty throttles it; the incident resolves meanwhile. The other sender must not take the resolve before the
trigger is done: it would find no trigger recorded as sent, tell nobody, and mark the resolve done — and the
trigger, once PagerDuty takes it, would open an alert that nothing ever resolves. Real HTTP on loopback, a real
SQLite file and a real PostgreSQL database; no sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.contract.conftest import ManualClock, empty_postgres, fresh_sqlite, postgres_url  # noqa: F401  # the fixture
from tests.fakes.llm_common import Reply
from tests.fakes.notify import FakePagerDuty
from tfreview.ops.incidents import EventKind, NewIncident
from tfreview.ops.notify.delivery import RetryPolicy
from tfreview.ops.notify.dispatcher import OWED_TURNS, Dispatcher, owed_wait
from tfreview.ops.notify.message import Notification, NotifyEvent, NotifyFailure
from tfreview.ops.notify.pagerduty import PagerDutyNotifier
from tfreview.store.database import Database
from tfreview.store.incidents import SqlIncidents
from tfreview.store.notify_outbox import SqlOutbox

INCIDENT = NewIncident(
    "queue-backlog", "queue-backlog", "overload", "critical", "Jobs wait in the queue", 2, 10, ("page",),
)  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = fresh_sqlite(tmp_path)
    else:
        db = empty_postgres(request.getfixturevalue("postgres_url"))
    try:
        yield db
    finally:
        db.close()


def pager(http: httpx.Client, pagerduty: FakePagerDuty) -> PagerDutyNotifier:
    return PagerDutyNotifier(
        http, pagerduty.routing_key, source="tfreview", channels=frozenset({"page"}),
        levels=frozenset({1, 2, 3, 4}), events_url=pagerduty.events_url,
    )  # fmt: skip


class HeldRetry:
    """The sender's sleep between two attempts: it says it is waiting, and waits until the test lets it go."""

    def __init__(self) -> None:
        self.waiting = threading.Event()
        self.go = threading.Event()

    def __call__(self, seconds: float) -> None:
        self.waiting.set()
        assert self.go.wait(30), "the test never released the retry"


def test_a_resolve_waits_for_the_trigger_another_sender_is_retrying(database: Database) -> None:
    incidents = SqlIncidents(database)
    outbox = SqlOutbox(database)
    held = HeldRetry()
    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:

        def sender(owner: str, sleep: HeldRetry | None = None) -> Dispatcher:
            notifier = PagerDutyNotifier(
                http,
                pagerduty.routing_key,
                source="tfreview",
                channels=frozenset({"page"}),
                levels=frozenset({1, 2, 3, 4}),
                events_url=pagerduty.events_url,
            )
            return Dispatcher(
                [notifier],
                incidents,
                public_url="http://tfreview.test",
                policy=RetryPolicy(attempts=3),
                outbox=outbox,
                owner=owner,
                **({"sleep": sleep} if sleep else {}),
            )

        first, second = sender("host-a:101", held), sender("host-b:202")
        incident, _ = incidents.open(INCIDENT, {"value": 900})
        (trigger,) = outbox.due()
        pagerduty.script(Reply.of_json(429, {"status": "throttled"}, [("Retry-After", "1")]))
        retrying = threading.Thread(target=first.pump)
        retrying.start()
        try:
            assert held.waiting.wait(30), "the first sender never got the 429"
            incidents.resolve(incident.id, "watchdog")
            assert second.pump() == 0  # the trigger is not done: its resolve waits for it
            resolve = trigger.id + 1  # the only other entry this fresh database holds
            assert not outbox.claim(resolve, "host-c:303")  # nor can a sender that read it as due a moment before
        finally:
            held.go.set()
            retrying.join(30)
        assert second.pump() == 1  # now it goes, to the notifier the trigger reached
        assert outbox.pending() == 0

        actions = [e["event_action"] for e in pagerduty.events()]
        assert actions == ["trigger", "trigger", "resolve"]  # the throttled one, its retry, then the resolve
        dedup_key = f"tfreview-{incident.group_key}-{incident.id}"
        assert pagerduty.alerts == {dedup_key: "resolved"}
    notified = [(e.detail["event"], e.detail["notifier"]) for e in incidents.events(incident.id)
                if e.kind is EventKind.NOTIFIED]  # fmt: skip
    assert notified == [("trigger", "pagerduty"), ("resolve", "pagerduty")]


def test_a_page_refused_by_a_pagerduty_outage_goes_out_when_it_ends(database: Database) -> None:
    """PagerDuty answers 503 through every retry of a trigger: the page is owed, not dropped (ADR 0639)."""
    clock = ManualClock(datetime.now(UTC))
    incidents = SqlIncidents(database, clock=clock)
    outbox = SqlOutbox(database, clock=clock)
    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:
        dispatcher = Dispatcher(
            [pager(http, pagerduty)], incidents, public_url="http://tfreview.test",
            policy=RetryPolicy(attempts=2), sleep=lambda seconds: None, outbox=outbox, owner="host-a:101",
        )  # fmt: skip
        incident, _ = incidents.open(INCIDENT, {"value": 900})
        outage = Reply.of_json(503, {"status": "unavailable"})
        pagerduty.script(outage, outage)
        assert dispatcher.pump() == 1
        assert pagerduty.alerts == {}  # both attempts refused
        assert outbox.pending() == 1  # ... and the page still owed
        assert dispatcher.pump() == 0  # not due yet: a later turn, not a busy loop
        clock.advance(owed_wait(1))
        assert dispatcher.pump() == 1  # the outage is over
        assert outbox.pending() == 0
        assert pagerduty.alerts == {f"tfreview-{incident.group_key}-{incident.id}": "triggered"}
        third = pagerduty.events()[-1]
        assert third["event_action"] == "trigger"
    outcomes = [(e.kind, e.detail.get("owed")) for e in incidents.events(incident.id)
                if e.kind in (EventKind.NOTIFIED, EventKind.NOTIFY_FAILED)]  # fmt: skip
    assert outcomes == [(EventKind.NOTIFY_FAILED, True), (EventKind.NOTIFIED, None)]


def test_an_owed_page_is_not_sent_once_its_incident_resolved(database: Database) -> None:
    clock = ManualClock(datetime.now(UTC))
    incidents = SqlIncidents(database, clock=clock)
    outbox = SqlOutbox(database, clock=clock)
    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:
        dispatcher = Dispatcher(
            [pager(http, pagerduty)], incidents, public_url="http://tfreview.test",
            policy=RetryPolicy(attempts=1), sleep=lambda seconds: None, outbox=outbox, owner="host-a:101",
        )  # fmt: skip
        incident, _ = incidents.open(INCIDENT, {"value": 900})
        pagerduty.script(Reply.of_json(502, {"status": "bad gateway"}))
        assert dispatcher.pump() == 1
        incidents.resolve(incident.id, "watchdog")
        clock.advance(owed_wait(1))
        assert dispatcher.pump() == 1  # the owed trigger is dropped: its incident is over ...
        assert dispatcher.pump() == 1  # ... and the resolve behind it goes to no one: PagerDuty never knew
        assert outbox.pending() == 0
        assert [e["event_action"] for e in pagerduty.events()] == ["trigger"]
        assert pagerduty.alerts == {}


def test_an_owed_notification_is_given_up_after_its_last_turn(database: Database) -> None:
    clock = ManualClock(datetime.now(UTC))
    incidents = SqlIncidents(database, clock=clock)
    outbox = SqlOutbox(database, clock=clock)
    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:
        dispatcher = Dispatcher(
            [pager(http, pagerduty)], incidents, public_url="http://tfreview.test",
            policy=RetryPolicy(attempts=1), sleep=lambda seconds: None, outbox=outbox, owner="host-a:101",
        )  # fmt: skip
        incidents.open(INCIDENT, {"value": 900})
        pagerduty.script(*[Reply.of_json(500, {"status": "error"})] * OWED_TURNS)
        for turn in range(1, OWED_TURNS + 1):
            assert dispatcher.pump() == 1
            clock.advance(owed_wait(turn))
        assert outbox.pending() == 0  # given up: the notifier-failures alert and the timeline say so
        assert len(pagerduty.events()) == OWED_TURNS
        assert dispatcher.pump() == 0


def test_an_owed_page_waits_as_long_as_the_servers_retry_after_asked(database: Database) -> None:
    """PagerDuty throttles with a Retry-After longer than a turn waits: the next turn honours it (not 15 s later)."""
    clock = ManualClock(datetime.now(UTC))
    incidents = SqlIncidents(database, clock=clock)
    outbox = SqlOutbox(database, clock=clock)
    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:
        dispatcher = Dispatcher(
            [pager(http, pagerduty)], incidents, public_url="http://tfreview.test",
            policy=RetryPolicy(attempts=4, max_retry_after_seconds=120), sleep=lambda seconds: None,
            outbox=outbox, owner="host-a:101",
        )  # fmt: skip
        incidents.open(INCIDENT, {"value": 900})
        pagerduty.script(Reply.of_json(429, {"status": "throttled"}, [("Retry-After", "600")]))
        assert dispatcher.pump() == 1
        assert len(pagerduty.events()) == 1  # a 10-minute Retry-After ends the turn at once ...
        clock.advance(owed_wait(1) + 1)
        assert dispatcher.pump() == 0  # ... and the next turn is not before it
        clock.advance(600 - owed_wait(1))
        assert dispatcher.pump() == 1
        assert list(pagerduty.alerts.values()) == ["triggered"]
        assert len(pagerduty.events()) == 2


def test_no_other_sender_takes_an_entry_while_its_turn_waits_out_a_retry_after(database: Database) -> None:
    """PagerDuty asks for 100 s between attempts (under the 120 s a turn may wait for one): a turn of 4 attempts
    slept 300 s, past its 120 s claim, and a second sender took the same entry and paged again meanwhile. A turn now
    sleeps at most a quarter of its claim; the rest of the wait is the next turn's (ADR 0639)."""
    clock = ManualClock(datetime.now(UTC))
    incidents = SqlIncidents(database, clock=clock)
    outbox = SqlOutbox(database, clock=clock)
    taken: list[bool] = []

    def sleep(seconds: float) -> None:  # the first sender waits; time passes; the second looks for work
        clock.advance(seconds)
        taken.append(outbox.claim(entry.id, "host-b:202"))

    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:
        dispatcher = Dispatcher(
            [pager(http, pagerduty)], incidents, public_url="http://tfreview.test",
            policy=RetryPolicy(attempts=4, max_retry_after_seconds=120), sleep=sleep, outbox=outbox,
            owner="host-a:101",
        )  # fmt: skip
        incidents.open(INCIDENT, {"value": 900})
        (entry,) = outbox.due()
        throttled = Reply.of_json(429, {"status": "throttled"}, [("Retry-After", "100")])
        pagerduty.script(throttled, throttled, throttled)
        for _ in range(3):  # each 100 s wait is longer than a turn may sleep: one attempt a turn, the wait between
            assert dispatcher.pump() == 1
            assert not any(taken), "a second sender took the entry while the first still sent it"
            assert outbox.pending() == 1  # owed
            assert dispatcher.pump() == 0  # and not before the Retry-After
            clock.advance(100)
        assert dispatcher.pump() == 1
        assert not any(taken)  # never two senders on one entry
        assert outbox.pending() == 0
        assert list(pagerduty.alerts.values()) == ["triggered"]
        assert len(pagerduty.events()) == 4


def test_draining_does_not_wait_for_an_owed_turn(database: Database) -> None:
    """`tfreview incidents ack` drains the outbox before it exits: with a page owed for a later turn (PagerDuty
    down) it says "pending" at once, and the acknowledge it wrote waits behind the page (ADR 0637, 0639)."""
    clock = ManualClock(datetime.now(UTC))  # the owed turn stays 15 s away
    incidents = SqlIncidents(database, clock=clock)
    outbox = SqlOutbox(database, clock=clock)
    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:
        dispatcher = Dispatcher(
            [pager(http, pagerduty)], incidents, public_url="http://tfreview.test",
            policy=RetryPolicy(attempts=1), sleep=lambda seconds: None, outbox=outbox, owner="host-a:101",
        )  # fmt: skip
        incident, _ = incidents.open(INCIDENT, {"value": 900})
        pagerduty.script(Reply.of_json(503, {"status": "unavailable"}))
        assert dispatcher.pump() == 1
        incidents.acknowledge(incident.id, "cli:oncall")
        drained: list[bool] = []
        draining = threading.Thread(target=lambda: drained.append(dispatcher.drain(timeout=600)), daemon=True)
        draining.start()
        draining.join(30)  # a bound, not a threshold: the old drain waited out its 600 s
        assert drained == [False]
        assert outbox.pending() == 2  # the owed page, and the acknowledge behind it
        assert len(pagerduty.events()) == 1


class TimingOut:
    """A notifier whose every POST runs into its whole timeout (a black-holed network path): each attempt costs the
    sender `seconds` of the clock, and meanwhile a second sender looks for work."""

    def __init__(self, name: str, seconds: float, tick: Callable[[float], None]) -> None:
        self.name = name
        self.channels = frozenset({"page"})
        self.levels = frozenset({1, 2, 3, 4})
        self._seconds = seconds
        self._tick = tick
        self.attempts = 0

    def send(self, notification: Notification) -> None:
        self.attempts += 1
        self._tick(self._seconds)
        raise NotifyFailure(f"{self.name}: timed out", retriable=True)


def test_no_other_sender_takes_an_entry_while_its_notifiers_time_out(database: Database) -> None:
    """Three notifiers behind a black-holed path, each POST ending at its 10 s timeout, 4 attempts each: a turn
    counted only its sleeps against its budget, so it ran ~140 s, past its 120 s claim, and a second sender took the
    same entry and sent it to the same notifiers at the same time. A turn now counts the time its attempts take, and
    ends (the rest owed) before its claim can expire."""
    clock = ManualClock(datetime.now(UTC))
    incidents = SqlIncidents(database, clock=clock)
    outbox = SqlOutbox(database, clock=clock)
    elapsed = [0.0]
    taken: list[bool] = []

    def tick(seconds: float) -> None:  # time passes in the first sender; the second looks for work
        clock.advance(seconds)
        elapsed[0] += seconds
        taken.append(outbox.claim(entry.id, "host-b:202"))

    notifiers = [TimingOut(name, 10.0, tick) for name in ("pagerduty", "slack", "webhook")]
    dispatcher = Dispatcher(
        notifiers, incidents, public_url="http://tfreview.test",
        policy=RetryPolicy(attempts=4, attempt_seconds=10.0), sleep=tick, outbox=outbox, owner="host-a:101",
        monotonic=lambda: elapsed[0],
    )  # fmt: skip
    incidents.open(INCIDENT, {"value": 900})
    (entry,) = outbox.due()
    assert dispatcher.pump() == 1
    assert taken  # the second sender looked for work while the first sent
    assert not any(taken), "a second sender took the entry while the first still sent it"
    assert outbox.pending() == 1  # owed: every notifier still failing
    tried = sum(n.attempts for n in notifiers)
    clock.advance(owed_wait(1))
    elapsed[0] += owed_wait(1)
    assert dispatcher.pump() == 1  # the next turn goes on where this one stopped
    assert not any(taken)
    assert all(n.attempts > 0 for n in notifiers)  # every notifier tried within two turns
    assert sum(n.attempts for n in notifiers) > tried


def test_an_attempt_longer_than_the_claim_keeps_its_entry_from_a_second_sender(database: Database) -> None:
    """`notify.timeout_seconds` may exceed the 120 s claim (the settings allow it): one black-holed attempt of 150 s
    outlived the claim, and a second sender took the entry and paged again while the first still sent it (ADR 0643's
    consequence). The claim now covers a turn's longest: its time plus one attempt (ADR 0658)."""
    clock = ManualClock(datetime.now(UTC))
    incidents = SqlIncidents(database, clock=clock)
    outbox = SqlOutbox(database, clock=clock)
    elapsed = [0.0]
    taken: list[bool] = []

    def tick(seconds: float) -> None:  # the attempt runs into its timeout; the second sender looks for work meanwhile
        clock.advance(seconds)
        elapsed[0] += seconds
        taken.append(outbox.claim(entry.id, "host-b:202"))

    slow = TimingOut("pagerduty", 150.0, tick)
    dispatcher = Dispatcher(
        [slow], incidents, public_url="http://tfreview.test",
        policy=RetryPolicy(attempts=1, attempt_seconds=150.0), sleep=tick, outbox=outbox, owner="host-a:101",
        monotonic=lambda: elapsed[0],
    )  # fmt: skip
    incidents.open(INCIDENT, {"value": 900})
    (entry,) = outbox.due()
    assert dispatcher.pump() == 1
    assert taken == [False], "a second sender took the entry while the first still sent it"
    assert slow.attempts == 1
    assert outbox.pending() == 1  # owed to its next turn


def test_a_process_without_notifiers_leaves_the_entries_to_the_one_that_has_them(database: Database) -> None:
    """`tfreview incidents ack` run where the PagerDuty key is not set (an operator's shell, a worker configured
    without notifiers) drained the shared outbox: it found no notifier of its own that the trigger reached, told
    no one and marked the acknowledge done — PagerDuty kept paging for an incident acknowledged. Its entries now stay
    for the process that has the notifiers (ADR 0659)."""
    incidents = SqlIncidents(database)
    outbox = SqlOutbox(database)
    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:
        service = Dispatcher(
            [pager(http, pagerduty)], incidents, public_url="http://tfreview.test", outbox=outbox, owner="host-a:101",
        )  # fmt: skip
        shell = Dispatcher([], incidents, public_url="http://tfreview.test", outbox=outbox, owner="host-b:202")
        incident, _ = incidents.open(INCIDENT, {"value": 900})
        assert service.pump() == 1
        after = incidents.acknowledge(incident.id, "cli:alice")
        assert after is not None
        shell.notify(after, NotifyEvent.ACKNOWLEDGE)
        assert not shell.drain(30.0)  # "notifications still pending", at once
        second, _ = incidents.open(replace(INCIDENT, group_key="other", alert_id="other"), {"value": 1})
        assert shell.pump() == 0  # nor a trigger: it cannot know who serves it
        shell.close(5.0)
        assert outbox.pending() == 2
        assert service.pump() == 2
        dedup = f"tfreview-{incident.group_key}-{incident.id}"
        assert pagerduty.alerts == {dedup: "acknowledged", f"tfreview-other-{second.id}": "triggered"}
    failures = [e for e in incidents.events(second.id) if e.kind is EventKind.NOTIFY_FAILED]
    assert failures == []  # no "no notifier serves" from the process that has none


class Answering:
    """A notifier that takes every notification at once (Slack while PagerDuty is unreachable)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.channels = frozenset({"page"})
        self.levels = frozenset({1, 2, 3, 4})
        self.sent: list[int] = []

    def send(self, notification: Notification) -> None:
        self.sent.append(notification.incident_id)


def test_a_notifier_timing_out_costs_one_pump_its_timeouts_once_not_once_per_incident(database: Database) -> None:
    """PagerDuty unreachable (each POST runs into its 10 s timeout) while alerts fire: the one sender thread spent
    its attempts on every incident's page in turn — and again at each owed turn (ADR 0639) — so Slack heard of the
    tenth incident minutes late, behind the others' timeouts. A notifier that failed on something passing is not
    tried again in the same pump: the others' pages to it are owed to the next turn, and Slack gets all at once."""
    clock = ManualClock(datetime.now(UTC))
    incidents = SqlIncidents(database, clock=clock)
    outbox = SqlOutbox(database, clock=clock)
    elapsed = [0.0]

    def tick(seconds: float) -> None:
        clock.advance(seconds)
        elapsed[0] += seconds

    pagerduty, slack = TimingOut("pagerduty", 10.0, tick), Answering("slack")
    dispatcher = Dispatcher(
        [pagerduty, slack], incidents, public_url="http://tfreview.test",
        policy=RetryPolicy(attempts=4, attempt_seconds=10.0), sleep=tick, outbox=outbox, owner="host-a:101",
        monotonic=lambda: elapsed[0],
    )  # fmt: skip
    opened = [incidents.open(replace(INCIDENT, group_key=f"queue-backlog-{n}"), {"value": n})[0] for n in range(10)]
    assert dispatcher.pump() == 10
    assert sorted(slack.sent) == sorted(i.id for i in opened)  # every incident told on Slack in this one pump
    assert pagerduty.attempts <= 4  # PagerDuty's timeouts paid once, not for each of the ten pages
    assert outbox.pending() == 10  # ... and every page still owed to PagerDuty
