"""A notification sent again is recognisably the same one (ADR 0260): e-mail keeps its Message-ID (mail clients
drop the duplicate) and every follow-up of an incident replies to its opening message; Slack, which cannot
deduplicate, shows the resend as a repeat with the notification's key. Real SMTP and HTTP servers on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tests.contract.conftest import ManualClock, fresh_sqlite
from tests.fakes.notify import FakeSlack, FakeSmtp
from tfreview.ops.incidents import EventKind, NewIncident
from tfreview.ops.notify.delivery import RetryPolicy
from tfreview.ops.notify.dispatcher import Dispatcher
from tfreview.ops.notify.message import REPEAT_NOTE, Notifier, NotifyEvent, notification_for
from tfreview.ops.notify.outbox import CLAIM_SECONDS
from tfreview.ops.notify.slack import SlackNotifier
from tfreview.ops.notify.smtp import SmtpNotifier
from tfreview.store.incidents import SqlIncidents
from tfreview.store.memory_incidents import MemoryIncidents
from tfreview.store.notify_outbox import SqlOutbox

ALL = frozenset({1, 2, 3, 4})
INCIDENT = NewIncident(
    "database-disruption", "intake-db-errors", "database-disruption", "critical", "Intake answers 503", 2, 10,
    ("chat", "email"),
)  # fmt: skip


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=2.0, transport=httpx.HTTPTransport(retries=0)) as client:
        yield client


def mailer(smtp: FakeSmtp) -> SmtpNotifier:
    return SmtpNotifier(
        "127.0.0.1",
        smtp.port,
        sender="tfreview@example.com",
        recipients=("oncall@example.com",),
        channels=frozenset({"email"}),
        levels=ALL,
        security="none",
    )


def test_an_email_resend_is_the_same_message_and_follow_ups_reply_to_the_opening() -> None:
    incidents = MemoryIncidents()
    incident, _ = incidents.open(INCIDENT, {})
    url = "https://tfreview.example.com"
    opening = notification_for(incident, NotifyEvent.TRIGGER, public_url=url, details={"value": "0.4"})
    escalated = notification_for(replace(incident, level=3), NotifyEvent.TRIGGER, public_url=url)
    escalated = replace(escalated, details={"escalated_from": 2})
    ack = notification_for(replace(incident, level=3), NotifyEvent.ACKNOWLEDGE, public_url=url)
    resolve = notification_for(replace(incident, level=3), NotifyEvent.RESOLVE, public_url=url)
    with FakeSmtp() as smtp:
        notifier = mailer(smtp)
        for sent in (opening, replace(opening, repeat=True), escalated, ack, resolve, replace(resolve, repeat=True)):
            notifier.send(sent)
        first, again, escalation, acknowledged, resolved, resolved_again = smtp.messages
    thread = f"<tfreview-database-disruption-{incident.id}@tfreview.invalid>"
    assert first["Message-ID"] == again["Message-ID"] == thread  # one message to the mail client
    assert first["In-Reply-To"] is None
    assert "interrupted" in again.get_content()
    assert "interrupted" not in first.get_content()
    assert resolved["Message-ID"] == resolved_again["Message-ID"]
    follow_ups = (escalation, acknowledged, resolved)
    assert len({m["Message-ID"] for m in follow_ups} | {thread}) == 4  # each its own message ...
    assert all(m["In-Reply-To"] == m["References"] == thread for m in follow_ups)  # ... in the incident's thread
    assert escalation["Message-ID"] == f"<tfreview-database-disruption-{incident.id}.trigger.l3@tfreview.invalid>"


def test_an_interrupted_outbox_entry_is_sent_again_as_the_same_notification(http: httpx.Client, tmp_path: Path) -> None:
    clock = ManualClock()
    database = fresh_sqlite(tmp_path)
    try:
        incidents = SqlIncidents(database, clock=clock)
        outbox = SqlOutbox(database, clock=clock)
        with FakeSlack() as slack, FakeSmtp() as smtp:
            slack_notifier = SlackNotifier(http, slack.webhook_url, channels=frozenset({"chat"}), levels=ALL)
            notifiers: list[Notifier] = [slack_notifier, mailer(smtp)]
            incident, _ = incidents.open(INCIDENT, {"value": 0.4})
            (entry,) = outbox.due()
            # a sender on another host claimed the entry, posted to Slack and mailed, then died before it
            # recorded either outcome
            assert outbox.claim(entry.id, "elsewhere:4242")
            before = notification_for(incident, NotifyEvent.TRIGGER, public_url="http://x", details=entry.details)
            for notifier in notifiers:
                notifier.send(before)
            clock.advance(CLAIM_SECONDS + 1)  # its claim expires

            dispatcher = Dispatcher(
                notifiers, incidents, public_url="http://x", policy=RetryPolicy(attempts=1), outbox=outbox
            )
            assert dispatcher.pump() == 1
            assert outbox.pending() == 0
            assert dispatcher.pump() == 0  # done: never a third time

            first, again = slack.messages()
            assert ":repeat:" in again["text"]
            assert ":repeat:" not in first["text"]
            assert REPEAT_NOTE in again["blocks"][-1]["elements"][0]["text"]
            key = f"tfreview-database-disruption-{incident.id}.trigger.l2"
            assert f"notification `{key}`" in first["blocks"][-1]["elements"][0]["text"]
            assert f"notification `{key}`" in again["blocks"][-1]["elements"][0]["text"]
            mailed, mailed_again = smtp.messages
            assert mailed["Message-ID"] == mailed_again["Message-ID"]
        notified = [e.detail for e in incidents.events(incident.id) if e.kind is EventKind.NOTIFIED]
        assert sorted((d["notifier"], d["outbox"]) for d in notified) == [("email", entry.id), ("slack", entry.id)]
    finally:
        database.close()
