"""Slack incoming webhook: one message per event (the webhook URL is the secret)."""

from __future__ import annotations

import json

import httpx

from tfreview.ops.incidents import LEVEL_NAMES
from tfreview.ops.notify.http_post import post
from tfreview.ops.notify.log_redaction import redact_in_http_logs
from tfreview.ops.notify.message import REPEAT_NOTE, Notification

_EMOJI = {"trigger": ":rotating_light:", "acknowledge": ":eyes:", "resolve": ":white_check_mark:"}


def slack_text(text: str) -> str:
    """Text as Slack's mrkdwn shows it and acts on nothing: `<!channel>`, `<!here>`, `<@U123>` and `<url|label>`
    are its only live syntax, and `&`, `<`, `>` escaped (Slack's own rule) leave none of them."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(notification: Notification) -> dict[str, object]:
    """Slack's message payload: `text` (the notification fallback) and a section block with the facts."""
    n = notification
    title = slack_text(n.title)  # the alert table's summary: the operator's words, never a ping or a link
    facts = (
        f"*alert* `{slack_text(n.alert_id)}` ({slack_text(n.scenario)}) · "
        f"*level* {n.level} ({LEVEL_NAMES.get(n.level, '?')})\n"
        f"<{n.incident_url}|incident #{n.incident_id}> · runbook `{n.runbook_url}` · "
        f"ack: `tfreview incidents ack {n.incident_id}`"
    )
    # Slack's incoming webhooks cannot deduplicate: a resend is shown as one, with the notification's key
    # (ADR 0260), so a reader sees it is the message above again and not a new event
    footer = f"notification `{n.key}`" + (f" · :repeat: {REPEAT_NOTE}" if n.repeat else "")
    repeat = " :repeat:" if n.repeat else ""
    return {
        "text": f"{_EMOJI[n.event.value]}{repeat} {title}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{_EMOJI[n.event.value]} *{title}*"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": facts}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]},
        ],
    }


class SlackNotifier:
    name = "slack"

    def __init__(
        self, client: httpx.Client, webhook_url: str, *, channels: frozenset[str], levels: frozenset[int]
    ) -> None:
        self._client = client
        self._url = webhook_url
        redact_in_http_logs(webhook_url.rsplit("/", 1)[-1])  # the last path part is the webhook's secret
        redact_in_http_logs(webhook_url)
        self.channels = channels
        self.levels = levels

    def send(self, notification: Notification) -> None:
        body = json.dumps(slack_message(notification)).encode()
        post(self._client, self.name, self._url, body, {}, secrets=(self._url, self._url.rsplit("/", 1)[-1]))
