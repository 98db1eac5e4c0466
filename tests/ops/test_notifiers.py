"""Each notifier against a real server on loopback: the protocol, the retries, the failure classes, and
no secret in any reason, log line or incident timeline (canaries)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.contract.conftest import ManualClock
from tests.fakes.endless import EndlessServer
from tests.fakes.llm_common import Hang, Reply
from tests.fakes.notify import (
    FakePagerDuty,
    FakeSlack,
    FakeSmtp,
    FakeWebhook,
    MotoAws,
    TricklingSmtp,
    TricklingTlsSmtp,
)
from tests.fakes.proxy import tls_authority
from tfreview.ops.incidents import EventKind, NewIncident
from tfreview.ops.notify.delivery import RetryPolicy, deliver
from tfreview.ops.notify.dispatcher import Dispatcher, owed_wait
from tfreview.ops.notify.http_post import ANSWER_MAX_BYTES
from tfreview.ops.notify.message import Notification, NotifyEvent, NotifyFailure, notification_for
from tfreview.ops.notify.pagerduty import PagerDutyNotifier
from tfreview.ops.notify.slack import SlackNotifier
from tfreview.ops.notify.smtp import SmtpNotifier
from tfreview.ops.notify.sns import SnsNotifier
from tfreview.ops.notify.webhook import WebhookNotifier
from tfreview.store.memory_incidents import MemoryIncidents

ALL = frozenset({1, 2, 3, 4})
PAGE = frozenset({"page"})


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=2.0, transport=httpx.HTTPTransport(retries=0)) as client:
        yield client


def notification(event: NotifyEvent = NotifyEvent.TRIGGER) -> Notification:
    incidents = MemoryIncidents()
    incident, _ = incidents.open(
        NewIncident(
            "database-disruption",
            "intake-db-errors",
            "database-disruption",
            "critical",
            "Webhook intake answers 503",
            2,
            10,
            ("page",),
            "shed-load",
        ),
        {},
    )
    return notification_for(incident, event, public_url="https://tfreview.example.com", details={"value": "0.4"})


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_slack_posts_a_message_and_retries_429_after_its_retry_after(http: httpx.Client) -> None:
    with FakeSlack() as slack:
        slack.script(Reply(429, b"rate_limited", (("Retry-After", "7"),)), Reply(500, b"oops"))
        notifier = SlackNotifier(http, slack.webhook_url, channels=frozenset({"chat"}), levels=ALL)
        sleeps = Sleeps()
        outcome = deliver(lambda: notifier.send(notification()), RetryPolicy(attempts=4), sleep=sleeps)
        assert outcome.ok
        assert outcome.attempts == 3
        assert sleeps[0] == 7  # the server's Retry-After, not our backoff
        (message,) = slack.messages()[-1:]
        assert "FIRING" in message["text"]
        assert "intake-db-errors" in message["blocks"][1]["text"]["text"]


def test_slack_wrong_url_is_permanent_and_the_url_stays_secret(http: httpx.Client) -> None:
    with FakeSlack() as slack:
        wrong = slack.webhook_url.replace(slack.secret, "canary-slack-path-5f1d2e")
        notifier = SlackNotifier(http, wrong, channels=frozenset({"chat"}), levels=ALL)
        outcome = deliver(lambda: notifier.send(notification()), RetryPolicy(attempts=4), sleep=Sleeps())
        assert not outcome.ok
        assert outcome.attempts == 1  # 404 no_service: retrying cannot help
        assert outcome.error is not None
        assert "404" in outcome.error
        assert "canary-slack-path" not in outcome.error
        assert "127.0.0.1" not in outcome.error


def test_pagerduty_trigger_acknowledge_resolve_by_dedup_key(http: httpx.Client) -> None:
    with FakePagerDuty() as pagerduty:
        notifier = PagerDutyNotifier(
            http,
            pagerduty.routing_key,
            source="tfreview.example.com",
            channels=PAGE,
            levels=ALL,
            events_url=pagerduty.events_url,
        )
        for event in (NotifyEvent.TRIGGER, NotifyEvent.ACKNOWLEDGE):
            notifier.send(notification(event))
        key = notification().dedup_key
        assert pagerduty.alerts[key] == "acknowledged"
        notifier.send(notification(NotifyEvent.RESOLVE))
        assert pagerduty.alerts[key] == "resolved"
        trigger = pagerduty.events()[0]
        assert trigger["payload"]["severity"] == "critical"
        assert trigger["payload"]["class"] == "intake-db-errors"
        assert trigger["links"][0]["href"].endswith("/api/v1/incidents/1")


def test_pagerduty_bad_key_is_permanent_and_never_shown(http: httpx.Client) -> None:
    canary = "CANARYROUTINGKEY00000000000000ZZ"
    with FakePagerDuty() as pagerduty:
        notifier = PagerDutyNotifier(
            http, canary, source="s", channels=PAGE, levels=ALL, events_url=pagerduty.events_url
        )
        with pytest.raises(NotifyFailure) as failure:
            notifier.send(notification())
        assert not failure.value.retriable
        assert canary not in failure.value.reason


def test_webhook_is_signed_over_timestamp_and_body(http: httpx.Client) -> None:
    with FakeWebhook() as receiver:
        good = WebhookNotifier(http, receiver.hook_url, receiver.secret, channels=frozenset({"ticket"}), levels=ALL)
        good.send(notification())
        assert receiver.documents()[0]["alert_id"] == "intake-db-errors"
        forged = WebhookNotifier(http, receiver.hook_url, "not-the-secret", channels=frozenset({"ticket"}), levels=ALL)
        with pytest.raises(NotifyFailure, match="401"):
            forged.send(notification())


def test_a_hanging_endpoint_times_out_and_is_retried(http: httpx.Client) -> None:
    with FakeWebhook() as receiver:
        receiver.script(Hang())
        notifier = WebhookNotifier(http, receiver.hook_url, receiver.secret, channels=PAGE, levels=ALL)
        outcome = deliver(lambda: notifier.send(notification()), RetryPolicy(attempts=2), sleep=Sleeps())
        assert outcome.ok
        assert outcome.attempts == 2


def test_a_retry_after_too_long_fails_at_once() -> None:
    def send() -> None:
        raise NotifyFailure("slack: HTTP 429", retriable=True, retry_after=3600)

    outcome = deliver(send, RetryPolicy(attempts=5, max_retry_after_seconds=60), sleep=Sleeps())
    assert not outcome.ok
    assert outcome.attempts == 1


def test_email_through_smtp_with_login() -> None:
    with FakeSmtp() as smtp:
        notifier = SmtpNotifier(
            "127.0.0.1",
            smtp.port,
            sender="tfreview@example.com",
            recipients=("oncall@example.com",),
            channels=frozenset({"email"}),
            levels=ALL,
            security="none",
            username=smtp.username,
            password=smtp.password,
        )
        notifier.send(notification())
        (message,) = smtp.messages
        assert message["Subject"].startswith("[FIRING] [critical] tfreview incident #1")
        assert "tfreview incidents ack 1" in message.get_content()
        assert smtp.envelopes == [("tfreview@example.com", ["oncall@example.com"])]
        smtp.refuse_with = "451 4.3.0 try again later"
        with pytest.raises(NotifyFailure) as failure:
            notifier.send(notification())
        assert failure.value.retriable


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_email_through_smtp_over_tls(security: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """STARTTLS and implicit TLS: the connection the deadline watches is the one the message goes through."""
    cert_file, key_file = tls_authority(str(tmp_path))
    monkeypatch.setenv("SSL_CERT_FILE", cert_file)  # the client trusts the loopback certificate
    with FakeSmtp(certificate=(cert_file, key_file), implicit=security == "tls") as smtp:
        notifier = SmtpNotifier(
            "127.0.0.1",
            smtp.port,
            sender="tfreview@example.com",
            recipients=("oncall@example.com",),
            channels=frozenset({"email"}),
            levels=ALL,
            security=security,
            username=smtp.username,
            password=smtp.password,
        )
        notifier.send(notification())
        (message,) = smtp.messages
    assert message["Subject"].startswith("[FIRING] [critical] tfreview incident #1")
    assert smtp.envelopes == [("tfreview@example.com", ["oncall@example.com"])]


def test_email_wrong_password_is_permanent_and_secret() -> None:
    with FakeSmtp() as smtp:
        canary = "canary-smtp-password-77aa"
        notifier = SmtpNotifier(
            "127.0.0.1",
            smtp.port,
            sender="a@example.com",
            recipients=("b@example.com",),
            channels=frozenset({"email"}),
            levels=ALL,
            security="none",
            username=smtp.username,
            password=canary,
        )
        with pytest.raises(NotifyFailure) as failure:
            notifier.send(notification())
        assert not failure.value.retriable
        assert canary not in failure.value.reason


@pytest.mark.parametrize("security", ["none", "starttls"])
def test_an_smtp_server_that_trickles_its_greeting_is_given_up_on_at_the_attempts_deadline(security: str) -> None:
    """smtplib's timeout is per socket read: a server sending a byte every 50 ms never tripped the 1 s timeout and
    held the sender (and the notify turn's claim) for as long as it trickled (ADR 0682)."""
    with TricklingSmtp() as slow:
        notifier = SmtpNotifier(
            "127.0.0.1",
            slow.port,
            sender="a@example.com",
            recipients=("b@example.com",),
            channels=frozenset({"email"}),
            levels=ALL,
            security=security,
            timeout_seconds=1.0,
        )
        with pytest.raises(NotifyFailure) as failure:
            notifier.send(notification())
        written = slow.dribbled
    assert failure.value.reason == "smtp: no complete exchange within 1 s"
    assert failure.value.retriable
    assert written < slow.ceiling  # given up on before the greeting ended by itself


def test_an_smtp_attempt_whose_deadline_passes_in_the_tls_handshake_is_given_up_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STARTTLS is part of the attempt (ADR 0695). While ssl wrapped the connection, the deadline found the socket
    smtplib held detached: its shutdown did nothing, and it cut nothing again — the handshake went on to its own
    end, and a server trickling its replies after it held the sender for as long as it trickled."""
    cert_file, key_file = tls_authority(str(tmp_path))
    monkeypatch.setenv("SSL_CERT_FILE", cert_file)  # the loopback certificate verifies: the handshake can complete
    with TricklingTlsSmtp(cert_file, key_file, seconds=1.2) as slow:
        notifier = SmtpNotifier(
            "127.0.0.1",
            slow.port,
            sender="a@example.com",
            recipients=("b@example.com",),
            channels=frozenset({"email"}),
            levels=ALL,
            security="starttls",
            timeout_seconds=2.0,  # passes while the handshake trickles (from 1.2 s to 2.4 s)
        )
        with pytest.raises(NotifyFailure) as failure:
            notifier.send(notification())
        handshakes, written = slow.handshakes, slow.dribbled
    assert slow.flight > 0  # the client's hello came, a real flight was trickled
    assert failure.value.reason == "smtp: no complete exchange within 2 s"
    assert failure.value.retriable
    assert handshakes == 0  # cut in the handshake, at the deadline
    assert written < slow.ceiling


def test_sns_publishes_to_the_topic_through_a_local_aws_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with MotoAws() as aws:
        topic, queue = aws.topic_with_queue("tfreview-alerts")
        notifier = SnsNotifier(topic, channels=PAGE, levels=ALL, region=aws.REGION, endpoint_url=aws.endpoint_url)
        notifier.send(notification())
        (envelope,) = aws.received(queue)
        assert envelope["Subject"].startswith("[FIRING] [critical] tfreview incident #1")
        assert "intake-db-errors" in envelope["Message"]
        assert envelope["MessageAttributes"]["severity"]["Value"] == "critical"
        missing = SnsNotifier(
            topic + "-gone", channels=PAGE, levels=ALL, region=aws.REGION, endpoint_url=aws.endpoint_url
        )
        with pytest.raises(NotifyFailure) as failure:
            missing.send(notification())
        assert not failure.value.retriable


def test_sns_unreachable_is_retriable() -> None:
    notifier = SnsNotifier(
        "arn:aws:sns:eu-west-1:123456789012:t",
        channels=PAGE,
        levels=ALL,
        region="eu-west-1",
        endpoint_url="http://127.0.0.1:9",
        timeout_seconds=1,
    )
    with pytest.raises(NotifyFailure) as failure:
        notifier.send(notification())
    assert failure.value.retriable


def test_the_dispatcher_records_every_outcome_and_never_blocks(
    http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    canary = "canary-slack-secret-9c1e"
    with FakeSlack(secret=canary) as slack, FakePagerDuty() as pagerduty:
        pagerduty.script(*[Reply(503, b"down")] * 10)
        clock = ManualClock()
        incidents = MemoryIncidents(clock=clock)
        incident, _ = incidents.open(
            NewIncident("flood", "request-flood", "flood", "high", "Too many requests", 2, 10, ("page", "chat")), {}
        )
        outcomes: list[tuple[str, str, bool]] = []
        dispatcher = Dispatcher(
            [
                SlackNotifier(http, slack.webhook_url, channels=frozenset({"chat"}), levels=ALL),
                PagerDutyNotifier(
                    http, pagerduty.routing_key, source="s", channels=PAGE, levels=ALL, events_url=pagerduty.events_url
                ),
            ],
            incidents,
            public_url="http://127.0.0.1",
            policy=RetryPolicy(attempts=3),
            sleep=Sleeps(),
            on_outcome=lambda *o: outcomes.append(o),
            clock=clock,
        )
        with caplog.at_level(logging.DEBUG):
            assert dispatcher.notify(incident, NotifyEvent.TRIGGER) == 2
            assert not dispatcher.drain(10)  # PagerDuty's page is owed to a later turn (ADR 0639, 0657)
            resolved = incidents.resolve(incident.id, "watchdog")
            assert resolved is not None
            assert dispatcher.notify(resolved, NotifyEvent.RESOLVE) == 1  # only Slack got the trigger
            clock.advance(owed_wait(1))
            assert dispatcher.drain(10)  # the owed page is moot (resolved); the resolve goes to Slack
        dispatcher.close()
        kinds = [(e.kind, e.detail.get("notifier"), e.detail.get("event")) for e in incidents.events(incident.id)]
        assert (EventKind.NOTIFIED, "slack", "trigger") in kinds
        assert (EventKind.NOTIFY_FAILED, "pagerduty", "trigger") in kinds
        assert (EventKind.NOTIFIED, "slack", "resolve") in kinds
        assert sorted(outcomes) == [
            ("pagerduty", "trigger", False),
            ("slack", "resolve", True),
            ("slack", "trigger", True),
        ]
        failed = next(e for e in incidents.events(incident.id) if e.kind is EventKind.NOTIFY_FAILED)
        assert failed.detail["attempts"] == 3
        assert canary not in caplog.text
        assert canary not in str([e.detail for e in incidents.events(incident.id)])


def test_no_notifier_for_a_channel_is_recorded() -> None:
    incidents = MemoryIncidents()
    incident, _ = incidents.open(NewIncident("flood", "request-flood", "flood", "high", "s", 2, 10, ("page",)), {})
    dispatcher = Dispatcher([], incidents, public_url="http://x")
    assert dispatcher.notify(incident, NotifyEvent.TRIGGER) == 0
    assert dispatcher.drain(5)
    failed = incidents.events(incident.id)[-1]
    assert failed.kind is EventKind.NOTIFY_FAILED
    assert failed.detail["notifier"] == "none"


@pytest.mark.parametrize("kind", ["slack", "pagerduty", "webhook"])
def test_an_endless_answer_fails_the_send_near_the_limit_without_a_resend(http: httpx.Client, kind: str) -> None:
    with EndlessServer() as endless:
        notifier: SlackNotifier | PagerDutyNotifier | WebhookNotifier
        if kind == "slack":
            notifier = SlackNotifier(http, f"{endless.url}/services/T/B/canary", channels=PAGE, levels=ALL)
        elif kind == "pagerduty":
            url = f"{endless.url}/v2/enqueue"
            notifier = PagerDutyNotifier(
                http, "routing-key-canary", source="tfreview", channels=PAGE, levels=ALL, events_url=url
            )
        else:
            notifier = WebhookNotifier(http, f"{endless.url}/hook", "webhook-secret-canary", channels=PAGE, levels=ALL)
        with pytest.raises(NotifyFailure, match=f"answer larger than {ANSWER_MAX_BYTES} bytes") as raised:
            notifier.send(notification())
        assert not raised.value.retriable  # the POST arrived: a resend would notify twice
        assert "canary" not in str(raised.value)
        assert endless.sent < endless.ceiling // 10  # stopped early (socket buffers aside): not the 200 MB


@pytest.mark.parametrize("status", [400, 429, 503])
def test_a_pagerduty_answer_echoing_the_routing_key_never_shows_it(http: httpx.Client, status: int) -> None:
    """An answer's excerpt is in the failure (logged, and the incident's timeline a reader sees): the routing key an
    answer echoes (an integration key is 32 hex digits, which the generic scrub leaves) is taken out (review19b)."""
    canary = "0c4f9e2ab3d84e61a7f05b9c2de8a3f1"
    with FakePagerDuty(routing_key=canary) as pagerduty:
        pagerduty.script(
            Reply.of_json(status, {"status": "invalid event", "errors": [f"Invalid routing key {canary}"]})
        )
        notifier = PagerDutyNotifier(
            http, canary, source="s", channels=PAGE, levels=ALL, events_url=pagerduty.events_url
        )
        with pytest.raises(NotifyFailure) as failure:
            notifier.send(notification())
    assert f"HTTP {status}" in failure.value.reason
    assert "Invalid routing key" in failure.value.reason  # the excerpt is still there, less the key
    assert canary not in failure.value.reason


def test_a_slack_answer_echoing_the_webhook_url_never_shows_it(http: httpx.Client) -> None:
    """A proxy's or a server's error page that names the URL it was asked for (the URL is the Slack secret)."""
    with FakeSlack(secret="T024BE7LD/B08D7G3KX/8fGxIkcOq2MvYp1nHeRtZwAb") as slack:  # a real URL's shape
        slack.script(Reply(404, f"no hook at {httpx.URL(slack.webhook_url).path}".encode()))
        notifier = SlackNotifier(http, slack.webhook_url, channels=frozenset({"chat"}), levels=ALL)
        with pytest.raises(NotifyFailure) as failure:
            notifier.send(notification())
    assert "HTTP 404 no hook at" in failure.value.reason
    assert "8fGxIkcOq2MvYp1nHeRtZwAb" not in failure.value.reason
