"""What reaches Slack and PagerDuty is the alert table's words and our numbers: no text of a plan or a pull
request. Still, a summary holding Slack's live syntax (`<!channel>`, `<!here>`, `<https://evil|click>`)
reaches a real Slack webhook (a fake on loopback) as text: nobody is pinged, nothing is linked."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.notify import FakePagerDuty, FakeSlack
from tfreview.ops.incidents import NewIncident
from tfreview.ops.notify.message import Notification, NotifyEvent, notification_for
from tfreview.ops.notify.pagerduty import PagerDutyNotifier
from tfreview.ops.notify.slack import SlackNotifier
from tfreview.store.memory_incidents import MemoryIncidents

ALL = frozenset({1, 2, 3, 4})
SLACK_LIVE = "<!channel> <!here> <@U024BE7LH> <https://evil.example/?leak|click here> & <#C123>"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=2.0, transport=httpx.HTTPTransport(retries=0)) as client:
        yield client


def notification(summary: str) -> Notification:
    incident, _ = MemoryIncidents().open(
        NewIncident("s", "intake-db-errors", "database-disruption", "critical", summary, 1, 10, ("page",), "x"), {}
    )
    return notification_for(incident, NotifyEvent.TRIGGER, public_url="https://tfreview.example.com")


def test_slack_live_syntax_in_a_summary_reaches_slack_as_text(http: httpx.Client) -> None:
    with FakeSlack() as slack:
        SlackNotifier(http, slack.webhook_url, channels=frozenset({"page"}), levels=ALL).send(notification(SLACK_LIVE))
        (message,) = slack.messages()
    texts = [message["text"], message["blocks"][0]["text"]["text"]]
    for text in texts:
        for live in ("<!", "<@", "<http", "<#"):
            assert live not in text
        assert "&lt;!channel&gt; &lt;!here&gt;" in text  # shown, as written
        assert "&amp;" in text
    # our own link to the incident stays a link
    assert "<https://tfreview.example.com/api/v1/incidents/" in message["blocks"][1]["text"]["text"]


def test_pagerduty_gets_the_summary_as_plain_json_text(http: httpx.Client) -> None:
    with FakePagerDuty() as pagerduty:
        PagerDutyNotifier(
            http,
            pagerduty.routing_key,
            source="tfreview",
            channels=frozenset({"page"}),
            levels=ALL,
            events_url=pagerduty.events_url,
        ).send(notification(SLACK_LIVE))
        (event,) = pagerduty.events()
    assert SLACK_LIVE in event["payload"]["summary"]  # PagerDuty shows it as text: kept as written
