"""Queued jobs whose stored row no longer reads back (issue 11 B3, ADR 0592).

A flipped bit in a job's row — its payload or tenant no longer UTF-8 (SQLite hands back whatever bytes the file
holds), its payload no longer JSON, a time that no longer parses — made every claim fail while that job was the
next one: the queue stopped for every tenant, and each attempt logged the stored text. A claim that fails that way
calls `bury_damaged`: each runnable job is read on its own, and those that cannot be read are dead-lettered with a
reason (never their bytes) and counted as `tfreview_jobs_total{outcome="dead_lettered"}`, so the `dead-letters`
alert says so (ADR 0611); the claim is then tried again. A damaged database file (SQLITE_CORRUPT) is not this:
`serve` refuses it at start and the audit alerts on it (service/data_safety.py); nothing is written into it here.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, TypeVar

from sqlalchemy import ColumnElement, Connection, bindparam, select, update

from tfreview.ports.jobs import JobState
from tfreview.ports.records import Page
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor
from tfreview.store.database import Database
from tfreview.store.job_statements import JOBS

logger = logging.getLogger("tfreview.queue")
Record = TypeVar("Record")
_RUNNABLE_IDS: Final = select(JOBS.c.id).where(
    JOBS.c.state == JobState.QUEUED.value, JOBS.c.run_after <= bindparam("now")
)  # ids and a comparison done by the database: nothing of a damaged row is decoded
_ONE: Final = select(JOBS).where(JOBS.c.id == bindparam("job_id"))
_KIND: Final = select(JOBS.c.kind).where(JOBS.c.id == bindparam("job_id"))
UNREADABLE_KIND: Final = "unreadable"  # the `kind` label of a buried job whose kind itself does not read back


def stored_value_damage(error: BaseException) -> str | None:
    """Why `error` (or what it was raised from) is a stored value that no longer reads back — text that is not
    UTF-8, a time or JSON we wrote that no longer parses — in words that never echo the value; None otherwise."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UnicodeDecodeError):
            return f"a stored text is not UTF-8: {current.reason} at byte {current.start}"
        if isinstance(current, ValueError):  # a stored time, number or JSON we wrote that no longer parses
            return f"a stored value cannot be read back ({type(current).__name__})"
        for candidate in (current, getattr(current, "orig", None)):
            if isinstance(candidate, sqlite3.Error) and str(candidate).startswith("Could not decode to UTF-8"):
                return f"a stored text is not UTF-8: {str(candidate).split(' with text ', 1)[0]}"  # not its bytes
        current = current.__cause__ or current.__context__
    return None


def bury_damaged(database: Database, now: datetime, read: Callable[[Mapping[str, Any]], object]) -> list[int]:
    """Dead-letter every runnable job whose row `read` (the queue's own reading of a row) cannot read; their ids.
    One write transaction; a job that reads is left as it is."""
    buried: dict[int, str] = {}
    kinds: dict[int, str] = {}
    with database.core_transaction() as conn:
        for job_id in conn.execute(_RUNNABLE_IDS, {"now": now}).scalars().all():
            try:
                row = conn.execute(_ONE, {"job_id": job_id}).first()
                if row is not None:
                    read(dict(row._mapping))
            except Exception as error:
                reason = stored_value_damage(error)
                if reason is None:
                    raise
                buried[job_id] = reason
                kinds[job_id] = _kind_of(conn, job_id)
        for job_id, reason in buried.items():
            dead = {"state": JobState.DEAD.value, "last_error": f"its stored row is damaged: {reason}"}
            still_queued = (JOBS.c.id == job_id, JOBS.c.state == JobState.QUEUED.value)
            conn.execute(update(JOBS).where(*still_queued).values(**dead, finished_at=now, updated_at=now))
    for job_id, reason in buried.items():
        logger.error("job %d is dead: its stored row is damaged (%s); the queue goes on without it", job_id, reason)
        database.metrics.count("tfreview_jobs_total", kind=kinds[job_id], outcome="dead_lettered")
    return list(buried)


def _kind_of(conn: Connection, job_id: int) -> str:
    """The job's kind for the metric's label, or `UNREADABLE_KIND` when that column is damaged too."""
    try:
        kind = conn.execute(_KIND, {"job_id": job_id}).scalar()
    except Exception as error:
        if stored_value_damage(error) is None:
            raise
        return UNREADABLE_KIND
    return kind if isinstance(kind, str) and kind.isprintable() and len(kind) <= 64 else UNREADABLE_KIND


def readable_page(
    database: Database,
    filters: Sequence[ColumnElement[bool]],
    *,
    limit: int,
    cursor: str | None,
    read: Callable[[Mapping[str, Any]], Record],
) -> Page[Record]:
    """The jobs list's page (newest first, as store/paging.py pages) when a row of it no longer reads back: ids
    first, then each row on its own; a damaged one is left out and named by id (never its bytes). Without it one
    dead damaged job failed every list of its tenant's jobs — the reaper's sweep at its review's deadline, for
    every review, and `GET /api/v1/jobs` (ADR 0611)."""
    check_limit(limit)
    query = select(JOBS.c.id).where(*filters).order_by(JOBS.c.id.desc()).limit(limit + 1)
    if cursor:
        query = query.where(JOBS.c.id < int(decode_cursor(cursor, (int,))[0]))
    items: list[Record] = []
    with database.core_transaction(write=False) as conn:
        ids = list(conn.execute(query).scalars().all())
        for job_id in ids[:limit]:
            try:
                row = conn.execute(_ONE, {"job_id": job_id}).first()
                if row is not None:
                    items.append(read(dict(row._mapping)))
            except Exception as error:
                reason = stored_value_damage(error)
                if reason is None:
                    raise
                logger.warning("job %d left out of a jobs list: its stored row is damaged (%s)", job_id, reason)
    return Page(items, encode_cursor(ids[limit - 1]) if len(ids) > limit else None)
