"""`QueueSignals` from the jobs and reviews tables: ONE read-only statement (five index-backed scalar
subqueries) on a plain connection — no ORM session, no transaction bookkeeping — because the /metrics
scrape and every watchdog tick run it (benchmarks/metrics.py, benchmarks/watchdog.py). Dead jobs are not
counted: their number is one row that triggers keep as jobs enter and leave `dead` (ADR 0473), so the read
does not grow with the history of dead-lettered jobs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BindParameter, ScalarSelect, and_, bindparam, case, func, or_, select

from tfreview.ops.signals import OPEN_REVIEW_STATES, QueueSignals, TenantBacklog
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.jobs import JobState
from tfreview.store.database import Database, translate_errors
from tfreview.store.tables import JobRow, QueueCountRow, ReviewRow

_NOW: BindParameter[datetime] = bindparam("now")
_CUTOFF: BindParameter[datetime] = bindparam("cutoff")


def _jobs(state: JobState) -> ScalarSelect[int]:
    return select(func.count()).select_from(JobRow).where(JobRow.state == state.value).scalar_subquery()


STATEMENT = select(
    _jobs(JobState.QUEUED),
    _jobs(JobState.RUNNING),
    select(QueueCountRow.jobs).where(QueueCountRow.state == JobState.DEAD.value).scalar_subquery(),
    select(func.min(JobRow.run_after))
    .where(JobRow.state == JobState.QUEUED.value, JobRow.run_after <= _NOW)
    .scalar_subquery(),
    select(func.count())
    .select_from(ReviewRow)
    .where(
        ReviewRow.status.in_([s.value for s in OPEN_REVIEW_STATES]),
        or_(ReviewRow.deadline_at < _NOW, and_(ReviewRow.deadline_at.is_(None), ReviewRow.created_at < _CUTOFF)),
    )
    .scalar_subquery(),
)


class SqlQueueSignals:
    def __init__(self, database: Database, review_deadline: timedelta, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.review_deadline = review_deadline
        self.clock = clock

    def __call__(self) -> QueueSignals:
        now = self.clock()
        with translate_errors(), self.database.engine.connect() as conn:
            row = conn.execute(STATEMENT, {"now": now, "cutoff": now - self.review_deadline}).one()
        queued, running, dead, oldest, past = row
        age = 0.0
        if oldest is not None:
            age = max(0.0, (now - _as_utc(_as_datetime(oldest), now)).total_seconds())
        return QueueSignals(int(queued or 0), int(running or 0), int(dead or 0), age, int(past or 0))


class SqlTenantBacklog:
    """Each tenant with queued jobs: how many, and the age of its oldest due one (load shedding per tenant,
    ADR 0561). One grouped read of the queued jobs, asked only while the queue is past a shedding limit."""

    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def __call__(self) -> dict[str, TenantBacklog]:
        now = self.clock()
        due = case((JobRow.run_after <= _NOW, JobRow.run_after), else_=None)
        statement = (
            select(JobRow.tenant_id, func.count(), func.min(due))
            .where(JobRow.state == JobState.QUEUED.value)
            .group_by(JobRow.tenant_id)
        )
        with translate_errors(), self.database.engine.connect() as conn:
            rows = conn.execute(statement, {"now": now}).all()
        found = {}
        for tenant, queued, oldest in rows:
            age = 0.0
            if oldest is not None:
                age = max(0.0, (now - _as_utc(_as_datetime(oldest), now)).total_seconds())
            found[str(tenant)] = TenantBacklog(int(queued), age)
        return found


def _as_datetime(value: object) -> datetime:
    """A scalar subquery's min() loses the column type on SQLite (an ISO string comes back)."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _as_utc(value: datetime, like: datetime) -> datetime:
    """min() over a UtcDateTime column comes back through the driver (naive on SQLite): give it `now`'s zone."""
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None else value
