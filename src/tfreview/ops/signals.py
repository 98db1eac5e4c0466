"""Signals read from the database rather than counted by a process: one snapshot of the queue and reviews.

The /metrics scrape exports them (`tfreview_queue_jobs`, `tfreview_queue_oldest_age_seconds`,
`tfreview_reviews_past_deadline`) and the watchdog can read the same snapshot. Adapters:
`tfreview.store.queue_signals` (SQL) and `memory_queue_signals` below (in-memory services).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tfreview.ports.jobs import JobState
from tfreview.ports.records import ReviewStatus
from tfreview.ports.service import JobQueue, ReviewStore

OPEN_REVIEW_STATES = (ReviewStatus.QUEUED, ReviewStatus.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class QueueSignals:
    queued: int
    running: int
    dead: int
    oldest_queued_age_seconds: float  # 0 when nothing waits
    reviews_past_deadline: int  # queued or in progress, past deadline_at (or created_at + the deadline)


def memory_queue_signals(
    queue: JobQueue, reviews: ReviewStore, now: datetime, review_deadline: timedelta, *, pages: int = 100
) -> QueueSignals:
    """The snapshot through the ports' own listing (in-memory services and tests: bounded paging)."""
    counts = {JobState.QUEUED: 0, JobState.RUNNING: 0, JobState.DEAD: 0}
    oldest: datetime | None = None
    for state in counts:
        cursor: str | None = None
        for _ in range(pages):
            page = queue.list(state=state.value, limit=200, cursor=cursor)
            counts[state] += len(page.items)
            if state is JobState.QUEUED:
                for job in page.items:
                    if job.run_after <= now and (oldest is None or job.run_after < oldest):
                        oldest = job.run_after
            cursor = page.next_cursor
            if cursor is None:
                break
    past = 0
    for status in OPEN_REVIEW_STATES:
        cursor = None
        for _ in range(pages):
            listed = reviews.list(None, filters={"status": status.value}, limit=200, cursor=cursor)
            past += sum(1 for r in listed.items if (r.deadline_at or r.created_at + review_deadline) < now)
            cursor = listed.next_cursor
            if cursor is None:
                break
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return QueueSignals(counts[JobState.QUEUED], counts[JobState.RUNNING], counts[JobState.DEAD], age, past)


@dataclass(frozen=True, slots=True)
class TenantBacklog:
    """One tenant's share of the queue: its queued jobs, and how long the oldest due one has waited."""

    queued: int
    oldest_queued_age_seconds: float  # 0 when none is due


def memory_tenant_backlog(queue: JobQueue, now: datetime, *, pages: int = 100) -> dict[str, TenantBacklog]:
    """Each tenant with queued jobs, through the port's own listing (in-memory services, DynamoDB: bounded
    paging)."""
    counts: dict[str, int] = {}
    oldest: dict[str, datetime] = {}
    cursor: str | None = None
    for _ in range(pages):
        page = queue.list(state=JobState.QUEUED.value, limit=200, cursor=cursor)
        for job in page.items:
            counts[job.tenant_id] = counts.get(job.tenant_id, 0) + 1
            if job.run_after <= now and (job.tenant_id not in oldest or job.run_after < oldest[job.tenant_id]):
                oldest[job.tenant_id] = job.run_after
        cursor = page.next_cursor
        if cursor is None:
            break
    return {
        tenant: TenantBacklog(n, max(0.0, (now - oldest[tenant]).total_seconds()) if tenant in oldest else 0.0)
        for tenant, n in counts.items()
    }
