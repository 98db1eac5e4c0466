"""A page refused by a notifier's outage longer than the quick retries is owed and sent when the outage ends, on every
store behind the incident port (ADR 0639 for the SQL stores' outbox, ADR 0711 for DynamoDB's, ADR 0657 for memory,
which keeps the owed notifications in the process). What the wiring builds: the SQL stores and DynamoDB hand the
dispatcher their outbox, memory none. A fake PagerDuty on loopback; the watchdog's calls (`open`, then `notify`).
A durable outbox's owed page outlives the process that wrote it: one gone without a close (a Lambda container AWS
recycled) leaves it to the next, which sends it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.contract.conftest import ManualClock, fresh_table, sql_database_of
from tests.contract.test_incidents_contract import new_incident
from tests.fakes.llm_common import Reply
from tests.fakes.notify import FakePagerDuty
from tfreview.ops.incidents import EventKind, Incidents
from tfreview.ops.notify.delivery import RetryPolicy
from tfreview.ops.notify.dispatcher import Dispatcher, owed_wait
from tfreview.ops.notify.message import NotifyEvent
from tfreview.ops.notify.outbox import NotifyOutbox
from tfreview.ops.notify.pagerduty import PagerDutyNotifier
from tfreview.store.aws.incidents import DynamoIncidents
from tfreview.store.aws.notify_outbox import DynamoOutbox
from tfreview.store.incidents import SqlIncidents
from tfreview.store.memory_incidents import MemoryIncidents
from tfreview.store.notify_outbox import SqlOutbox

OUTAGE = Reply.of_json(503, {"status": "unavailable"})


def _none() -> tuple[Incidents, NotifyOutbox | None]:
    raise AssertionError("this store keeps no outbox: nothing outlives its process")


@dataclass
class Wired:
    clock: ManualClock
    incidents: Incidents
    outbox: NotifyOutbox | None  # what the wiring hands the dispatcher: the store's outbox, or none
    # another process's stores on the same database (a new Lambda container): its incidents and outbox
    another: Callable[[], tuple[Incidents, NotifyOutbox | None]] = field(default=_none)


def dynamodb_wired(request: pytest.FixtureRequest, clock: ManualClock) -> Wired:
    table = fresh_table(request)

    def stores() -> tuple[Incidents, NotifyOutbox | None]:
        outbox = DynamoOutbox(table, clock=clock)
        return DynamoIncidents(table, clock=clock, written=outbox.written), outbox

    return Wired(clock, *stores(), another=stores)


@contextmanager
def wired_on(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[Wired]:
    clock = ManualClock()
    if request.param == "memory":
        yield Wired(clock, MemoryIncidents(clock=clock), None)
        return
    if request.param == "dynamodb":
        yield dynamodb_wired(request, clock)
        return
    with sql_database_of(request, sqlite_dir) as database:
        yield Wired(
            clock,
            SqlIncidents(database, clock=clock),
            SqlOutbox(database, clock=clock),
            lambda: (SqlIncidents(database, clock=clock), SqlOutbox(database, clock=clock)),
        )


@pytest.fixture(params=["memory", "sqlite", "postgres", "dynamodb"])
def wired(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[Wired]:
    with wired_on(request, sqlite_dir) as made:
        yield made


@pytest.fixture(params=["sqlite", "postgres", "dynamodb"])
def durable(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[Wired]:
    """The stores whose outbox outlives the process."""
    with wired_on(request, sqlite_dir) as made:
        yield made


@pytest.fixture
def pagerduty() -> Iterator[FakePagerDuty]:
    with FakePagerDuty() as fake:
        yield fake


def dispatcher_of(
    http: httpx.Client, pagerduty: FakePagerDuty, wired: Wired, incidents: Incidents, outbox: NotifyOutbox | None,
    owner: str,
) -> Dispatcher:  # fmt: skip
    notifier = PagerDutyNotifier(
        http, pagerduty.routing_key, source="tfreview", channels=frozenset({"page"}),
        levels=frozenset({1, 2, 3, 4}), events_url=pagerduty.events_url,
    )  # fmt: skip
    return Dispatcher(
        [notifier], incidents, public_url="http://tfreview.test", policy=RetryPolicy(attempts=2),
        sleep=lambda seconds: None, outbox=outbox, owner=owner, clock=wired.clock,
    )  # fmt: skip


@pytest.fixture
def dispatcher(wired: Wired, pagerduty: FakePagerDuty) -> Iterator[Dispatcher]:
    with httpx.Client(timeout=5.0) as http:
        made = dispatcher_of(http, pagerduty, wired, wired.incidents, wired.outbox, "host-a:101")
        try:
            yield made
        finally:
            made.close(5.0)


def outcomes(incidents: Incidents, incident_id: int) -> list[tuple[str, str, bool]]:
    return [
        (e.kind.value, str(e.detail["event"]), bool(e.detail.get("owed")))
        for e in incidents.events(incident_id)
        if e.kind in (EventKind.NOTIFIED, EventKind.NOTIFY_FAILED)
    ]


def test_a_page_refused_through_every_retry_is_owed_and_sent_when_the_outage_ends(
    wired: Wired, dispatcher: Dispatcher, pagerduty: FakePagerDuty
) -> None:
    pagerduty.script(OUTAGE, OUTAGE)
    incident, _ = wired.incidents.open(new_incident(), {"value": 900})
    dispatcher.notify(incident, NotifyEvent.TRIGGER, {"value": 900})
    assert not dispatcher.drain(10.0)  # both attempts refused: still owed, not given up
    assert pagerduty.alerts == {}
    wired.clock.advance(owed_wait(1))
    assert dispatcher.drain(10.0)  # the outage is over: the next turn pages
    assert pagerduty.alerts == {f"tfreview-{incident.group_key}-{incident.id}": "triggered"}
    assert [e["event_action"] for e in pagerduty.events()] == ["trigger"] * 3
    assert outcomes(wired.incidents, incident.id) == [
        ("notify-failed", "trigger", True),
        ("notified", "trigger", False),
    ]


def test_a_resolve_written_while_the_page_is_owed_goes_after_it(
    wired: Wired, dispatcher: Dispatcher, pagerduty: FakePagerDuty
) -> None:
    """The resolve waits behind its owed trigger (ADR 0637): sent first, it would find no trigger sent and tell no
    one, and the page, once through, would open an alert nothing resolves."""
    pagerduty.script(OUTAGE, OUTAGE)
    incident, _ = wired.incidents.open(new_incident(), {"value": 900})
    dispatcher.notify(incident, NotifyEvent.TRIGGER, {"value": 900})
    assert not dispatcher.drain(10.0)
    acknowledged = wired.incidents.acknowledge(incident.id, "cli:alice")
    assert acknowledged is not None
    dispatcher.notify(acknowledged, NotifyEvent.ACKNOWLEDGE, {"acknowledged_by": "cli:alice"})
    assert not dispatcher.drain(10.0)  # behind the owed trigger
    wired.clock.advance(owed_wait(1))
    assert dispatcher.drain(10.0)
    assert [e["event_action"] for e in pagerduty.events()] == ["trigger", "trigger", "trigger", "acknowledge"]
    assert pagerduty.alerts == {f"tfreview-{incident.group_key}-{incident.id}": "acknowledged"}


def test_a_process_without_a_store_outbox_says_what_it_loses_when_it_ends(
    pagerduty: FakePagerDuty, caplog: pytest.LogCaptureFixture
) -> None:
    """Memory and DynamoDB keep the owed page in the process: closing with it unsent is an ERROR line and a counted
    failure (`tfreview_notifier_failures_total`), never silence."""
    clock = ManualClock()
    incidents = MemoryIncidents(clock=clock)
    counted: list[tuple[str, str, bool]] = []
    with httpx.Client(timeout=5.0) as http:
        notifier = PagerDutyNotifier(
            http, pagerduty.routing_key, source="tfreview", channels=frozenset({"page"}),
            levels=frozenset({1, 2, 3, 4}), events_url=pagerduty.events_url,
        )  # fmt: skip
        dispatcher = Dispatcher(
            [notifier], incidents, public_url="http://tfreview.test", policy=RetryPolicy(attempts=1),
            sleep=lambda seconds: None, clock=clock, on_outcome=lambda *o: counted.append(o),
        )  # fmt: skip
        assert not dispatcher.durable
        pagerduty.script(OUTAGE)
        incident, _ = incidents.open(new_incident(), {"value": 900})
        dispatcher.notify(incident, NotifyEvent.TRIGGER)
        assert not dispatcher.drain(10.0)
        with caplog.at_level("ERROR", logger="tfreview.notify"):
            dispatcher.close(5.0)
    assert counted == [("pagerduty", "trigger", False), ("pagerduty", "trigger", False)]  # the turn, then the loss
    (line,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert f"incident {incident.id} trigger" in line.getMessage()
    assert "lost with this process" in line.getMessage()


def test_an_owed_page_outlives_the_process_that_wrote_it(durable: Wired, pagerduty: FakePagerDuty) -> None:
    """A Lambda container recycled by AWS runs no close (ADR 0711): the page it owed is in the store's outbox, and the
    next process — another container, the watchdog's schedule — sends it once the outage is over, and only then."""
    pagerduty.script(OUTAGE, OUTAGE)
    with httpx.Client(timeout=5.0) as http:
        gone = dispatcher_of(http, pagerduty, durable, durable.incidents, durable.outbox, "host-a:101")
        incident, _ = durable.incidents.open(new_incident(), {"value": 900})
        assert gone.pump() == 1  # both attempts refused: owed
        assert pagerduty.alerts == {}
        # the process ends here without a close or a drain: nothing of it is used again
        incidents, outbox = durable.another()
        after = dispatcher_of(http, pagerduty, durable, incidents, outbox, "host-b:202")
        assert after.durable
        assert not after.drain(10.0)  # owed to a later turn: not sent sooner
        assert len(pagerduty.events()) == 2
        durable.clock.advance(owed_wait(1))
        assert after.drain(10.0)
    assert pagerduty.alerts == {f"tfreview-{incident.group_key}-{incident.id}": "triggered"}
    assert [e["event_action"] for e in pagerduty.events()] == ["trigger"] * 3
    assert outcomes(incidents, incident.id) == [("notify-failed", "trigger", True), ("notified", "trigger", False)]


def test_an_acknowledge_written_by_another_process_waits_behind_the_owed_page(
    durable: Wired, pagerduty: FakePagerDuty
) -> None:
    """The order of an incident's notifications holds across processes: an acknowledge written by a second process
    while the first process's page is owed goes after it, and PagerDuty's alert ends acknowledged."""
    pagerduty.script(OUTAGE, OUTAGE)
    with httpx.Client(timeout=5.0) as http:
        gone = dispatcher_of(http, pagerduty, durable, durable.incidents, durable.outbox, "host-a:101")
        incident, _ = durable.incidents.open(new_incident(), {"value": 900})
        assert gone.pump() == 1
        incidents, outbox = durable.another()
        after = dispatcher_of(http, pagerduty, durable, incidents, outbox, "host-b:202")
        assert incidents.acknowledge(incident.id, "cli:alice") is not None
        assert not after.drain(10.0)  # the acknowledge is behind the owed trigger
        assert len(pagerduty.events()) == 2
        durable.clock.advance(owed_wait(1))
        assert after.drain(10.0)
    assert [e["event_action"] for e in pagerduty.events()] == ["trigger", "trigger", "trigger", "acknowledge"]
    assert pagerduty.alerts == {f"tfreview-{incident.group_key}-{incident.id}": "acknowledged"}


def test_send_due_leaves_an_entry_another_sender_holds(durable: Wired, pagerduty: FakePagerDuty) -> None:
    """What the watchdog function runs (ADR 0712): an entry claimed by a sender that may be frozen (another Lambda
    container) is left to its claim's expiry, not waited on nor sent twice; once the claim expired it is sent."""
    assert durable.outbox is not None
    with httpx.Client(timeout=5.0) as http:
        incident, _ = durable.incidents.open(new_incident(), {"value": 900})
        (entry,) = durable.outbox.due()
        assert durable.outbox.claim(entry.id, "frozen-container:7")
        incidents, outbox = durable.another()
        sender = dispatcher_of(http, pagerduty, durable, incidents, outbox, "host-b:202")
        assert not sender.send_due(10.0)
        assert pagerduty.events() == []
        durable.clock.advance(sender.claim_seconds + 1)
        assert sender.send_due(10.0)
    assert pagerduty.alerts == {f"tfreview-{incident.group_key}-{incident.id}": "triggered"}
