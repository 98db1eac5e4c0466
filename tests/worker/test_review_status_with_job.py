"""Issue 9 item 10: a review never stays `in_progress` after its job died — on memory, SQLite and PostgreSQL.

The worker process is killed right after the queue wrote the job's failure (simulated: the first review-status
write the worker itself attempts after `queue.fail` raises `Killed`, a BaseException nothing catches). Before
the fix the review's status was a second write after the job's, and stayed `in_progress` until the review
deadline (30 minutes by default). A worker killed on the job's last attempt is the reaper's case: the job is
dead-lettered when its lease expires, and its review is failed in the same transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import UTC, datetime

from tfreview.ports.job_types import ReviewJob
from tfreview.ports.jobs import AttemptFence, JobState
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.ports.service import ReviewStore
from tfreview.worker.runner import Worker

from .conftest import TENANT, Backend


class Killed(BaseException):
    """SIGKILL, as far as the code after it can tell."""


class DiesOnStatusWrite:
    """The review store as the worker sees it: the process dies when the worker writes a review's status
    after the job ran (the handler's own `in_progress` write, before the job ran, still happens)."""

    def __init__(self, inner: ReviewStore) -> None:
        self.inner = inner
        self.armed = False

    def set_status(
        self,
        review_id: str,
        status: ReviewStatus,
        reason: str | None = None,
        *,
        attempt: AttemptFence | None = None,
        deadline_at: datetime | None = None,
    ) -> None:
        if self.armed:
            raise Killed
        self.inner.set_status(review_id, status, reason, attempt=attempt, deadline_at=deadline_at)
        self.armed = status is ReviewStatus.IN_PROGRESS

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def _queued_review(backend: Backend, review_id: str, *, max_attempts: int) -> None:
    delivery = Delivery("api", f"k-{review_id}", "plan_upload", TENANT, "", datetime.now(UTC))
    job = ReviewJob.for_review(TENANT, review_id, plan_id="no-such-plan").encode(max_attempts=max_attempts)
    backend.services.intake.accept(delivery, b"{}", job, review=(review_id, SourceInfo("api")))


def test_a_worker_killed_after_the_jobs_failure_leaves_no_review_in_progress(backend: Backend) -> None:
    review_id = "r-killed"
    _queued_review(backend, review_id, max_attempts=3)
    services = backend.services
    dying = dataclasses.replace(services, reviews=DiesOnStatusWrite(services.reviews))  # type: ignore[arg-type]  # a proxy of the port

    with contextlib.suppress(Killed):  # the process is gone; what did it leave behind?
        Worker(dying, "w-killed").run_once()

    stored = services.reviews.get(review_id)
    assert stored is not None
    jobs = [j for j in services.queue.list(limit=10).items if j.payload.get("review_id") == review_id]
    [job] = [j for j in jobs if j.kind == "review"]  # the other one is its failure notice, written with it
    assert job.state is JobState.DEAD  # a missing plan is a permanent failure
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason == "uploaded plan no-such-plan was not found (deleted or never stored)"


def test_a_job_dead_lettered_by_the_reaper_takes_its_review_out_of_progress_in_the_same_write(
    backend: Backend,
) -> None:
    review_id = "r-reaped"
    _queued_review(backend, review_id, max_attempts=1)
    services = backend.services
    claimed = services.queue.claim("w-gone")
    assert claimed is not None
    services.reviews.set_status(review_id, ReviewStatus.IN_PROGRESS)  # the worker started, then was killed
    backend.clock.advance(services.settings.worker.lease_seconds + 1)

    assert len(services.queue.reap()) == 1

    job = services.queue.get(claimed.id)
    stored = services.reviews.get(review_id)
    assert job is not None
    assert job.state is JobState.DEAD
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED  # issue 11: a dead job's review fails visibly, saying why
    assert stored.status_reason is not None
    assert "lease expired" in stored.status_reason
    assert "out of attempts (1 of 1)" in stored.status_reason


def test_a_dead_lettered_jobs_review_fails_even_when_it_was_queued_again(backend: Backend) -> None:
    """The last attempt died before its worker marked the review `in_progress` (killed right after its claim):
    the review was `queued` (re-queued by the previous reap) and must not stay so once the job is dead."""
    review_id = "r-queued-dead"
    _queued_review(backend, review_id, max_attempts=1)
    services = backend.services
    claimed = services.queue.claim("w-gone")  # killed before it wrote anything
    assert claimed is not None
    backend.clock.advance(services.settings.worker.lease_seconds + 1)

    assert len(services.queue.reap()) == 1

    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason is not None
    assert "dead-lettered" in stored.status_reason
    listed = services.reviews.list(TENANT, filters={"status": "failed"}).items
    assert [r.id for r in listed] == [review_id]  # what the API and the dashboard list
