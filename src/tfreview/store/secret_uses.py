"""The last use of each webhook secret version on SQLite and PostgreSQL (table `secret_uses`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exc, select

from tfreview.store.database import Database
from tfreview.store.tables import SecretUseRow


class SqlSecretUses:
    def __init__(self, database: Database) -> None:
        self.database = database

    def record(self, kind: str, versions: Sequence[str], at: datetime) -> None:
        for version in versions:
            try:
                self._upsert(kind, version[:100], at)
            except exc.IntegrityError:  # another process inserted it first: update theirs
                self._upsert(kind, version[:100], at)

    def _upsert(self, kind: str, version: str, at: datetime) -> None:
        with self.database.transaction() as session:
            row = session.get(SecretUseRow, (kind, version))
            if row is None:
                session.add(SecretUseRow(kind=kind, version=version, last_used_at=at))
            elif row.last_used_at < at:
                row.last_used_at = at

    def last_uses(self) -> dict[tuple[str, str], datetime]:
        with self.database.transaction(write=False) as session:
            return {(r.kind, r.version): r.last_used_at for r in session.scalars(select(SecretUseRow))}
