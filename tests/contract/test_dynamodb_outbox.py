"""DynamoDB's notification outbox (ADR 0711) between containers on one table (moto): at most one sender holds an
entry; an incident's entries are claimed in the order they were committed, even when two containers change the
incident at once; the container that wrote an entry sees it before the eventually consistent index does; an incident
written before the outbox existed gets its entries too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.contract.conftest import ManualClock, fresh_table
from tests.contract.test_incidents_contract import new_incident
from tfreview.ops.incidents import IncidentStatus
from tfreview.ops.notify.message import NotifyEvent
from tfreview.store.aws.incidents import INCIDENT_SK, DynamoIncidents, incident_pk
from tfreview.store.aws.notify_outbox import DynamoOutbox, entry_id
from tfreview.store.aws.table import Table


@dataclass
class Container:
    incidents: DynamoIncidents
    outbox: DynamoOutbox


@pytest.fixture
def table(request: pytest.FixtureRequest) -> Table:
    return fresh_table(request)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def container(table: Table, clock: ManualClock) -> Container:
    outbox = DynamoOutbox(table, clock=clock)
    return Container(DynamoIncidents(table, clock=clock, written=outbox.written), outbox)


def test_one_sender_at_a_time_holds_an_entry(table: Table, clock: ManualClock) -> None:
    one, two = container(table, clock), container(table, clock)
    incident, _ = one.incidents.open(new_incident(), {"value": 3})
    (entry,) = two.outbox.due()  # another container lists it
    assert entry.incident_id == incident.id
    assert entry.event is NotifyEvent.TRIGGER
    assert entry.details == {"value": "3"}
    assert one.outbox.claim(entry.id, "a:1", seconds=120)
    assert not two.outbox.claim(entry.id, "b:2", seconds=120)  # a live claim: refused
    assert two.outbox.due() == []
    assert two.outbox.claimed_by_others("b:2") == [(entry.id, "a:1")]
    clock.advance(121)  # the holder died mid-send: its claim expires
    assert two.outbox.claim(entry.id, "b:2", seconds=120)
    assert entries(table, incident.id) == [(1, "trigger", 2, False, 2)]  # the second claim of it
    two.outbox.done(entry.id)
    assert not one.outbox.claim(entry.id, "a:1")  # done: never sent again
    assert one.outbox.pending() == 0
    assert one.outbox.seconds_to_next() is None


def test_an_incident_s_entries_are_claimed_in_order(table: Table, clock: ManualClock) -> None:
    one, two = container(table, clock), container(table, clock)
    incident, _ = one.incidents.open(new_incident(), {})
    assert two.incidents.acknowledge(incident.id, "cli:alice") is not None
    trigger, acknowledge = entry_id(incident.id, 1), entry_id(incident.id, 2)
    assert [e.id for e in two.outbox.due()] == [trigger]  # the acknowledge waits behind its trigger
    assert not two.outbox.claim(acknowledge, "b:2")
    assert one.outbox.claim(trigger, "a:1")
    one.outbox.later(trigger, 60, "pagerduty failed (turn 1 of 8)")  # owed: due again in a minute
    assert two.outbox.due() == []
    assert not two.outbox.claim(acknowledge, "b:2")  # still behind the owed trigger
    assert two.outbox.seconds_to_next() == 60.0
    clock.advance(60)
    assert one.outbox.claim(trigger, "a:1")
    one.outbox.done(trigger)
    (next_entry,) = two.outbox.due()
    assert (next_entry.id, next_entry.event, next_entry.details) == (
        acknowledge,
        NotifyEvent.ACKNOWLEDGE,
        {"acknowledged_by": "cli:alice"},
    )
    assert two.outbox.claim(acknowledge, "b:2")


class Interleaved(Table):
    """A table on which another container's change commits between this one's read and its transaction."""

    def __init__(self, table: Table, meanwhile: Callable[[], Any]) -> None:
        super().__init__(table.clients)
        self.meanwhile: Callable[[], Any] | None = meanwhile

    def transact(self, actions: list[dict[str, Any]]) -> None:
        meanwhile, self.meanwhile = self.meanwhile, None
        if meanwhile is not None:
            meanwhile()
        super().transact(actions)


def test_two_containers_changing_an_incident_at_once_commit_its_entries_in_order(
    table: Table, clock: ManualClock
) -> None:
    """The acknowledge read the incident's outbox number, then an escalation committed: the acknowledge takes the next
    number after it (read again, decided again), so its entry is sent after the escalation's page, not before."""
    one = container(table, clock)
    incident, _ = one.incidents.open(new_incident(level=1), {})
    racing = DynamoIncidents(
        Interleaved(table, lambda: one.incidents.escalate(incident.id, 2, ("page",), None)), clock=clock
    )
    acknowledged = racing.acknowledge(incident.id, "cli:alice")
    assert acknowledged is not None
    assert (acknowledged.status, acknowledged.level) == (IncidentStatus.ACKNOWLEDGED, 2)
    assert entries(table, incident.id) == [
        (1, "trigger", 1, False, 0),
        (2, "trigger", 2, False, 0),  # the escalation's page
        (3, "acknowledge", 2, False, 0),
    ]


def entries(table: Table, incident_id: int) -> list[tuple[int, str, int, bool, int]]:
    """(number, event, level, done, claims) of the incident's outbox entries, by number (a consistent read)."""
    items = table.query(None, f"NOTIFY#{incident_pk(incident_id)[4:]}", newest_first=False, consistent=True)
    return [(int(i["id"]) % 2**16, str(i["event"]), int(i["level"]), "done_at" in i, int(i["attempts"])) for i in items]


class LaggingIndex(Table):
    """A table whose g2 index has not caught up yet (GSI reads are eventually consistent); counts partition reads."""

    partition_reads = 0

    def query(self, index: str | None, pk: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        if index == "g2":
            return iter(())
        self.partition_reads += 1
        return super().query(index, pk, **kwargs)


def test_the_container_that_wrote_an_entry_sees_it_before_the_index_does(table: Table, clock: ManualClock) -> None:
    lagging = LaggingIndex(table.clients)
    here = container(lagging, clock)
    elsewhere = DynamoOutbox(lagging, clock=clock)
    incident, _ = here.incidents.open(new_incident(), {})
    assert elsewhere.seconds_to_next() is None  # not listed yet: another container waits for the index
    (entry,) = here.outbox.due()  # the writer reads the incident's partition, consistently
    assert entry.id == entry_id(incident.id, 1)
    assert here.outbox.seconds_to_next() == 0.0
    assert here.outbox.claim(entry.id, "a:1")
    here.outbox.done(entry.id)
    assert here.outbox.seconds_to_next() is None  # all sent
    reads = lagging.partition_reads
    assert here.outbox.seconds_to_next() is None
    assert lagging.partition_reads == reads  # the incident's partition is no longer read


def test_an_incident_written_before_the_outbox_gets_its_entries(table: Table, clock: ManualClock) -> None:
    one = container(table, clock)
    incident, _ = one.incidents.open(new_incident(), {})
    table.update(incident_pk(incident.id), INCIDENT_SK, remove=["outbox_n"])  # as an older release wrote it
    table.delete(f"NOTIFY#{incident_pk(incident.id)[4:]}", f"OUT#{entry_id(incident.id, 1):020d}")
    assert one.incidents.resolve(incident.id, "cli:alice") is not None
    (entry,) = one.outbox.due()
    assert (entry.id, entry.event) == (entry_id(incident.id, 1), NotifyEvent.RESOLVE)


def test_entry_ids_name_their_incident_and_stay_exact_in_json() -> None:
    assert entry_id(1, 1) == 65_537
    assert entry_id(2**35 - 1, 2**16 - 1) < 2**51
    for incident, n in ((0, 1), (1, 0), (1, 2**16), (2**35, 1)):
        with pytest.raises(ValueError, match="no outbox entry number"):
            entry_id(incident, n)


class StaleIndex(Table):
    """A table whose g2 index still answers what it held before (`freeze`): an entry sent since is still listed."""

    frozen: list[dict[str, Any]] | None = None

    def freeze(self) -> None:
        self.frozen = list(super().query("g2", "NOTIFY#PENDING", newest_first=False))

    def query(self, index: str | None, pk: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        if index == "g2" and self.frozen is not None:
            return iter(list(self.frozen))
        return super().query(index, pk, **kwargs)


def test_the_writer_trusts_its_consistent_read_over_a_stale_index(table: Table, clock: ManualClock) -> None:
    stale = StaleIndex(table.clients)
    here = container(stale, clock)
    incident, _ = here.incidents.open(new_incident(), {})
    stale.freeze()
    (entry,) = here.outbox.due()
    assert here.outbox.claim(entry.id, "a:1")
    here.outbox.done(entry.id)
    assert here.outbox.seconds_to_next() is None  # the index still lists it; the incident's partition says sent
    assert here.outbox.due() == []
    elsewhere = DynamoOutbox(stale, clock=clock)
    assert [e.id for e in elsewhere.due()] == [entry.id]  # another container goes by the index until it catches up
    assert not elsewhere.claim(entry.id, "b:2")  # and its claim is refused: sent once
    assert incident.id == entry.incident_id
