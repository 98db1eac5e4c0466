"""Incidents and named leases on SQLite and PostgreSQL (tables `incidents`, `incident_events`, `ops_leases`)."""

from __future__ import annotations

import builtins
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exc, select, update

from tfreview.core.errors import NotFound
from tfreview.ops.incidents import (
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    LeaseHolder,
    NewIncident,
)
from tfreview.ops.notify.message import NotifyEvent
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.records import Page
from tfreview.store.database import Database
from tfreview.store.incident_rules import check_new, dump_detail, escalates, parse_status
from tfreview.store.notify_outbox import outbox_row
from tfreview.store.paging import newest_first
from tfreview.store.tables import IncidentEventRow, IncidentRow, LeaseRow


def incident_record(row: IncidentRow) -> Incident:
    return Incident(
        id=row.id,
        group_key=row.group_key,
        alert_id=row.alert_id,
        scenario=row.scenario,
        severity=row.severity,
        summary=row.summary,
        status=IncidentStatus(row.status),
        level=row.level,
        response_minutes=row.response_minutes,
        channels=tuple(json.loads(row.channels)),
        opened_at=row.opened_at,
        escalate_at=row.escalate_at,
        action=row.action,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
    )


def _event_record(row: IncidentEventRow) -> IncidentEvent:
    return IncidentEvent(row.incident_id, row.at, EventKind(row.kind), json.loads(row.detail), row.id)


class SqlIncidents:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def open(self, new: NewIncident, detail: dict[str, Any]) -> tuple[Incident, bool]:
        check_new(new)
        found = self.active(new.group_key)
        if found:
            return found[0], False
        now = self.clock()
        row = IncidentRow(
            group_key=new.group_key,
            open_key=new.group_key,
            alert_id=new.alert_id,
            scenario=new.scenario,
            severity=new.severity,
            summary=new.summary,
            status=IncidentStatus.OPEN.value,
            level=new.level,
            response_minutes=new.response_minutes,
            channels=json.dumps(list(new.channels)),
            action=new.action,
            opened_at=now,
            escalate_at=now + timedelta(minutes=new.response_minutes),
        )
        try:
            with self.database.transaction() as session:
                session.add(row)
                session.flush()
                session.add(_event_row(row.id, now, EventKind.OPENED, detail))
                # the page is written with the incident: a process killed before sending it loses nothing
                trigger = {"value": _shown(detail.get("value"))} if "value" in detail else {}
                session.add(outbox_row(row.id, NotifyEvent.TRIGGER, row.level, row.channels, trigger, now))
                incident = incident_record(row)
        except exc.IntegrityError:  # another process opened this group's incident just now
            raced = self.active(new.group_key)
            if not raced:
                raise
            return raced[0], False
        return incident, True

    def get(self, incident_id: int) -> Incident | None:
        with self.database.transaction(write=False) as session:
            row = session.get(IncidentRow, incident_id)
            return None if row is None else incident_record(row)

    def active(self, group_key: str | None = None) -> list[Incident]:
        # `open_key >= ''` is `open_key IS NOT NULL` for a text column, but SQLite walks the unique index on open_key
        # for it (the active few) instead of every incident ever stored; ordered here, so it needs no sort either way
        wanted = IncidentRow.open_key >= "" if group_key is None else IncidentRow.open_key == group_key
        with self.database.transaction(write=False) as session:
            rows = sorted(session.scalars(select(IncidentRow).where(wanted)), key=lambda row: row.id)
            return [incident_record(row) for row in rows]

    def list(self, *, status: str | None = None, limit: int = 50, cursor: str | None = None) -> Page[Incident]:
        wanted = parse_status(status)
        filters = [] if wanted is None else [IncidentRow.status == wanted.value]
        return newest_first(self.database, IncidentRow, filters, limit=limit, cursor=cursor, record=incident_record)

    def acknowledge(self, incident_id: int, by: str) -> Incident | None:
        now = self.clock()
        with self.database.transaction() as session:
            row = session.get(IncidentRow, incident_id)
            if row is None:
                return None
            if row.status == IncidentStatus.OPEN.value:
                row.status = IncidentStatus.ACKNOWLEDGED.value
                row.acknowledged_at = now
                row.acknowledged_by = by
                row.escalate_at = None
                session.add(_event_row(incident_id, now, EventKind.ACKNOWLEDGED, {"by": by}))
                told = {"acknowledged_by": by}
                session.add(outbox_row(incident_id, NotifyEvent.ACKNOWLEDGE, row.level, row.channels, told, now))
                session.flush()
            return incident_record(row)

    def resolve(self, incident_id: int, by: str) -> Incident | None:
        now = self.clock()
        with self.database.transaction() as session:
            row = session.get(IncidentRow, incident_id)
            if row is None:
                return None
            if row.status != IncidentStatus.RESOLVED.value:
                row.status = IncidentStatus.RESOLVED.value
                row.open_key = None
                row.resolved_at = now
                row.resolved_by = by
                row.escalate_at = None
                session.add(_event_row(incident_id, now, EventKind.RESOLVED, {"by": by}))
                told = {"resolved_by": by}
                session.add(outbox_row(incident_id, NotifyEvent.RESOLVE, row.level, row.channels, told, now))
                session.flush()
            return incident_record(row)

    def escalate(
        self, incident_id: int, level: int, channels: tuple[str, ...], escalate_at: datetime | None
    ) -> Incident:
        now = self.clock()
        with self.database.transaction() as session:
            row = session.get(IncidentRow, incident_id)
            if row is None:
                raise NotFound(f"incident {incident_id} not found")
            incident = incident_record(row)
            if not escalates(incident, level):
                return incident
            detail = {"from": row.level, "to": level, "channels": list(channels)}
            row.level = level
            row.channels = json.dumps(list(channels))
            row.escalate_at = escalate_at
            session.add(_event_row(incident_id, now, EventKind.ESCALATED, detail))
            told = {"escalated_from": detail["from"]}
            session.add(outbox_row(incident_id, NotifyEvent.TRIGGER, level, row.channels, told, now))
            session.flush()
            return incident_record(row)

    def record(self, incident_id: int, kind: EventKind, detail: dict[str, Any]) -> IncidentEvent:
        now = self.clock()
        with self.database.transaction() as session:
            if session.get(IncidentRow, incident_id) is None:
                raise NotFound(f"incident {incident_id} not found")
            row = _event_row(incident_id, now, kind, detail)
            session.add(row)
            session.flush()
            return _event_record(row)

    def events(self, incident_id: int) -> builtins.list[IncidentEvent]:
        query = (
            select(IncidentEventRow).where(IncidentEventRow.incident_id == incident_id).order_by(IncidentEventRow.id)
        )
        with self.database.transaction(write=False) as session:
            return [_event_record(row) for row in session.scalars(query)]


def _shown(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, int | float) else "none" if value is None else str(value)


def _event_row(incident_id: int, at: datetime, kind: EventKind, detail: dict[str, Any]) -> IncidentEventRow:
    return IncidentEventRow(incident_id=incident_id, at=at, kind=EventKind(kind).value, detail=dump_detail(detail))


class SqlLeases:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def acquire(self, name: str, owner: str, seconds: float) -> bool:
        now = self.clock()
        expires = now + timedelta(seconds=seconds)
        with self.database.transaction() as session:
            result = session.execute(
                update(LeaseRow)
                .where(LeaseRow.name == name, (LeaseRow.owner == owner) | (LeaseRow.expires_at <= now))
                .values(owner=owner, expires_at=expires, heartbeat_at=now)
            )
            if result.rowcount:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
                return True
        try:
            with self.database.transaction() as session:
                if session.get(LeaseRow, name) is not None:
                    return False  # held by another, live
                session.add(LeaseRow(name=name, owner=owner, expires_at=expires, heartbeat_at=now))
        except exc.IntegrityError:  # another process inserted it first
            return False
        return True

    def release(self, name: str, owner: str) -> None:
        with self.database.transaction() as session:
            row = session.get(LeaseRow, name)
            if row is not None and row.owner == owner:
                session.delete(row)

    def holder(self, name: str) -> LeaseHolder | None:
        with self.database.transaction(write=False) as session:
            row = session.get(LeaseRow, name)
            return None if row is None else LeaseHolder(row.name, row.owner, row.expires_at, row.heartbeat_at)
