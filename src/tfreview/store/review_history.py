"""Finished reviews' durations from the reviews table (for `tfreview slo`): streamed, read-only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import select

from tfreview.ports.records import ReviewStatus
from tfreview.store.database import Database
from tfreview.store.tables import ReviewRow

FINISHED = (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI, ReviewStatus.FAILED)


def finished_reviews(database: Database, since: datetime) -> Iterator[tuple[str, float]]:
    """(status, seconds from creation to the final state) of every review finished since `since`."""
    with database.transaction(write=False) as session:
        query = (
            select(ReviewRow.status, ReviewRow.created_at, ReviewRow.updated_at)
            .where(ReviewRow.status.in_([s.value for s in FINISHED]), ReviewRow.updated_at >= since)
            .execution_options(yield_per=1000)
        )
        for status, created, updated in session.execute(query):
            yield status, (_utc(updated) - _utc(created)).total_seconds()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
