"""Publish locks (issue 9.11): a lease per publish target, so one process at a time publishes to a pull request.

`acquire` takes the lease when nobody holds it, its holder's lease expired, or the caller holds it already;
`release` gives it back (only the holder's). A lease outlives a crashed holder by at most its TTL. SQL:
one row per target in `publish_locks`, taken in a write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL:
the primary key decides a race, the loser sees no lease). Memory: the same rules under a lock (tests).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import delete, exc, select

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.store.database import Database
from tfreview.store.tables import PublishLockRow


class SqlPublishLocks:
    def __init__(self, database: Database, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def acquire(self, key: str, holder: str, ttl_seconds: float) -> bool:
        now = self.clock()
        try:
            with self.database.transaction() as session:
                query = select(PublishLockRow).where(PublishLockRow.key == key)
                if not self.database.is_sqlite:
                    query = query.with_for_update()
                row = session.scalars(query).first()
                if row is None:
                    session.add(PublishLockRow(key=key, holder=holder, expires_at=now + timedelta(seconds=ttl_seconds)))
                    session.flush()
                    return True
                if row.holder != holder and row.expires_at > now:
                    return False
                row.holder, row.expires_at = holder, now + timedelta(seconds=ttl_seconds)
                return True
        except exc.IntegrityError:  # another process inserted the same key first: its lease
            return False

    def release(self, key: str, holder: str) -> None:
        with self.database.transaction() as session:
            session.execute(delete(PublishLockRow).where(PublishLockRow.key == key, PublishLockRow.holder == holder))


class MemoryPublishLocks:
    def __init__(self, clock: Clock = utcnow) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._held: dict[str, tuple[str, datetime]] = {}

    def acquire(self, key: str, holder: str, ttl_seconds: float) -> bool:
        now = self.clock()
        with self._lock:
            current = self._held.get(key)
            if current is not None and current[0] != holder and current[1] > now:
                return False
            self._held[key] = (holder, now + timedelta(seconds=ttl_seconds))
            return True

    def release(self, key: str, holder: str) -> None:
        with self._lock:
            if self._held.get(key, ("", None))[0] == holder:
                del self._held[key]
