"""The in-memory JobQueue: the same semantics as the jobs table (contract-tested side by side)."""

from __future__ import annotations

import dataclasses
import random
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.job_types import (
    ORPHANED,
    ReviewOutcome,
    failure_notice,
    review_after_expired_lease,
    review_after_failure,
    review_after_hand_retry,
    review_after_lost_worker,
    review_id_of,
    review_while_waiting,
)
from tfreview.ports.jobs import (
    AttemptFence,
    Job,
    JobState,
    NewJob,
    RetryPolicy,
    Settled,
    Settlement,
    StaleAttempt,
    job_error,
    settle_each,
)
from tfreview.ports.records import Page, ReviewStatus
from tfreview.ports.service import ReviewStore
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor
from tfreview.store.queue_settings import WorkerSettings

_OPEN_REVIEWS = (ReviewStatus.IN_PROGRESS,)  # a lost worker's review: only an `in_progress` one moves
_UNFINISHED_REVIEWS = (ReviewStatus.QUEUED, ReviewStatus.IN_PROGRESS)  # a dead-lettered job's review fails

LEASE_EXPIRED = "lease expired (worker crashed or stalled)"


@contextmanager
def fenced_write(queue: MemoryJobQueue | None, lock: threading.RLock, attempt: AttemptFence | None) -> Iterator[None]:
    """Hold `queue`'s lock (then `lock`) while `attempt` is current (StaleAttempt otherwise); with no queue to
    ask, a fenced write is refused: it cannot be shown to come from the current attempt."""
    if attempt is None:
        with lock:
            yield
        return
    if queue is None:
        raise StaleAttempt(attempt.job_id)
    with queue.holding(attempt), lock:
        yield


@runtime_checkable
class FencedReviews(Protocol):
    """A review store that checks a worker's writes against this queue (MemoryReviewStore)."""

    def fenced_by(self, queue: MemoryJobQueue) -> None: ...


@runtime_checkable
class DeadlineReviews(Protocol):
    """A review store whose deadlines the queue moves with a rate-limit wait (MemoryReviewStore)."""

    def postpone_deadline(self, review_id: str, deadline_at: datetime) -> None: ...


class MemoryJobQueue:
    def __init__(
        self,
        settings: WorkerSettings | None = None,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        reviews: ReviewStore | None = None,
    ) -> None:
        self.settings = settings or WorkerSettings()
        self.reviews = reviews  # the reviews its jobs carry: settled under the queue's lock, with the job
        self.policy = RetryPolicy(self.settings.backoff_base_seconds, self.settings.backoff_cap_seconds)
        self.clock = clock
        self.lock = threading.RLock()
        self._rng = rng
        self._jobs: dict[int, Job] = {}
        self._by_key: dict[str, int] = {}
        if isinstance(reviews, FencedReviews):
            reviews.fenced_by(self)  # its workers' review writes are checked against this queue's attempts

    def enqueue(self, job: NewJob, *, run_after: datetime | None = None) -> tuple[Job, bool]:
        with self.lock:
            existing = self._by_key.get(job.idempotency_key)
            if existing is not None:
                return self._jobs[existing], False
            now = self.clock()
            stored = Job(
                id=len(self._jobs) + 1,
                kind=job.kind,
                tenant_id=job.tenant_id,
                idempotency_key=job.idempotency_key,
                payload=dict(job.payload),
                state=JobState.QUEUED,
                attempts=0,
                max_attempts=job.max_attempts,
                run_after=run_after or now,
                attempt_token=None,
                lease_expires_at=None,
                last_error=None,
                created_at=now,
            )
            self._jobs[stored.id] = stored
            self._by_key[job.idempotency_key] = stored.id
            return stored, True

    def claim(self, worker_id: str, *, kinds: Sequence[str] | None = None) -> Job | None:
        with self.lock:
            now = self.clock()
            running: dict[str, int] = {}
            for job in self._jobs.values():
                if job.state == JobState.RUNNING:
                    running[job.tenant_id] = running.get(job.tenant_id, 0) + 1
            candidates = [
                job
                for job in self._jobs.values()
                if job.state == JobState.QUEUED and job.run_after <= now and (kinds is None or job.kind in kinds)
            ]
            if not candidates:
                return None
            chosen = min(candidates, key=lambda j: (running.get(j.tenant_id, 0), j.run_after, j.id))
            claimed = dataclasses.replace(
                chosen,
                state=JobState.RUNNING,
                attempts=chosen.attempts + 1,
                attempt_token=uuid.uuid4().hex,
                lease_expires_at=now + timedelta(seconds=self.settings.lease_seconds),
            )
            self._jobs[claimed.id] = claimed
            return claimed

    def claim_many(self, worker_id: str, limit: int, *, kinds: Sequence[str] | None = None) -> list[Job]:
        if limit < 1:
            raise ValueError("claim_many: limit must be at least 1")
        with self.lock:  # one critical section: nobody claims in between
            claimed: list[Job] = []
            while len(claimed) < limit and (job := self.claim(worker_id, kinds=kinds)) is not None:
                claimed.append(job)
            return claimed

    def settle(self, settlements: Sequence[Settlement]) -> list[Settled]:
        with self.lock:
            return settle_each(
                settlements, self.complete, lambda j, t, e, p, a: self.fail(j, t, e, permanent=p, announce=a)
            )

    @contextmanager
    def holding(self, attempt: AttemptFence) -> Iterator[None]:
        """Hold the queue's lock while `attempt` is its job's current one (StaleAttempt otherwise): a review
        write made inside cannot interleave with a reap or a new claim of that job."""
        with self.lock:
            self._current(attempt.job_id, attempt.token)
            yield

    def _current(self, job_id: int, attempt_token: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None or job.state != JobState.RUNNING or job.attempt_token != attempt_token:
            raise StaleAttempt(job_id)
        return job

    def heartbeat(self, job_id: int, attempt_token: str) -> None:
        with self.lock:
            job = self._current(job_id, attempt_token)
            lease = self.clock() + timedelta(seconds=self.settings.lease_seconds)
            self._jobs[job_id] = dataclasses.replace(job, lease_expires_at=lease)

    def complete(self, job_id: int, attempt_token: str) -> None:
        with self.lock:
            job = self._current(job_id, attempt_token)
            self._jobs[job_id] = dataclasses.replace(
                job, state=JobState.SUCCEEDED, attempt_token=None, lease_expires_at=None
            )

    def fail(
        self, job_id: int, attempt_token: str, error: str, *, permanent: bool = False, announce: bool = True
    ) -> Job:
        with self.lock:
            job = self._current(job_id, attempt_token)
            error = job_error(error)
            if permanent or job.attempts >= job.max_attempts:
                failed = dataclasses.replace(
                    job, state=JobState.DEAD, attempt_token=None, lease_expires_at=None, last_error=error
                )
            else:
                delay = timedelta(seconds=self.policy.delay(job.attempts, self._rng))
                failed = dataclasses.replace(
                    job,
                    state=JobState.QUEUED,
                    attempt_token=None,
                    lease_expires_at=None,
                    last_error=error,
                    run_after=self.clock() + delay,
                )
            self._jobs[job_id] = failed
            self._settle(review_after_failure(failed, error), only_open=False)
            if announce:
                self._announce_death(failed)
            return failed

    def defer(
        self,
        job_id: int,
        attempt_token: str,
        reason: str,
        run_after: datetime,
        *,
        review_deadline_at: datetime | None = None,
    ) -> Job:
        with self.lock:
            job = self._current(job_id, attempt_token)
            deferred = dataclasses.replace(
                job,
                state=JobState.QUEUED,
                attempts=max(0, job.attempts - 1),
                attempt_token=None,
                lease_expires_at=None,
                last_error=job_error(reason),
                run_after=run_after,
            )
            self._jobs[job_id] = deferred
            waiting = review_while_waiting(deferred, deferred.last_error or reason, review_deadline_at)
            # a review the attempt finished before it was given back stays finished (ADR 0660)
            self._settle(waiting, only_open=True, statuses=_UNFINISHED_REVIEWS)
            return deferred

    def reap(self) -> list[Job]:
        with self.lock:
            now = self.clock()
            expired = [
                job
                for job in self._jobs.values()
                if job.state == JobState.RUNNING and job.lease_expires_at is not None and job.lease_expires_at < now
            ]
            reaped: list[Job] = []
            for job in expired:
                dead = job.attempts >= job.max_attempts
                self._jobs[job.id] = dataclasses.replace(
                    job,
                    state=JobState.DEAD if dead else JobState.QUEUED,
                    attempt_token=None,
                    lease_expires_at=None,
                    run_after=job.run_after if dead else now,
                    last_error=LEASE_EXPIRED,
                )
                if dead:
                    lost = review_after_lost_worker(self._jobs[job.id], LEASE_EXPIRED)
                    self._settle(lost, only_open=True, statuses=_UNFINISHED_REVIEWS)
                    self._announce_death(self._jobs[job.id])
                else:
                    self._settle(review_after_expired_lease(self._jobs[job.id], LEASE_EXPIRED), only_open=True)
                reaped.append(self._jobs[job.id])
            return reaped

    def _announce_death(self, job: Job) -> None:
        """Its review failed: the failure notice goes to the queue under the same lock (ADR 0380)."""
        notice = failure_notice(job, self.clock())
        if notice is not None:
            self.enqueue(notice)

    def repair_orphans(self, older_than: datetime) -> list[tuple[str, bool]]:
        if self.reviews is None:
            return []
        with self.lock:
            repaired: list[tuple[str, bool]] = []
            for review in self.reviews.list(None, filters={"status": "in_progress"}, limit=200).items:
                if review.updated_at >= older_than:
                    continue
                states = {job.state for job in self._jobs.values() if review_id_of(job) == review.id}
                if JobState.RUNNING in states:
                    continue
                self._settle(ReviewOutcome(review.id, ReviewStatus.QUEUED, ORPHANED), only_open=True)
                repaired.append((review.id, JobState.QUEUED in states))
            return repaired

    def _settle(
        self, outcome: ReviewOutcome | None, *, only_open: bool, statuses: tuple[ReviewStatus, ...] = _OPEN_REVIEWS
    ) -> None:
        if outcome is None or self.reviews is None:
            return
        review = self.reviews.get(outcome.review_id)
        if review is None or (only_open and review.status not in statuses):
            return
        self.reviews.set_status(outcome.review_id, outcome.status, outcome.reason)
        if outcome.deadline_at is not None and isinstance(self.reviews, DeadlineReviews):
            self.reviews.postpone_deadline(outcome.review_id, outcome.deadline_at)

    def retry(self, job_id: int, tenant_id: str | None = None) -> Job | None:
        with self.lock:
            job = self._jobs.get(job_id)
            if job is None or (tenant_id is not None and job.tenant_id != tenant_id):
                return None
            if job.state != JobState.DEAD:
                return job
            now = self.clock()  # a new start: the bounds of ADR 0515/0530 count from here (ADR 0536)
            requeued = dataclasses.replace(job, state=JobState.QUEUED, attempts=0, run_after=now, created_at=now)
            self._jobs[job_id] = requeued
            deadline_at = now + timedelta(seconds=self.settings.review_deadline_seconds)
            self._settle(review_after_hand_retry(requeued, deadline_at), only_open=False)
            return requeued

    def get(self, job_id: int) -> Job | None:
        with self.lock:
            return self._jobs.get(job_id)

    def list(
        self, *, state: str | None = None, tenant_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Job]:
        check_limit(limit)
        before = int(decode_cursor(cursor, (int,))[0]) if cursor else None
        with self.lock:
            jobs = sorted(
                (
                    job
                    for job in self._jobs.values()
                    if (state is None or job.state == state)
                    and (tenant_id is None or job.tenant_id == tenant_id)
                    and (before is None or job.id < before)
                ),
                key=lambda j: j.id,
                reverse=True,
            )
        items = jobs[:limit]
        return Page(items, encode_cursor(items[-1].id) if len(jobs) > limit else None)

    def depth(self) -> int:
        with self.lock:
            return sum(1 for job in self._jobs.values() if job.state in (JobState.QUEUED, JobState.RUNNING))
