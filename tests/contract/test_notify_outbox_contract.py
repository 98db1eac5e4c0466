"""The notification outbox's retention on SQLite, PostgreSQL and DynamoDB (the stores that have an outbox; DynamoDB's
since ADR 0711): sent entries go `sent_days` after they were sent, unsent ones stay while their incident is open, and
go once it is resolved or after `unsent_days`; the incident timeline is never touched."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.contract.conftest import ManualClock, fresh_table, sql_database_of
from tests.contract.test_incidents_contract import new_incident
from tfreview.ops.actions import Actions
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.incidents import EventKind, Incidents, Leases
from tfreview.ops.notify.dispatcher import Dispatcher
from tfreview.ops.notify.message import NotifyEvent
from tfreview.ops.notify.outbox import NotifyOutbox, OutboxRetention, Swept
from tfreview.ops.watchdog import Watchdog, WatchdogConfig
from tfreview.store.aws.incidents import DynamoIncidents, DynamoLeases
from tfreview.store.aws.notify_outbox import DynamoOutbox
from tfreview.store.aws.table import Table
from tfreview.store.database import Database
from tfreview.store.incidents import SqlIncidents, SqlLeases
from tfreview.store.notify_outbox import SqlOutbox
from tfreview.store.tables import NotifyOutboxRow

DAY = 86_400.0


@dataclass
class Outboxes:
    clock: ManualClock
    incidents: Incidents
    outbox: NotifyOutbox
    leases: Leases
    rows: Callable[[], list[tuple[int, str, bool]]]  # (incident id, event, sent) of every entry left, oldest first


def sql_rows(database: Database) -> Callable[[], list[tuple[int, str, bool]]]:
    def rows() -> list[tuple[int, str, bool]]:
        query = select(NotifyOutboxRow.incident_id, NotifyOutboxRow.event, NotifyOutboxRow.done_at).order_by(
            NotifyOutboxRow.id
        )
        with database.transaction(write=False) as session:
            return [(int(i), str(e), d is not None) for i, e, d in session.execute(query)]

    return rows


def dynamodb_rows(table: Table) -> Callable[[], list[tuple[int, str, bool]]]:
    def rows() -> list[tuple[int, str, bool]]:
        answer = table.clients.dynamodb.scan(
            TableName=table.name,
            FilterExpression="begins_with(pk, :pk) AND begins_with(sk, :sk)",
            ExpressionAttributeValues={":pk": {"S": "NOTIFY#"}, ":sk": {"S": "OUT#"}},
            ConsistentRead=True,
        )
        items = sorted((table.decode(raw) for raw in answer["Items"]), key=lambda i: (i["created_at"], i["id"]))
        return [(int(i["incident_id"]), str(i["event"]), "done_at" in i) for i in items]

    return rows


@pytest.fixture(params=["sqlite", "postgres", "dynamodb"])
def stores(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[Outboxes]:
    clock = ManualClock()
    if request.param == "dynamodb":
        table = fresh_table(request)
        outbox = DynamoOutbox(table, clock=clock)
        incidents = DynamoIncidents(table, clock=clock, written=outbox.written)
        yield Outboxes(clock, incidents, outbox, DynamoLeases(table, clock=clock), dynamodb_rows(table))
        return
    with sql_database_of(request, sqlite_dir) as database:
        yield Outboxes(
            clock,
            SqlIncidents(database, clock=clock),
            SqlOutbox(database, clock=clock),
            SqlLeases(database, clock=clock),
            sql_rows(database),
        )


def send(stores: Outboxes, incident_id: int) -> None:
    """What the dispatcher does with an entry it sent: claim it, mark it done."""
    for entry in stores.outbox.due():
        if entry.incident_id == incident_id:
            assert stores.outbox.claim(entry.id, "host:1")
            stores.outbox.done(entry.id)


def test_sent_entries_go_after_the_retention_unsent_ones_when_resolved_or_old(stores: Outboxes) -> None:
    sent, _ = stores.incidents.open(new_incident("sent"), {})
    send(stores, sent.id)
    resolved, _ = stores.incidents.open(new_incident("resolved-unsent"), {})
    stores.clock.advance(3600)
    stores.incidents.resolve(resolved.id, "watchdog")  # its trigger and its resolve were never sent
    still_open, _ = stores.incidents.open(new_incident("open-unsent"), {})
    assert stores.rows() == [
        (sent.id, "trigger", True),
        (resolved.id, "trigger", False),
        (resolved.id, "resolve", False),
        (still_open.id, "trigger", False),
    ]
    retention = OutboxRetention(sent_days=7, unsent_days=30)

    stores.clock.advance(6 * DAY)
    assert stores.outbox.sweep(*retention.cutoffs(stores.clock())) == Swept(0, 0)
    assert len(stores.rows()) == 4

    stores.clock.advance(1 * DAY + 3600)  # 7 days and an hour after the first entries were written
    assert stores.outbox.sweep(*retention.cutoffs(stores.clock())) == Swept(1, 2)
    assert stores.rows() == [(still_open.id, "trigger", False)]  # its incident is open: the sender keeps trying
    assert stores.outbox.pending() == 1

    stores.clock.advance(23 * DAY)  # 30 days and an hour: dropped even so
    assert stores.outbox.sweep(*retention.cutoffs(stores.clock())) == Swept(0, 1)
    assert stores.rows() == []
    # the timeline outlives the outbox
    assert [e.kind for e in stores.incidents.events(resolved.id)] == [EventKind.OPENED, EventKind.RESOLVED]


def test_the_dispatcher_sweeps_at_most_every_interval(stores: Outboxes) -> None:
    incident, _ = stores.incidents.open(new_incident("sent"), {})
    send(stores, incident.id)
    dispatcher = Dispatcher(
        [],
        stores.incidents,
        public_url="http://tfreview.test",
        outbox=stores.outbox,
        retention=OutboxRetention(sent_days=1, unsent_days=2, every_seconds=3600),
    )
    assert dispatcher.sweep(stores.clock()) == Swept(0, 0)
    stores.clock.advance(DAY + 60)
    assert dispatcher.sweep(stores.clock()) == Swept(1, 0)
    other, _ = stores.incidents.open(new_incident("another"), {})
    send(stores, other.id)
    stores.clock.advance(1800)
    assert dispatcher.sweep(stores.clock()) is None  # half an hour after the last sweep: not time yet
    stores.clock.advance(1800)
    assert dispatcher.sweep(stores.clock()) == Swept(0, 0)  # swept, but its entry was sent an hour ago
    assert [sent for _, _, sent in stores.rows()] == [True]


def test_an_acknowledged_entry_not_sent_stays_while_the_incident_is_open(stores: Outboxes) -> None:
    incident, _ = stores.incidents.open(new_incident("acked"), {})
    send(stores, incident.id)
    stores.incidents.acknowledge(incident.id, "alice")
    stores.clock.advance(8 * DAY)
    retention = OutboxRetention(sent_days=7, unsent_days=30)
    assert stores.outbox.sweep(*retention.cutoffs(stores.clock())) == Swept(1, 0)
    assert [(event, sent) for _, event, sent in stores.rows()] == [(NotifyEvent.ACKNOWLEDGE.value, False)]


def test_the_watchdog_holding_its_lease_sweeps_the_outbox(stores: Outboxes) -> None:
    table = load_alert_table()
    dispatcher = Dispatcher(
        [], stores.incidents, public_url="http://x", outbox=stores.outbox, retention=OutboxRetention(7, 30)
    )
    leases = stores.leases

    def watchdog(owner: str) -> Watchdog:
        config = WatchdogConfig(skip=frozenset(rule.id for rule in table))  # no alert: only the housekeeping
        return Watchdog(
            table, list, stores.incidents, leases, dispatcher, Actions(), owner=owner, config=config, clock=stores.clock
        )

    holder, standby = watchdog("holder"), watchdog("standby")
    incident, _ = stores.incidents.open(new_incident("sent"), {})
    send(stores, incident.id)
    stores.incidents.resolve(incident.id, "alice")  # its resolve is never sent (no notifier here)
    stores.clock.advance(8 * DAY)
    try:
        assert holder.tick().evaluated
        assert stores.rows() == []  # step 6 of the tick: both entries were past their 7 days
        assert not standby.tick().evaluated  # the holder's lease is live: the standby evaluates nothing
    finally:
        dispatcher.close()


def test_seconds_to_next_is_when_the_earliest_entry_not_done_may_be_sent(stores: Outboxes) -> None:
    """What the sender's idle wake reads (ADR 0451): None when every entry is done, 0 when one is due now, else
    the earliest due time of an unclaimed entry or expiry of a live claim."""
    outbox = stores.outbox
    assert outbox.seconds_to_next() is None  # empty
    first, _ = stores.incidents.open(new_incident("first"), {})
    assert outbox.seconds_to_next() == 0.0  # written due at once
    (entry,) = outbox.due()
    assert outbox.claim(entry.id, "host:1", seconds=120)
    assert outbox.seconds_to_next() == 120.0  # held by a live sender until its claim expires
    outbox.later(entry.id, 30, "ConnectionError")  # the claim dropped, due again in 30 s
    assert outbox.seconds_to_next() == 30.0
    stores.clock.advance(45)
    assert outbox.seconds_to_next() == 0.0  # past its due time
    assert outbox.claim(entry.id, "host:1", seconds=120)
    outbox.done(entry.id)
    assert outbox.seconds_to_next() is None  # every entry done
    second, _ = stores.incidents.open(new_incident("second"), {})
    (other,) = outbox.due()
    assert outbox.claim(other.id, "host:2", seconds=60)
    stores.clock.advance(61)
    assert outbox.seconds_to_next() == 0.0  # its claim expired: free to claim again
    assert first.id != second.id
