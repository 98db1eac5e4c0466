"""PagerDuty Events API v2: trigger, acknowledge and resolve one alert by its dedup key."""

from __future__ import annotations

import json

import httpx

from tfreview.ops.notify.http_post import post
from tfreview.ops.notify.message import Notification, NotifyEvent

EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
SEVERITY = {"critical": "critical", "high": "error", "medium": "warning", "low": "info"}


def pagerduty_event(notification: Notification, routing_key: str, source: str) -> dict[str, object]:
    """The Events v2 body. Acknowledge and resolve carry only the routing key, action and dedup key."""
    n = notification
    event: dict[str, object] = {"routing_key": routing_key, "event_action": n.event.value, "dedup_key": n.dedup_key}
    if n.event is NotifyEvent.TRIGGER:
        event["payload"] = {
            "summary": n.title[:1024],
            "source": source,
            "severity": SEVERITY.get(n.severity, "error"),
            "component": "tfreview",
            "group": n.scenario,
            "class": n.alert_id,
            "custom_details": {"level": n.level, "channels": list(n.channels), **n.details},
        }
        event["links"] = [{"href": n.incident_url, "text": f"incident #{n.incident_id}"}]
    return event


class PagerDutyNotifier:
    name = "pagerduty"

    def __init__(
        self,
        client: httpx.Client,
        routing_key: str,
        *,
        source: str,
        channels: frozenset[str],
        levels: frozenset[int],
        events_url: str = EVENTS_URL,
    ) -> None:
        self._client = client
        self._key = routing_key
        self._source = source
        self._url = events_url
        self.channels = channels
        self.levels = levels

    def send(self, notification: Notification) -> None:
        body = json.dumps(pagerduty_event(notification, self._key, self._source)).encode()
        post(self._client, self.name, self._url, body, {}, secrets=(self._key,))  # an answer may echo the key
