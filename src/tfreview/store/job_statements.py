"""The job queue's SQL, built once (store/jobs.py): claiming, heartbeats, completion and release are the hot path
of every worker, and building SQL expressions costs more than running them. Core statements only, no ORM
(issue 13); every write of an attempt is fenced by its token (`CURRENT_ATTEMPT`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Select, Table, bindparam, func, select, update

from tfreview.ports.jobs import JobState
from tfreview.store.tables import JobRow, ReviewRow

JOBS = cast(Table, JobRow.__table__)
REVIEWS = cast(Table, ReviewRow.__table__)
RUNNING = JobState.RUNNING.value


@dataclass(frozen=True)
class ClaimStatements:
    """Built once: claiming is the hot path, and building SQL expressions costs more than running them."""

    fairest_tenant: Select[Any]
    next_of_tenant: Select[Any]
    next_of_any: Select[Any]
    # a batch: the two fairest tenants (only one waiting: take the batch from it at once), its `n` oldest jobs
    two_fairest_tenants: Select[Any]
    oldest_of_tenant: Select[Any]


def claim_statements(with_kinds: bool) -> ClaimStatements:
    runnable = [JOBS.c.state == JobState.QUEUED.value, JOBS.c.run_after <= bindparam("now")]
    if with_kinds:
        runnable.append(JOBS.c.kind.in_(bindparam("kinds", expanding=True)))
    running = (
        select(JOBS.c.tenant_id, func.count().label("n"))
        .where(JOBS.c.state == RUNNING)
        .group_by(JOBS.c.tenant_id)
        .subquery("running")
    )
    waiting = (
        select(JOBS.c.tenant_id, func.min(JOBS.c.run_after).label("oldest"))
        .where(*runnable)
        .group_by(JOBS.c.tenant_id)
        .subquery("waiting")
    )
    # fair share: the tenant with the fewest running jobs first, then the one waiting longest
    fairest = (
        select(waiting.c.tenant_id)
        .outerjoin(running, running.c.tenant_id == waiting.c.tenant_id)
        .order_by(func.coalesce(running.c.n, 0), waiting.c.oldest, waiting.c.tenant_id)
        .limit(1)
    )
    oldest = select(JOBS).order_by(JOBS.c.run_after, JOBS.c.id).limit(1).with_for_update(skip_locked=True)
    of_tenant = oldest.where(*runnable, JOBS.c.tenant_id == bindparam("tenant"))
    return ClaimStatements(
        fairest_tenant=fairest,
        next_of_tenant=of_tenant,
        next_of_any=oldest.where(*runnable),
        two_fairest_tenants=fairest.limit(2),
        oldest_of_tenant=of_tenant.limit(bindparam("n")),
    )


CLAIM_ANY_KIND = claim_statements(with_kinds=False)
CLAIM_WITH_KINDS = claim_statements(with_kinds=True)
# a claim takes the row it selected (locked: BEGIN IMMEDIATE on SQLite, FOR UPDATE SKIP LOCKED on PostgreSQL)
TAKE = (
    update(JOBS)
    .where(JOBS.c.id == bindparam("job_id"))
    .values(
        state=bindparam("to_state"),
        attempts=bindparam("to_attempts"),
        attempt_token=bindparam("to_attempt_token"),
        lease_owner=bindparam("to_lease_owner"),
        lease_expires_at=bindparam("to_lease_expires_at"),
        updated_at=bindparam("to_updated_at"),
    )
)
CURRENT_ATTEMPT = (
    JOBS.c.id == bindparam("job_id"),
    JOBS.c.state == RUNNING,
    JOBS.c.attempt_token == bindparam("token"),
)
HEARTBEAT = (
    update(JOBS).where(*CURRENT_ATTEMPT).values(lease_expires_at=bindparam("lease"), updated_at=bindparam("now"))
)
COMPLETE = (
    update(JOBS)
    .where(*CURRENT_ATTEMPT)
    .values(
        state=JobState.SUCCEEDED.value,
        attempt_token=None,
        lease_owner=None,
        lease_expires_at=None,
        updated_at=bindparam("now"),
        finished_at=bindparam("now"),
    )
)


# fail and defer: read the current attempt (locked on PostgreSQL), then release it, fenced again by its token
CURRENT_ROW = select(JOBS).where(JOBS.c.id == bindparam("job_id"))
CURRENT_ROW_LOCKED = CURRENT_ROW.with_for_update()
RELEASE = (
    update(JOBS)
    .where(*CURRENT_ATTEMPT)
    .values(
        state=bindparam("to_state"),
        attempts=bindparam("to_attempts"),
        run_after=bindparam("to_run_after"),
        last_error=bindparam("error"),
        attempt_token=None,
        lease_owner=None,
        lease_expires_at=None,
        updated_at=bindparam("now"),
        finished_at=bindparam("to_finished_at"),
    )
)
SETTLE_REVIEW = (
    update(REVIEWS)
    .where(REVIEWS.c.id == bindparam("review_id"))
    .values(status=bindparam("to_status"), status_reason=bindparam("reason"), updated_at=bindparam("now"))
)
SETTLE_REVIEW_WITH_DEADLINE = SETTLE_REVIEW.values(deadline_at=bindparam("deadline_at"))  # a rate-limit wait
SETTLE_OPEN_REVIEW = SETTLE_REVIEW.where(REVIEWS.c.status.in_(bindparam("statuses", expanding=True)))
SETTLE_OPEN_REVIEW_WITH_DEADLINE = SETTLE_OPEN_REVIEW.values(deadline_at=bindparam("deadline_at"))
# (the current row, now) -> its state, attempts, run_after and finished_at once released
Decide = Callable[[Mapping[str, Any], datetime], tuple[str, int, datetime, datetime | None]]


class Prepared:
    """A write of the hot path compiled once per dialect and run as `exec_driver_sql` executemany (ADR 0440):
    SQLAlchemy would otherwise process every parameter of every row again (the datetimes twice: UtcDateTime, then
    the dialect's own), ~15 % of a worker's CPU per job. The values written are the ones the Core statement
    writes — each parameter goes through its column type's own `bind_processor` for that dialect — only a value
    met again within one call (`now`, one lease end for a batch) is processed once."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def execute(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
        """Run the statement once per row (one executemany); the number of rows it matched."""
        compiled = self._compiled.get(conn.dialect.name)
        if compiled is None:
            compiled = self._compiled[conn.dialect.name] = _Compiled(self.statement, conn.dialect)
        return int(conn.exec_driver_sql(compiled.sql, compiled.parameters(rows)).rowcount)


class _Compiled:
    def __init__(self, statement: Any, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        processors = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in compiled.binds.items()
        }
        self.processors = {name: processor for name, processor in processors.items() if processor is not None}
        # what the statement itself sets (`.values(state='succeeded', attempt_token=None)`), processed once
        self.fixed = {
            name: self._process(name, value, {}) for name, value in compiled.params.items() if value is not None
        }
        self.fixed.update({name: None for name, value in compiled.params.items() if value is None})
        self.names: tuple[str, ...] | None = tuple(compiled.positiontup) if compiled.positional else None

    def _process(self, name: str, value: Any, seen: dict[tuple[str, Any], Any]) -> Any:
        processor = self.processors.get(name)
        if processor is None or value is None:
            return value
        key = (name, value)
        if key not in seen:
            seen[key] = processor(value)
        return seen[key]

    def parameters(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        seen: dict[tuple[str, Any], Any] = {}
        found: list[Any] = []
        for row in rows:
            values = dict(self.fixed)
            for name, value in row.items():
                values[name] = self._process(name, value, seen)
            found.append(tuple(values[name] for name in self.names) if self.names is not None else values)
        return found


# the hot path's writes of many rows at once: a claim's, a settle's (store/job_settlements.py)
TAKE_MANY = Prepared(TAKE)
COMPLETE_MANY = Prepared(COMPLETE)
RELEASE_MANY = Prepared(RELEASE)
SETTLE_REVIEW_MANY = Prepared(SETTLE_REVIEW)
