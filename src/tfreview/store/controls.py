"""`Controls` (tfreview.ops.controls) in the shared database: one `ops_controls` row per holding control."""

from __future__ import annotations

from sqlalchemy import delete, exc, select

from tfreview.ops.controls import Control
from tfreview.plumbing.clock import Clock, as_utc, utcnow
from tfreview.store.database import Database
from tfreview.store.tables import ControlRow

_RACES = 3


class SqlControls:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def hold(self, control: Control) -> Control:
        for attempt in range(_RACES):
            try:
                return self._hold(control)
            except exc.IntegrityError:  # another process inserted this control first: update its row now
                if attempt == _RACES - 1:
                    raise
        raise AssertionError("unreachable")  # the loop returns or raises

    def _hold(self, control: Control) -> Control:
        now = self.clock()
        with self.database.transaction() as session:
            session.execute(delete(ControlRow).where(ControlRow.until <= now))  # expired ones go
            # locked (PostgreSQL; SQLite serialises writers): a concurrent hold cannot shorten this one
            row = session.get(ControlRow, control.name, with_for_update=True)
            if row is None:
                session.add(_row(control))
                session.flush()
                return control
            if row.until > control.until:
                control = Control(
                    control.name, row.until, control.set_by, control.reason, control.set_at, control.incident_id
                )
            row.until = control.until
            row.set_by = control.set_by
            row.reason = control.reason
            row.set_at = control.set_at
            row.incident_id = control.incident_id
            return control

    def lift(self, name: str) -> bool:
        with self.database.transaction() as session:
            result = session.execute(delete(ControlRow).where(ControlRow.name == name))
            return bool(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of a DELETE

    def lift_incident(self, incident_id: int) -> list[str]:
        now = self.clock()
        with self.database.transaction() as session:
            mine = list(
                session.execute(select(ControlRow.name, ControlRow.until).where(ControlRow.incident_id == incident_id))
            )
            if mine:
                session.execute(delete(ControlRow).where(ControlRow.incident_id == incident_id))
            return [name for name, until in mine if as_utc(until) > now]

    def current(self) -> list[Control]:
        now = self.clock()
        with self.database.transaction(write=False) as session:
            rows = session.scalars(select(ControlRow).where(ControlRow.until > now))
            return [Control(row.name, row.until, row.set_by, row.reason, row.set_at, row.incident_id) for row in rows]


def _row(control: Control) -> ControlRow:
    return ControlRow(
        name=control.name,
        until=control.until,
        set_by=control.set_by,
        reason=control.reason,
        set_at=control.set_at,
        incident_id=control.incident_id,
    )
