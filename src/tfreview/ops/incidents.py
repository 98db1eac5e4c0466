"""Incidents: what the watchdog opens for a firing alert group, and everything that happens to it after.

Plain data and the two ports the watchdog needs (`Incidents`, `Leases`); adapters in
`tfreview.store.incidents` (SQLite, PostgreSQL) and `tfreview.store.memory_incidents` (tests).

    open ──ack──► acknowledged ──resolve──► resolved
      └───────────────resolve────────────────┘

An incident belongs to one alert group (`group_key`, the alert id): while one is open or acknowledged
for a group, a new firing of that group joins it instead of opening another (de-duplication). Its
`level` starts at the alert's level and grows by one each time it is escalated (at most 4); its
timeline is the list of `IncidentEvent`s, oldest first, which the post-incident report is written from.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from tfreview.ports.records import Page

MAX_LEVEL = 4  # 1 automated, 2 on-call, 3 senior, 4 management
LEVEL_NAMES = {1: "automated", 2: "on-call", 3: "senior", 4: "management"}


class IncidentStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class EventKind(StrEnum):
    """What a timeline entry records; `detail` carries the specifics (all JSON, no secret)."""

    OPENED = "opened"  # the incident was opened by an alert (detail: alert, value, threshold)
    ALERT_FIRED = "alert-fired"  # an alert of the group fired (again) while the incident was active
    ALERT_RESOLVED = "alert-resolved"  # the condition stopped holding
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"  # detail: from, to, channels
    ACTION = "action"  # an automatic level-1 action: detail: action, state (done | requested | failed)
    NOTIFIED = "notified"  # detail: notifier, channel, attempts
    NOTIFY_FAILED = "notify-failed"  # detail: notifier, channel, attempts, error (one scrubbed line)
    SNAPSHOT = "snapshot"  # metric values at the time (detail: samples)
    RESOLVED = "resolved"  # detail: by (a person, or "watchdog" on recovery)
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class NewIncident:
    group_key: str
    alert_id: str
    scenario: str
    severity: str
    summary: str
    level: int
    response_minutes: int
    channels: tuple[str, ...]
    action: str | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    id: int
    group_key: str
    alert_id: str
    scenario: str
    severity: str
    summary: str
    status: IncidentStatus
    level: int
    response_minutes: int
    channels: tuple[str, ...]
    opened_at: datetime
    escalate_at: datetime | None  # when it escalates unless acknowledged; None once acknowledged/resolved/top
    action: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None

    @property
    def active(self) -> bool:
        return self.status is not IncidentStatus.RESOLVED


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    incident_id: int
    at: datetime
    kind: EventKind
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    name: str
    owner: str
    expires_at: datetime
    heartbeat_at: datetime


class Incidents(Protocol):
    """The incident store. Every method is one short transaction."""

    def open(self, new: NewIncident, detail: dict[str, Any]) -> tuple[Incident, bool]:
        """Open an incident for `new.group_key` with an OPENED event, or return the active one of that group
        and False (nothing written then). Its first escalation is due `response_minutes` from now."""
        ...

    def get(self, incident_id: int) -> Incident | None: ...

    def active(self, group_key: str | None = None) -> builtins.list[Incident]:
        """Open or acknowledged incidents (of one group), oldest first."""
        ...

    def list(self, *, status: str | None = None, limit: int = 50, cursor: str | None = None) -> Page[Incident]:
        """Newest first."""
        ...

    def acknowledge(self, incident_id: int, by: str) -> Incident | None:
        """Stop its escalation; None when absent. An acknowledged or resolved incident is returned unchanged."""
        ...

    def resolve(self, incident_id: int, by: str) -> Incident | None:
        """Close it; None when absent. A resolved incident is returned unchanged."""
        ...

    def escalate(
        self, incident_id: int, level: int, channels: tuple[str, ...], escalate_at: datetime | None
    ) -> Incident:
        """Raise its level (recording an ESCALATED event). An incident no longer open is returned unchanged."""
        ...

    def record(self, incident_id: int, kind: EventKind, detail: dict[str, Any]) -> IncidentEvent: ...

    def events(self, incident_id: int) -> builtins.list[IncidentEvent]:
        """Its timeline, oldest first."""
        ...


class Leases(Protocol):
    """Named leases in the shared database: exactly one holder at a time, even across machines."""

    def acquire(self, name: str, owner: str, seconds: float) -> bool:
        """Take the lease, or extend it when `owner` holds it already; False while another holder's is live.
        Each successful call is also the holder's heartbeat."""
        ...

    def release(self, name: str, owner: str) -> None: ...

    def holder(self, name: str) -> LeaseHolder | None: ...
