"""The outbox's sender thread sleeps until there is work (ADR 0451): idle, each wake is one read of the outbox
(nothing is claimed, released or listed); `notify` wakes it at once; an entry due later (a retry) is sent when it
falls due without any notify; and the fallback wake is what finds an entry another process wrote. A real SQLite
store, a real Slack endpoint on loopback; the fallback poll is an hour where the test must not depend on it."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.contract.conftest import fresh_sqlite
from tests.fakes.notify import FakeSlack
from tests.integration.live import wait_for
from tfreview.ops.incidents import NewIncident
from tfreview.ops.notify.delivery import RetryPolicy
from tfreview.ops.notify.dispatcher import Dispatcher
from tfreview.ops.notify.message import NotifyEvent
from tfreview.ops.notify.slack import SlackNotifier
from tfreview.store.database import Database
from tfreview.store.incidents import SqlIncidents
from tfreview.store.notify_outbox import SqlOutbox

ALL = frozenset({1, 2, 3, 4})
HOUR = 3600.0
INCIDENT = NewIncident(
    "database-disruption", "intake-db-errors", "database-disruption", "critical", "Intake answers 503", 2, 10,
    ("chat",),
)  # fmt: skip


class CountingOutbox(SqlOutbox):
    """The SQL outbox, counting which of its methods the sender calls."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if name in {"due", "claim", "claimed_by_others", "release", "seconds_to_next", "pending", "done", "later"}:
            with super().__getattribute__("lock"):
                super().__getattribute__("calls")[name] += 1
        return value

    def count(self, name: str) -> int:
        with self.lock:
            return self.calls[name]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = fresh_sqlite(tmp_path)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def slack() -> Iterator[tuple[FakeSlack, SlackNotifier]]:
    with FakeSlack() as fake, httpx.Client(timeout=5.0, transport=httpx.HTTPTransport(retries=0)) as http:
        yield fake, SlackNotifier(http, fake.webhook_url, channels=frozenset({"chat"}), levels=ALL)


def _dispatcher(database: Database, notifier: SlackNotifier, outbox: SqlOutbox, poll: float) -> Dispatcher:
    incidents = SqlIncidents(database)
    return Dispatcher(
        [notifier], incidents, public_url="http://x", policy=RetryPolicy(attempts=1), outbox=outbox, poll_seconds=poll
    )


def test_an_idle_sender_reads_once_per_wake_and_a_notify_wakes_it_at_once(
    database: Database, slack: tuple[FakeSlack, SlackNotifier]
) -> None:
    fake, notifier = slack
    outbox = CountingOutbox(database)
    dispatcher = _dispatcher(database, notifier, outbox, HOUR)
    try:
        dispatcher.start()
        wait_for(lambda: outbox.count("seconds_to_next") >= 1, "the sender's first turn")
        assert outbox.count("due") == 0  # idle: no listing, no claim look-up
        assert outbox.count("claimed_by_others") == 0

        incidents = SqlIncidents(database)
        incident, _ = incidents.open(INCIDENT, {"value": 0.4})  # the store writes the entry with the incident
        assert dispatcher.notify(incident, NotifyEvent.TRIGGER) == 1
        # the fallback wake is an hour away: only notify's wake can have sent it
        wait_for(fake.messages, "the trigger to reach Slack")
        wait_for(lambda: outbox.pending() == 0, "the entry to be done")
        assert len(fake.messages()) == 1
    finally:
        dispatcher.close(5.0)


def test_an_entry_due_later_is_sent_when_due_without_a_notify(
    database: Database, slack: tuple[FakeSlack, SlackNotifier]
) -> None:
    fake, notifier = slack
    incidents = SqlIncidents(database)
    outbox = CountingOutbox(database)
    incidents.open(INCIDENT, {"value": 0.4})
    (entry,) = outbox.due()
    outbox.later(entry.id, 1.0, "ConnectionError")  # a sender's earlier turn failed: due again in a second
    ahead = outbox.seconds_to_next()
    assert ahead is not None
    assert 0.0 < ahead <= 1.0
    dispatcher = _dispatcher(database, notifier, outbox, HOUR)
    try:
        dispatcher.start()
        wait_for(fake.messages, "the retried trigger to reach Slack")
        wait_for(lambda: outbox.pending() == 0, "the entry to be done")
        assert outbox.seconds_to_next() is None
    finally:
        dispatcher.close(5.0)


def test_the_fallback_wake_finds_an_entry_another_process_wrote(
    database: Database, slack: tuple[FakeSlack, SlackNotifier]
) -> None:
    fake, notifier = slack
    outbox = CountingOutbox(database)
    dispatcher = _dispatcher(database, notifier, outbox, 0.2)
    try:
        dispatcher.start()
        wait_for(lambda: outbox.count("seconds_to_next") >= 1, "the sender's first turn")
        # written as another process's incident change would be: nothing in this process calls notify
        SqlIncidents(database).open(INCIDENT, {"value": 0.4})
        wait_for(fake.messages, "the other process's trigger to reach Slack")
        wait_for(lambda: outbox.pending() == 0, "the entry to be done")
    finally:
        dispatcher.close(5.0)
