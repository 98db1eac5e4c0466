"""The reaper's crash repair on DynamoDB: reviews `in_progress` that no running job carries go back to `queued`.

The same contract as the SQL and memory queues' `repair_orphans` (tfreview.ports.service.JobQueue): a review
`in_progress` since before `older_than` whose jobs are none of them running (its worker died) is set back to
`queued`, conditionally on still being `in_progress`; returns (review id, a queued job carries it).
"""

from __future__ import annotations

from datetime import datetime

from tfreview.ports.job_types import ORPHANED, review_id_of
from tfreview.ports.jobs import JobState
from tfreview.ports.records import ReviewStatus
from tfreview.store.aws.job_items import job_of
from tfreview.store.aws.reviews import DynamoReviewStore, backfill_open_index, status_update
from tfreview.store.aws.table import Table, TransactionConflict

PAGES = 50  # bounded per sweep, as the reaper's own scan (200 reviews a page)


def repair_orphans(table: Table, older_than: datetime, now: datetime) -> list[tuple[str, bool]]:
    states: dict[str, set[JobState]] = {}
    for state in (JobState.RUNNING, JobState.QUEUED):
        for item in table.query("g2", f"JOB#S#{state.value}"):
            carrier = review_id_of(job_of(item))
            if carrier is not None:
                states.setdefault(carrier, set()).add(state)
    backfill_open_index(table)  # once (then a read of its record): the sweeps read the open index (ADR 0660)
    reviews = DynamoReviewStore(table, open_index="when-backfilled")
    repaired: list[tuple[str, bool]] = []
    cursor: str | None = None
    for _ in range(PAGES):
        wanted = {"status": ReviewStatus.IN_PROGRESS.value}
        page = reviews.list(None, filters=wanted, limit=200, cursor=cursor, with_report=False)
        for review in page.items:
            carried = states.get(review.id, set())
            if review.updated_at >= older_than or JobState.RUNNING in carried:
                continue
            update = status_update(
                table, review.id, ReviewStatus.QUEUED, ORPHANED, now, only_if=ReviewStatus.IN_PROGRESS.value
            )
            try:
                table.transact([update])
            except TransactionConflict:
                continue  # settled meanwhile by its worker
            repaired.append((review.id, JobState.QUEUED in carried))
        cursor = page.next_cursor
        if cursor is None:
            break
    return repaired
