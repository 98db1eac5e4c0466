"""The reaper: returns expired leases to the queue, and the deadline watchdog: no review stays stuck.

Every `reaper_interval_seconds`:
1. `queue.reap()` re-queues jobs whose lease expired (a crashed or frozen worker), or dead-letters
   them when out of attempts (their review FAILED, its failure notice queued to be published: ADR 0380);
   each job is logged as what happened to it, a dead-lettered one as an ERROR naming it and its review;
2. a review still `queued`/`in_progress` past its deadline is re-queued ONCE (a fresh review job
   keyed `review:<id>:deadline`; the queue's idempotency key is the memory of "once"); when it is
   still not finished one more deadline later, it is marked FAILED with reason "deadline exceeded".
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tfreview.plumbing.clock import Clock, as_utc, utcnow
from tfreview.ports.job_types import JobKind, PublishJob, ReviewJob, review_id_of
from tfreview.ports.jobs import JobState
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.service.container import Services
from tfreview.worker.errors import reason_of

logger = logging.getLogger("tfreview.worker")

DEADLINE_EXCEEDED = "deadline exceeded"
_SWEEP_LIMIT = 5000  # overdue reviews acted on per sweep, oldest first; the next sweep sees the rest


@dataclass(frozen=True, slots=True)
class Sweep:
    reaped: int = 0  # expired leases returned to the queue (or dead-lettered)
    requeued: int = 0  # reviews past their deadline given one more job
    failed: int = 0  # reviews past their deadline twice: FAILED, "deadline exceeded"
    repaired: int = 0  # reviews `in_progress` with no running job (worker lost): back to queued


class Reaper:
    def __init__(
        self, services: Services, *, clock: Clock | None = None, stop_event: threading.Event | None = None
    ) -> None:
        self.services = services
        self.clock = clock or utcnow
        self.stop_event = stop_event or threading.Event()

    def run(self) -> None:
        """Sweep every reaper_interval_seconds until stop_event is set; a failing sweep is logged and retried."""
        interval = self.services.settings.worker.reaper_interval_seconds
        while not self.stop_event.is_set():
            try:
                self.run_once()
            except Exception as exc:  # the store is down: try again next interval
                logger.warning("reaper: sweep failed: %s", reason_of(exc))
            self.stop_event.wait(interval)

    def run_once(self) -> Sweep:
        reaped = self._reap()
        metrics = self.services.metrics
        requeued = failed = 0
        now = self.clock()
        repaired = self._repair(now)
        deadline = timedelta(seconds=self.services.settings.worker.review_deadline_seconds)
        # only the reviews past their deadline, chosen by the store (ADR 0652): reading every open review, as an
        # ORM row each, cost the embedded intake a tenth of its GIL time under a backlog
        for stored in self.services.reviews.overdue(now, deadline, limit=_SWEEP_LIMIT):
            due = as_utc(stored.deadline_at) if stored.deadline_at else as_utc(stored.created_at) + deadline
            if now <= due:
                continue
            if now > due + deadline:
                self._fail(stored)
                failed += 1
            elif self._requeue(stored):
                requeued += 1
        if requeued:
            metrics.count("tfreview_reaper_actions_total", requeued, action="review_requeued")
        if failed:
            metrics.count("tfreview_reaper_actions_total", failed, action="review_failed")
            metrics.count("tfreview_reviews_finished_total", failed, status="failed")
        return Sweep(reaped, requeued, failed, repaired)

    def _reap(self) -> int:
        """Expired leases: each job is logged as what happened to it — re-queued, or dead-lettered (an ERROR naming
        the job and its review, counted like a worker's dead letter so the dead-letters alert fires; the queue
        enqueued its failure notice with it, ADR 0380)."""
        reaped = self.services.queue.reap()
        metrics = self.services.metrics
        for job in reaped:
            review_id = review_id_of(job) or "none"
            if job.state is JobState.DEAD:
                logger.error(
                    "reaper: job %s (%s) is dead: %s; out of attempts (%s of %s); review %s failed",
                    job.id,
                    job.kind,
                    job.last_error,
                    job.attempts,
                    job.max_attempts,
                    review_id,
                )
                metrics.count("tfreview_jobs_total", kind=job.kind, outcome="dead_lettered")
                if review_id_of(job) is not None:
                    metrics.count("tfreview_reviews_finished_total", status="failed")
            else:
                logger.warning(
                    "reaper: job %s (%s) had an expired lease (attempt %s of %s); re-queued (review %s)",
                    job.id,
                    job.kind,
                    job.attempts,
                    job.max_attempts,
                    review_id,
                )
        if reaped:
            metrics.count("tfreview_reaper_actions_total", len(reaped), action="lease_expired")
        return len(reaped)

    def _repair(self, now: datetime) -> int:
        """Crash consistency: an `in_progress` review that no running job carries any more (its worker was
        SIGKILLed, its lease is gone) goes back to `queued` after one lease; one without a queued job gets one."""
        lease = timedelta(seconds=self.services.settings.worker.lease_seconds)
        repaired = self.services.queue.repair_orphans(now - lease)
        for review_id, queued in repaired:
            stored = self.services.reviews.get(review_id)
            if not queued and stored is not None:
                self._requeue(stored, reason="repair", why="its worker was lost")
            logger.warning("review %s was in progress with no running job; repaired (re-queued)", review_id)
        if repaired:
            self.services.metrics.count("tfreview_reaper_actions_total", len(repaired), action="review_requeued")
        return len(repaired)

    def _requeue(self, stored: StoredReview, *, reason: str = "deadline", why: str = DEADLINE_EXCEEDED) -> bool:
        again = ReviewJob.for_review(stored.tenant_id, stored.id, plan_id=stored.plan_id, reason=reason)
        first = None if stored.plan_id else self._first_job(stored)
        if first is not None:  # the same input as the first job (the pull request it named)
            again = replace(first, key=again.key, review_id=stored.id, ai_rerun=0)
        _, created = self.services.queue.enqueue(again.encode(max_attempts=self.services.settings.worker.max_attempts))
        if created:
            logger.warning("review %s: %s; re-queued once", stored.id, why)
            self.services.reviews.set_status(stored.id, ReviewStatus.QUEUED, f"{why}; re-queued once")
        return created

    def _first_job(self, stored: StoredReview) -> ReviewJob | None:
        """The review's first job (it names the pull request or uploaded plan), when still listed."""
        cursor: str | None = None
        for _ in range(10):
            page = self.services.queue.list(tenant_id=stored.tenant_id, limit=100, cursor=cursor)
            for job in page.items:
                if job.kind == JobKind.REVIEW.value and review_id_of(job) == stored.id:
                    return ReviewJob.decode(job)
            cursor = page.next_cursor
            if cursor is None:
                break
        return None

    def _fail(self, stored: StoredReview) -> None:
        # its failure notice first (ADR 0380): it waits while the review is open, so a reaper killed between the
        # two writes leaves a notice that the next sweep's FAILED lets through, never a failure without one
        notice = PublishJob(stored.tenant_id, stored.id, failed_job=0, failed_at=as_utc(self.clock()).isoformat())
        self.services.queue.enqueue(notice.encode(max_attempts=self.services.settings.worker.max_attempts))
        logger.error("review %s is still %s past its deadline; marked failed", stored.id, stored.status.value)
        self.services.reviews.set_status(stored.id, ReviewStatus.FAILED, DEADLINE_EXCEEDED)
