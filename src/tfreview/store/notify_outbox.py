"""The notification outbox on SQLite and PostgreSQL (table `notify_outbox`; tfreview.ops.notify.outbox)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, type_coerce, update
from sqlalchemy.orm import aliased

from tfreview.ops.notify.message import NotifyEvent
from tfreview.ops.notify.outbox import CLAIM_SECONDS, UNREADABLE_SECONDS, OutboxEntry, Swept, unreadable
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.store.database import Database
from tfreview.store.tables import IncidentRow, NotifyOutboxRow, UtcDateTime

MAX_ERROR = 400


def outbox_row(
    incident_id: int, event: NotifyEvent, level: int, channels: str, details: dict[str, Any], at: datetime
) -> NotifyOutboxRow:
    """The row an incident change adds in its own transaction (`channels`: the incident row's JSON list)."""
    return NotifyOutboxRow(
        incident_id=incident_id,
        event=event.value,
        level=level,
        channels=channels,
        details=json.dumps(details, sort_keys=True, default=str),
        created_at=at,
        due_at=at,
        attempts=0,
    )


def _first_of_its_incident() -> ColumnElement[bool]:
    """No older entry of the same incident is still to send: an incident's notifications go out in the order
    they were written, whichever sender holds which (ADR 0637) — a resolve taken while another sender still
    retries the trigger would go to no one (no trigger recorded as sent yet), and the trigger, once through,
    would open an alert nothing resolves."""
    older = aliased(NotifyOutboxRow)
    return ~(
        select(older.id)
        .where(
            older.incident_id == NotifyOutboxRow.incident_id,
            older.id < NotifyOutboxRow.id,
            older.done_at.is_(None),
        )
        .exists()
    )


def _entry(row: NotifyOutboxRow) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        incident_id=row.incident_id,
        event=NotifyEvent(row.event),
        level=row.level,
        channels=tuple(json.loads(row.channels)),
        created_at=row.created_at,
        details=json.loads(row.details),
        attempts=row.attempts,
    )


class SqlOutbox:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def due(self, limit: int = 50, *, passed_over: Callable[[int], None] | None = None) -> list[OutboxEntry]:
        now = self.clock()
        query = (
            select(NotifyOutboxRow)
            .where(
                NotifyOutboxRow.done_at.is_(None),
                NotifyOutboxRow.due_at <= now,
                or_(NotifyOutboxRow.claimed_until.is_(None), NotifyOutboxRow.claimed_until <= now),
                _first_of_its_incident(),
            )
            .order_by(NotifyOutboxRow.id)
            .limit(limit)
        )
        entries: list[OutboxEntry] = []
        failed: list[tuple[int, Exception]] = []
        with self.database.transaction(write=False) as session:
            for row in session.scalars(query):
                try:
                    entries.append(_entry(row))
                except Exception as exc:  # a newer release's event, a hand edit: passed over, not every page stopped
                    failed.append((row.id, exc))
        for entry_id, error in failed:
            self.later(entry_id, UNREADABLE_SECONDS, unreadable(entry_id, error))  # looked at again later (ADR 0737)
            if passed_over is not None:
                passed_over(entry_id)
        return entries

    def claim(self, entry_id: int, owner: str, seconds: float = CLAIM_SECONDS) -> bool:
        now = self.clock()
        with self.database.transaction() as session:
            result = session.execute(
                update(NotifyOutboxRow)
                .where(
                    NotifyOutboxRow.id == entry_id,
                    NotifyOutboxRow.done_at.is_(None),
                    or_(NotifyOutboxRow.claimed_until.is_(None), NotifyOutboxRow.claimed_until <= now),
                    _first_of_its_incident(),  # checked again: another sender may have claimed an older one since
                )
                .values(
                    claimed_by=owner[:200],
                    claimed_until=now + timedelta(seconds=seconds),
                    attempts=NotifyOutboxRow.attempts + 1,
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of an UPDATE

    def done(self, entry_id: int) -> None:
        with self.database.transaction() as session:
            session.execute(
                update(NotifyOutboxRow)
                .where(NotifyOutboxRow.id == entry_id)
                .values(done_at=self.clock(), claimed_until=None)
            )

    def later(self, entry_id: int, seconds: float, error: str) -> None:
        due = self.clock() + timedelta(seconds=seconds)
        with self.database.transaction() as session:
            session.execute(
                update(NotifyOutboxRow)
                .where(NotifyOutboxRow.id == entry_id)
                .values(due_at=due, claimed_until=None, last_error=error[:MAX_ERROR])
            )

    def claimed_by_others(self, owner: str) -> list[tuple[int, str]]:
        """(entry id, owner) of the entries claimed, not done, by another sender."""
        query = select(NotifyOutboxRow.id, NotifyOutboxRow.claimed_by).where(
            NotifyOutboxRow.done_at.is_(None),
            NotifyOutboxRow.claimed_until.is_not(None),
            NotifyOutboxRow.claimed_by != owner,
        )
        with self.database.transaction(write=False) as session:
            return [(int(i), str(by)) for i, by in session.execute(query)]

    def release(self, entry_id: int) -> None:
        with self.database.transaction() as session:
            session.execute(update(NotifyOutboxRow).where(NotifyOutboxRow.id == entry_id).values(claimed_until=None))

    def pending(self) -> int:
        query = select(func.count()).select_from(NotifyOutboxRow).where(NotifyOutboxRow.done_at.is_(None))
        with self.database.transaction(write=False) as session:
            return int(session.scalar(query) or 0)

    def seconds_to_next(self) -> float | None:
        """One Core read over the not-done entries (the (done_at, due_at) index): the earliest due time of those
        free to claim, and the earliest expiry of a live claim (an entry then due later wakes the sender early:
        harmless)."""
        row = NotifyOutboxRow
        now = self.clock()
        # an entry behind an older one of its incident is not free: it waits for that one (whose claim expiry
        # or due time is counted), instead of waking the sender every SHORTEST_WAIT meanwhile
        free = and_(or_(row.claimed_until.is_(None), row.claimed_until <= now), _first_of_its_incident())
        query = select(
            func.count(),
            type_coerce(func.min(case((free, row.due_at))), UtcDateTime()),
            type_coerce(func.min(case((row.claimed_until > now, row.claimed_until))), UtcDateTime()),
        ).where(row.done_at.is_(None))
        with self.database.core_transaction(write=False) as connection:
            pending, due, expiry = connection.execute(query).one()
        if not pending:
            return None
        times = [t for t in (due, expiry) if t is not None]
        return max(0.0, (min(times) - now).total_seconds()) if times else 0.0

    def sweep(self, sent_before: datetime, unsent_before: datetime) -> Swept:
        """Delete the entries sent before `sent_before`; of those never sent, the ones whose incident is
        resolved and which were written before `sent_before`, and every one written before `unsent_before`."""
        row = NotifyOutboxRow
        resolved = select(IncidentRow.id).where(IncidentRow.id == row.incident_id, IncidentRow.resolved_at.is_not(None))
        unsent = and_(
            row.done_at.is_(None),
            or_(row.created_at < unsent_before, and_(row.created_at < sent_before, resolved.exists())),
        )
        with self.database.transaction() as session:
            sent = session.execute(delete(row).where(row.done_at.is_not(None), row.done_at < sent_before))
            stale = session.execute(delete(row).where(unsent))
            return Swept(
                int(sent.rowcount),  # type: ignore[attr-defined]  # CursorResult of a DELETE
                int(stale.rowcount),  # type: ignore[attr-defined]
            )
