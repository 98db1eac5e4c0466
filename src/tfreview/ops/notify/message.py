"""What a notifier sends: one event of one incident, with everything a receiver needs to act on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from tfreview.ops.incidents import LEVEL_NAMES, Incident


class NotifyEvent(StrEnum):
    TRIGGER = "trigger"  # opened, or escalated (a new level is paged)
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


@dataclass(frozen=True, slots=True)
class Notification:
    event: NotifyEvent
    incident_id: int
    dedup_key: str  # stable for the incident's whole life: PagerDuty's dedup_key, the webhook's id
    alert_id: str
    scenario: str
    severity: str  # critical | high | medium | low
    summary: str
    level: int
    channels: tuple[str, ...]
    runbook_url: str
    incident_url: str
    details: dict[str, Any] = field(default_factory=dict)
    # the sender claimed this notification before and did not finish: it may have gone out (ADR 0260)
    repeat: bool = False

    @property
    def key(self) -> str:
        """This notification's own stable id: one incident sends one trigger per level (opened, then each
        escalation), one acknowledge, one resolve. A resend carries the same key (e-mail's Message-ID)."""
        return _ID_UNSAFE.sub("-", f"{self.dedup_key}.{self.event.value}.l{self.level}")

    @property
    def opening(self) -> bool:
        """The trigger that opened the incident (an escalation's trigger says where it escalated from)."""
        return self.event is NotifyEvent.TRIGGER and "escalated_from" not in self.details

    @property
    def title(self) -> str:
        state = {"trigger": "FIRING", "acknowledge": "ACKNOWLEDGED", "resolve": "RESOLVED"}[self.event.value]
        return f"[{state}] [{self.severity}] tfreview incident #{self.incident_id}: {self.summary}"

    def text(self) -> str:
        """A plain-text body (e-mail, SNS), one fact a line."""
        lines = [
            self.title,
            "",
            f"alert:     {self.alert_id} ({self.scenario})",
            f"level:     {self.level} ({LEVEL_NAMES.get(self.level, '?')})",
            f"incident:  {self.incident_url}",
            f"runbook:   {self.runbook_url}",
        ]
        lines += [f"{key}: {value}" for key, value in sorted(self.details.items())]
        lines += ["", f"acknowledge: tfreview incidents ack {self.incident_id}", f"notification: {self.key}"]
        if self.repeat:
            lines.append(REPEAT_NOTE)
        return "\n".join(lines) + "\n"

    def document(self) -> dict[str, Any]:
        """The JSON body of the generic webhook (and what the others are built from)."""
        return {
            "event": self.event.value,
            "incident_id": self.incident_id,
            "dedup_key": self.dedup_key,
            "alert_id": self.alert_id,
            "scenario": self.scenario,
            "severity": self.severity,
            "summary": self.summary,
            "level": self.level,
            "channels": list(self.channels),
            "runbook_url": self.runbook_url,
            "incident_url": self.incident_url,
            "details": self.details,
            "notification_id": self.key,
            "repeat": self.repeat,
        }


def notification_for(
    incident: Incident, event: NotifyEvent, *, public_url: str, details: dict[str, Any] | None = None
) -> Notification:
    base = public_url.rstrip("/")
    return Notification(
        event=event,
        incident_id=incident.id,
        dedup_key=f"tfreview-{incident.group_key}-{incident.id}",
        alert_id=incident.alert_id,
        scenario=incident.scenario,
        severity=incident.severity,
        summary=incident.summary,
        level=incident.level,
        channels=incident.channels,
        runbook_url=f"{RUNBOOK_BASE}/{incident.alert_id}.md",
        incident_url=f"{base}/api/v1/incidents/{incident.id}",
        details=dict(details or {}),
    )


RUNBOOK_BASE = "docs/runbooks"
REPEAT_NOTE = "(sent again: an earlier send of this notification was interrupted and may have arrived)"
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class NotifyFailure(Exception):
    """One failed send; `retriable` (timeout, 429, 5xx, 4xx SMTP) or not (bad key, 4xx), with a Retry-After."""

    def __init__(self, reason: str, *, retriable: bool, retry_after: float | None = None) -> None:
        self.reason = reason
        self.retriable = retriable
        self.retry_after = retry_after
        super().__init__(reason)


class Notifier(Protocol):
    """One destination. `send` raises NotifyFailure (never another error) and never logs a secret."""

    name: str  # slack | pagerduty | sns | smtp | webhook
    channels: frozenset[str]  # which alert channels it serves: page | chat | email | ticket
    levels: frozenset[int]  # which escalation levels it serves

    def send(self, notification: Notification) -> None: ...
