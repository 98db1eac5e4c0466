"""The incident store and the named leases: the same scenarios on memory, SQLite, PostgreSQL and DynamoDB."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.contract.conftest import START, ManualClock, fresh_table, sql_database_of
from tfreview.core.errors import InputError, NotFound
from tfreview.ops.incidents import EventKind, Incidents, IncidentStatus, Leases, NewIncident
from tfreview.store.aws.incidents import DynamoIncidents, DynamoLeases
from tfreview.store.incidents import SqlIncidents, SqlLeases
from tfreview.store.memory_incidents import MemoryIncidents, MemoryLeases


@dataclass
class OpsStores:
    clock: ManualClock
    incidents: Incidents
    leases: Leases


@pytest.fixture(params=["memory", "sqlite", "postgres", "dynamodb"])
def ops(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[OpsStores]:
    clock = ManualClock()
    if request.param == "memory":
        yield OpsStores(clock, MemoryIncidents(clock=clock), MemoryLeases(clock=clock))
        return
    if request.param == "dynamodb":
        table = fresh_table(request)
        yield OpsStores(clock, DynamoIncidents(table, clock=clock), DynamoLeases(table, clock=clock))
        return
    with sql_database_of(request, sqlite_dir) as database:
        yield OpsStores(clock, SqlIncidents(database, clock=clock), SqlLeases(database, clock=clock))


def new_incident(group: str = "intake-db-errors", level: int = 2, minutes: int = 10) -> NewIncident:
    return NewIncident(
        group_key=group,
        alert_id=group,
        scenario="database-disruption",
        severity="critical",
        summary="Intake answers 503",
        level=level,
        response_minutes=minutes,
        channels=("page",),
        action="shed-load",
    )


def test_one_active_incident_per_group(ops: OpsStores) -> None:
    first, created = ops.incidents.open(new_incident(), {"value": 0.4})
    again, created_again = ops.incidents.open(new_incident(), {"value": 0.5})
    other, _ = ops.incidents.open(new_incident("jwks-fetch-failures"), {})
    assert created
    assert not created_again
    assert again.id == first.id != other.id
    assert first.status is IncidentStatus.OPEN
    assert first.level == 2
    assert first.channels == ("page",)
    assert first.opened_at == START
    assert first.action == "shed-load"
    assert first.escalate_at is not None
    assert (first.escalate_at - START).total_seconds() == 600
    assert [e.kind for e in ops.incidents.events(first.id)] == [EventKind.OPENED]
    assert ops.incidents.events(first.id)[0].detail == {"value": 0.4}
    assert [i.id for i in ops.incidents.active()] == [first.id, other.id]
    assert [i.id for i in ops.incidents.active("jwks-fetch-failures")] == [other.id]


def test_a_resolved_group_opens_a_new_incident(ops: OpsStores) -> None:
    first, _ = ops.incidents.open(new_incident(), {})
    ops.clock.advance(60)
    resolved = ops.incidents.resolve(first.id, "watchdog")
    assert resolved is not None
    assert resolved.status is IncidentStatus.RESOLVED
    assert resolved.resolved_by == "watchdog"
    assert resolved.resolved_at == ops.clock()
    assert resolved.escalate_at is None
    second, created = ops.incidents.open(new_incident(), {})
    assert created
    assert second.id != first.id
    assert ops.incidents.resolve(first.id, "someone else") == resolved  # unchanged, no second event
    assert [e.kind for e in ops.incidents.events(first.id)] == [EventKind.OPENED, EventKind.RESOLVED]


def test_acknowledge_stops_escalation_and_is_idempotent(ops: OpsStores) -> None:
    incident, _ = ops.incidents.open(new_incident(), {})
    ops.clock.advance(30)
    acked = ops.incidents.acknowledge(incident.id, "token:abc")
    assert acked is not None
    assert acked.status is IncidentStatus.ACKNOWLEDGED
    assert acked.escalate_at is None
    assert acked.acknowledged_by == "token:abc"
    assert acked.acknowledged_at == ops.clock()
    assert ops.incidents.acknowledge(incident.id, "token:def") == acked
    assert ops.incidents.escalate(incident.id, 3, ("page", "email"), None) == acked  # no longer open
    assert ops.incidents.acknowledge(999, "x") is None
    assert ops.incidents.resolve(999, "x") is None
    assert ops.incidents.get(999) is None
    kinds = [e.kind for e in ops.incidents.events(incident.id)]
    assert kinds == [EventKind.OPENED, EventKind.ACKNOWLEDGED]


def test_escalation_raises_the_level_and_records_it(ops: OpsStores) -> None:
    incident, _ = ops.incidents.open(new_incident(level=2), {})
    ops.clock.advance(600)
    later = ops.clock() + (ops.clock() - START)
    escalated = ops.incidents.escalate(incident.id, 3, ("page", "email"), later)
    assert escalated.level == 3
    assert escalated.channels == ("page", "email")
    assert escalated.escalate_at == later
    with pytest.raises(InputError):
        ops.incidents.escalate(incident.id, 3, ("page",), None)  # not above its own level
    with pytest.raises(InputError):
        ops.incidents.escalate(incident.id, 5, ("page",), None)
    with pytest.raises(NotFound):
        ops.incidents.escalate(999, 3, ("page",), None)
    events = ops.incidents.events(incident.id)
    assert events[-1].kind is EventKind.ESCALATED
    assert events[-1].detail == {"from": 2, "to": 3, "channels": ["page", "email"]}


def test_timeline_and_listing(ops: OpsStores) -> None:
    ids = []
    for n in range(5):
        incident, _ = ops.incidents.open(new_incident(f"alert-{n}"), {})
        ids.append(incident.id)
        ops.clock.advance(1)
    ops.incidents.record(ids[0], EventKind.NOTIFIED, {"notifier": "slack", "attempts": 2})
    ops.incidents.resolve(ids[1], "me")
    with pytest.raises(NotFound):
        ops.incidents.record(999, EventKind.NOTE, {})
    page = ops.incidents.list(limit=2)
    assert [i.id for i in page.items] == ids[::-1][:2]
    assert page.next_cursor
    rest = ops.incidents.list(limit=10, cursor=page.next_cursor)
    assert [i.id for i in rest.items] == ids[::-1][2:]
    assert rest.next_cursor is None
    assert [i.id for i in ops.incidents.list(status="resolved").items] == [ids[1]]
    with pytest.raises(InputError):
        ops.incidents.list(status="bogus")
    timeline = ops.incidents.events(ids[0])
    assert [e.kind for e in timeline] == [EventKind.OPENED, EventKind.NOTIFIED]
    assert timeline[1].detail == {"notifier": "slack", "attempts": 2}


def test_bad_incidents_are_refused(ops: OpsStores) -> None:
    with pytest.raises(InputError):
        ops.incidents.open(new_incident(level=5), {})
    with pytest.raises(InputError):
        ops.incidents.open(new_incident(minutes=0), {})
    with pytest.raises(InputError):
        ops.incidents.open(new_incident(group=""), {})


def test_a_lease_has_one_holder_until_it_expires(ops: OpsStores) -> None:
    assert ops.leases.holder("watchdog") is None
    assert ops.leases.acquire("watchdog", "a", 30)
    assert not ops.leases.acquire("watchdog", "b", 30)
    ops.clock.advance(20)
    assert ops.leases.acquire("watchdog", "a", 30)  # renewal = heartbeat
    held = ops.leases.holder("watchdog")
    assert held is not None
    assert held.owner == "a"
    assert held.heartbeat_at == ops.clock()
    ops.clock.advance(29)
    assert not ops.leases.acquire("watchdog", "b", 30)
    ops.clock.advance(2)
    assert ops.leases.acquire("watchdog", "b", 30)  # a's lease expired
    ops.leases.release("watchdog", "a")  # not a's any more: no effect
    held = ops.leases.holder("watchdog")
    assert held is not None
    assert held.owner == "b"
    ops.leases.release("watchdog", "b")
    assert ops.leases.holder("watchdog") is None
    assert ops.leases.acquire("watchdog", "a", 30)


def test_concurrent_openers_of_one_group_make_one_incident(ops: OpsStores) -> None:
    """Two watchdogs (or an API process and a watchdog) opening the same alert's incident at once."""
    import threading

    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_it() -> None:
        try:
            start.wait()
            incident, created = ops.incidents.open(new_incident("raced-alert"), {})
            results.append((incident.id, created))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({incident_id for incident_id, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1
    assert len(ops.incidents.active("raced-alert")) == 1


def test_concurrent_takers_of_a_lease_leave_one_holder(ops: OpsStores) -> None:
    import threading

    won: list[str] = []
    start = threading.Barrier(4)

    def take(owner: str) -> None:
        start.wait()
        if ops.leases.acquire("watchdog", owner, 30):
            won.append(owner)

    threads = [threading.Thread(target=take, args=(f"owner-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    held = ops.leases.holder("watchdog")
    assert held is not None
    assert held.owner == won[0]
