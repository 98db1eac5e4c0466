"""`QueueSignals` from the jobs and reviews tables: three aggregate queries, read-only, index-backed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from tfreview.ops.signals import OPEN_REVIEW_STATES, QueueSignals
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.jobs import JobState
from tfreview.store.database import Database
from tfreview.store.tables import JobRow, ReviewRow


class SqlQueueSignals:
    def __init__(self, database: Database, review_deadline: timedelta, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.review_deadline = review_deadline
        self.clock = clock

    def __call__(self) -> QueueSignals:
        now = self.clock()
        with self.database.transaction(write=False) as session:
            rows = session.execute(
                select(JobRow.state, func.count())
                .where(JobRow.state.in_([JobState.QUEUED.value, JobState.RUNNING.value, JobState.DEAD.value]))
                .group_by(JobRow.state)
            )
            counts = {str(state): int(number) for state, number in rows}
            oldest: datetime | None = session.scalar(
                select(func.min(JobRow.run_after)).where(JobRow.state == JobState.QUEUED.value, JobRow.run_after <= now)
            )
            past = session.scalar(
                select(func.count()).where(
                    ReviewRow.status.in_([s.value for s in OPEN_REVIEW_STATES]),
                    or_(
                        ReviewRow.deadline_at < now,
                        and_(ReviewRow.deadline_at.is_(None), ReviewRow.created_at < now - self.review_deadline),
                    ),
                )
            )
        age = 0.0
        if oldest is not None:
            age = max(0.0, (now - _as_utc(oldest, now)).total_seconds())
        return QueueSignals(
            int(counts.get(JobState.QUEUED.value, 0)),
            int(counts.get(JobState.RUNNING.value, 0)),
            int(counts.get(JobState.DEAD.value, 0)),
            age,
            int(past or 0),
        )


def _as_utc(value: datetime, like: datetime) -> datetime:
    """min() over a UtcDateTime column comes back through the driver (naive on SQLite): give it `now`'s zone."""
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None else value
