"""The audit log (ports/audit.py) on SQL: append-only, hash-chained (core/audit_chain.py; in memory: audit_entries).

Appending reads the last entry's hash and writes the new entry in ONE write transaction; writers are
serialised (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped advisory lock), so two processes
never chain onto the same entry. Nothing here updates or deletes an entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Final

from sqlalchemy import select, text

from tfreview.core.audit_chain import GENESIS, AuditEntry, ChainCheck, entry_hash, verify_chain
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import canonical_json
from tfreview.ports.records import Page
from tfreview.store.audit_entries import (
    MAX_DETAIL_CHARS,
    MemoryAuditTrail,
    chained,
    check_action_filter,
    clean_entry,
)
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor
from tfreview.store.database import Database
from tfreview.store.tables import AuditLogRow

_PG_APPEND_LOCK: Final = 0x7466726175646974  # any constant: one appender at a time on PostgreSQL
_VERIFY_BATCH: Final = 1000


def _entry(row: AuditLogRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        detail=json.loads(row.detail),
        prev_hash=row.prev_hash,
        row_hash=row.row_hash,
    )


class SqlAuditTrail:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def record(
        self, action: str, *, actor: str, target: str = "", detail: Mapping[str, object] | None = None
    ) -> AuditEntry:
        action, actor, target, document = clean_entry(action, actor, target, detail)
        with self.database.transaction() as session:
            if not self.database.is_sqlite:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_APPEND_LOCK})
            last = session.scalar(select(AuditLogRow.row_hash).order_by(AuditLogRow.id.desc()).limit(1))
            previous = last or GENESIS
            at = self.clock()
            row = AuditLogRow(
                at=at,
                actor=actor,
                action=action,
                target=target,
                detail=canonical_json(document),
                prev_hash=previous,
                row_hash=entry_hash(previous, at, actor, action, target, document),
            )
            session.add(row)
            session.flush()
            return _entry(row)

    def list(self, *, action: str | None = None, limit: int = 50, cursor: str | None = None) -> Page[AuditEntry]:
        check_limit(limit)
        check_action_filter(action)
        query = select(AuditLogRow).order_by(AuditLogRow.id.desc()).limit(limit + 1)
        if action:
            query = query.where(AuditLogRow.action == action)
        if cursor:
            query = query.where(AuditLogRow.id < int(decode_cursor(cursor, (int,))[0]))
        with self.database.transaction(write=False) as session:
            rows = list(session.scalars(query))
            items = [_entry(r) for r in rows[:limit]]
        return Page(items, encode_cursor(rows[limit - 1].id) if len(rows) > limit else None)

    def verify(self) -> ChainCheck:
        return verify_chain(self._in_order())

    def _in_order(self) -> Iterator[AuditEntry]:
        after = 0
        while True:
            query = select(AuditLogRow).where(AuditLogRow.id > after).order_by(AuditLogRow.id).limit(_VERIFY_BATCH)
            with self.database.transaction(write=False) as session:
                batch = [_entry(r) for r in session.scalars(query)]
            yield from batch
            if len(batch) < _VERIFY_BATCH:
                return
            after = batch[-1].id


__all__ = ["MAX_DETAIL_CHARS", "MemoryAuditTrail", "SqlAuditTrail", "chained", "clean_entry"]
