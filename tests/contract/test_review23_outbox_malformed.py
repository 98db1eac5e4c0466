"""An outbox entry this release cannot read (review23): an item edited by hand in the DynamoDB console, one a newer
release wrote with an event this one does not know (a rolling deploy), a `details` that is not JSON. Before, the
whole outbox was "unreadable" for every sender (`due()` raised on it), so no incident's page went out any more — a
poison pill. Now the entry is passed over (a warning names its id, never its content), its own incident's later
entries wait behind it (ADR 0637: in order), and every other incident's page goes out, to the fake PagerDuty over
real HTTP."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from tests.contract.conftest import ManualClock, fresh_table, sql_database_of
from tests.contract.test_incidents_contract import new_incident
from tests.fakes.notify import FakePagerDuty
from tfreview.ops.incidents import Incidents
from tfreview.ops.notify.dispatcher import Dispatcher
from tfreview.ops.notify.outbox import UNREADABLE_SECONDS, NotifyOutbox
from tfreview.ops.notify.pagerduty import PagerDutyNotifier
from tfreview.store.aws.incidents import DynamoIncidents
from tfreview.store.aws.notify_outbox import DynamoOutbox, entry_id
from tfreview.store.aws.table import Table
from tfreview.store.incidents import SqlIncidents
from tfreview.store.notify_outbox import SqlOutbox
from tfreview.store.tables import NotifyOutboxRow

CANARY = "CANARY-OUTBOX-4f1e"


class Backend:
    def __init__(
        self, clock: ManualClock, incidents: Incidents, outbox: NotifyOutbox, corrupt: dict[str, Callable[[int], None]]
    ) -> None:
        self.clock = clock
        self.incidents = incidents
        self.outbox = outbox
        self.corruptions = corrupt  # how: spoils the first entry of the incident it is given


def _dynamo(request: pytest.FixtureRequest, clock: ManualClock) -> Backend:
    table: Table = fresh_table(request)
    outbox = DynamoOutbox(table, clock=clock)

    def spoil(incident_id: int, *removed: str, **values: object) -> None:
        number = entry_id(incident_id, 1)
        table.update(f"NOTIFY#{number >> 16:020d}", f"OUT#{number:020d}", set_=dict(values), remove=removed)

    return Backend(
        clock,
        DynamoIncidents(table, clock=clock, written=outbox.written),
        outbox,
        {
            "unknown event": lambda i: spoil(i, event=f"page-v9 {CANARY}"),
            "details not JSON": lambda i: spoil(i, details=f"{{{CANARY}"),
            "channels not a list": lambda i: spoil(i, channels="7"),
            "created_at garbled": lambda i: spoil(i, created_at=CANARY, due_at=CANARY),
            "instants and event removed": lambda i: spoil(i, "created_at", "due_at", "event", "details"),
        },
    )


@pytest.fixture(params=["dynamodb", "sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[Backend]:
    clock = ManualClock()
    if request.param == "dynamodb":
        yield _dynamo(request, clock)
        return
    with sql_database_of(request, sqlite_dir) as database:

        def spoil(incident_id: int, **values: object) -> None:
            with database.transaction() as session:
                session.execute(
                    update(NotifyOutboxRow).where(NotifyOutboxRow.incident_id == incident_id).values(values)
                )

        yield Backend(
            clock,
            SqlIncidents(database, clock=clock),
            SqlOutbox(database, clock=clock),
            {
                "unknown event": lambda i: spoil(i, event="page-v9"),  # the column is short: no canary fits
                "details not JSON": lambda i: spoil(i, details=f"{{{CANARY}"),
            },
        )


def test_an_entry_this_release_cannot_read_stops_no_other_incident_s_page(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tfreview")
    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:
        notifier = PagerDutyNotifier(
            http, pagerduty.routing_key, source="tfreview", channels=frozenset({"page"}),
            levels=frozenset({1, 2, 3, 4}), events_url=pagerduty.events_url,
        )  # fmt: skip
        dispatcher = Dispatcher(
            [notifier], backend.incidents, public_url="http://tfreview.test", outbox=backend.outbox, owner="host:1"
        )
        for number, (name, corrupt) in enumerate(backend.corruptions.items()):
            spoilt, _ = backend.incidents.open(new_incident(f"spoilt-{number}"), {})
            corrupt(spoilt.id)
            backend.incidents.resolve(spoilt.id, "alice")  # its resolve waits behind the unreadable trigger
            healthy, _ = backend.incidents.open(new_incident(f"healthy-{number}"), {})

            assert [e.incident_id for e in backend.outbox.due()] == [healthy.id], name
            assert dispatcher.pump() == 1, name
            assert pagerduty.alerts[f"tfreview-{healthy.group_key}-{healthy.id}"] == "triggered", name
            assert f"tfreview-{spoilt.group_key}-{spoilt.id}" not in pagerduty.alerts, name
            assert backend.outbox.pending() == 2, name  # the spoilt incident's entries: kept, in order
            # looked at again later: the sender is not woken for it again and again
            assert backend.outbox.seconds_to_next() == UNREADABLE_SECONDS, name
            assert backend.outbox.due() == [], name
            later = backend.clock() + timedelta(days=365)
            backend.outbox.sweep(later, later)  # the next corruption starts from an empty outbox
            assert backend.outbox.pending() == 0, name
    assert "outbox unreadable" not in caplog.text
    assert CANARY not in caplog.text
