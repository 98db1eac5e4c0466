"""In-memory incidents and leases, with the semantics of the SQL ones (same contract suite)."""

from __future__ import annotations

import builtins
import dataclasses
import threading
from datetime import datetime, timedelta
from typing import Any

from tfreview.core.errors import NotFound
from tfreview.ops.incidents import (
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    LeaseHolder,
    NewIncident,
)
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.records import Page
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor
from tfreview.store.incident_rules import check_new, escalates, json_detail, parse_status


class MemoryIncidents:
    def __init__(self, *, clock: Clock = utcnow) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._incidents: dict[int, Incident] = {}
        self._events: list[IncidentEvent] = []

    def open(self, new: NewIncident, detail: dict[str, Any]) -> tuple[Incident, bool]:
        check_new(new)
        with self._lock:
            found = self.active(new.group_key)
            if found:
                return found[0], False
            now = self.clock()
            incident = Incident(
                id=len(self._incidents) + 1,
                group_key=new.group_key,
                alert_id=new.alert_id,
                scenario=new.scenario,
                severity=new.severity,
                summary=new.summary,
                status=IncidentStatus.OPEN,
                level=new.level,
                response_minutes=new.response_minutes,
                channels=tuple(new.channels),
                opened_at=now,
                escalate_at=now + timedelta(minutes=new.response_minutes),
                action=new.action,
            )
            self._incidents[incident.id] = incident
            self._append(incident.id, EventKind.OPENED, detail)
            return incident, True

    def get(self, incident_id: int) -> Incident | None:
        with self._lock:
            return self._incidents.get(incident_id)

    def active(self, group_key: str | None = None) -> list[Incident]:
        with self._lock:
            return [
                i
                for i in sorted(self._incidents.values(), key=lambda i: i.id)
                if i.active and (group_key is None or i.group_key == group_key)
            ]

    def list(self, *, status: str | None = None, limit: int = 50, cursor: str | None = None) -> Page[Incident]:
        check_limit(limit)
        wanted = parse_status(status)
        before = int(decode_cursor(cursor, (int,))[0]) if cursor else None
        with self._lock:
            found = [
                i
                for i in sorted(self._incidents.values(), key=lambda i: -i.id)
                if (wanted is None or i.status is wanted) and (before is None or i.id < before)
            ]
        items = found[:limit]
        return Page(items, encode_cursor(items[-1].id) if len(found) > limit else None)

    def acknowledge(self, incident_id: int, by: str) -> Incident | None:
        with self._lock:
            incident = self._incidents.get(incident_id)
            if incident is None or incident.status is not IncidentStatus.OPEN:
                return incident
            incident = dataclasses.replace(
                incident,
                status=IncidentStatus.ACKNOWLEDGED,
                acknowledged_at=self.clock(),
                acknowledged_by=by,
                escalate_at=None,
            )
            self._incidents[incident_id] = incident
            self._append(incident_id, EventKind.ACKNOWLEDGED, {"by": by})
            return incident

    def resolve(self, incident_id: int, by: str) -> Incident | None:
        with self._lock:
            incident = self._incidents.get(incident_id)
            if incident is None or incident.status is IncidentStatus.RESOLVED:
                return incident
            incident = dataclasses.replace(
                incident, status=IncidentStatus.RESOLVED, resolved_at=self.clock(), resolved_by=by, escalate_at=None
            )
            self._incidents[incident_id] = incident
            self._append(incident_id, EventKind.RESOLVED, {"by": by})
            return incident

    def escalate(
        self, incident_id: int, level: int, channels: tuple[str, ...], escalate_at: datetime | None
    ) -> Incident:
        with self._lock:
            incident = self._incidents.get(incident_id)
            if incident is None:
                raise NotFound(f"incident {incident_id} not found")
            if not escalates(incident, level):
                return incident
            previous = incident.level
            incident = dataclasses.replace(incident, level=level, channels=tuple(channels), escalate_at=escalate_at)
            self._incidents[incident_id] = incident
            self._append(incident_id, EventKind.ESCALATED, {"from": previous, "to": level, "channels": list(channels)})
            return incident

    def record(self, incident_id: int, kind: EventKind, detail: dict[str, Any]) -> IncidentEvent:
        with self._lock:
            if incident_id not in self._incidents:
                raise NotFound(f"incident {incident_id} not found")
            return self._append(incident_id, kind, detail)

    def events(self, incident_id: int) -> builtins.list[IncidentEvent]:
        with self._lock:
            return [e for e in self._events if e.incident_id == incident_id]

    def _append(self, incident_id: int, kind: EventKind, detail: dict[str, Any]) -> IncidentEvent:
        event = IncidentEvent(incident_id, self.clock(), EventKind(kind), json_detail(detail), len(self._events) + 1)
        self._events.append(event)
        return event


class MemoryLeases:
    def __init__(self, *, clock: Clock = utcnow) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._leases: dict[str, LeaseHolder] = {}

    def acquire(self, name: str, owner: str, seconds: float) -> bool:
        now = self.clock()
        with self._lock:
            held = self._leases.get(name)
            if held is not None and held.owner != owner and held.expires_at > now:
                return False
            self._leases[name] = LeaseHolder(name, owner, now + timedelta(seconds=seconds), now)
            return True

    def release(self, name: str, owner: str) -> None:
        with self._lock:
            held = self._leases.get(name)
            if held is not None and held.owner == owner:
                del self._leases[name]

    def holder(self, name: str) -> LeaseHolder | None:
        with self._lock:
            return self._leases.get(name)
