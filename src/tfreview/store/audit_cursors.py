"""Where the periodic integrity audit stopped in each table (`audit_cursors`, migration 0023, ADR 0506): the last
key its slice checked, spelled as JSON (an integer id or a text id). Kept in the database so a restarted `serve`
goes on from there; a missing row or NULL means the table's first row."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.store.database import Database
from tfreview.store.tables import AuditCursorRow


def load_positions(database: Database) -> dict[str, Any]:
    """Each audited table's last checked key (None: start at the first row)."""
    with database.transaction(write=False) as session:
        rows = session.execute(select(AuditCursorRow.name, AuditCursorRow.after)).all()
    return {name: _decode(after) for name, after in rows}


def save_positions(database: Database, positions: Mapping[str, Any], *, clock: Clock = utcnow) -> None:
    """Store every table's position in one short write transaction (the `serve` data-safety thread is the one
    writer; a concurrent first insert by another replica loses nothing but that replica's progress)."""
    now = clock()
    with database.transaction() as session:
        for name, after in positions.items():
            row = session.get(AuditCursorRow, name)
            if row is None:
                session.add(AuditCursorRow(name=name, after=_encode(after), updated_at=now))
            else:
                row.after = _encode(after)
                row.updated_at = now


def _encode(after: Any) -> str | None:
    return None if after is None else json.dumps(after)


def _decode(after: str | None) -> Any:
    if after is None:
        return None
    try:
        value = json.loads(after)
    except ValueError:  # not ours: start the table over rather than fail every period
        return None
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None
