"""Fencing (issue 11): a worker's review writes carry its attempt, and every store refuses them once that
attempt is no longer the job's current one — checked in the write's own transaction, so a worker frozen
(SIGSTOP) past its lease and thawed after another attempt finished cannot overwrite the finished review."""

from __future__ import annotations

import pytest

from tests.contract.conftest import LEASE_SECONDS, Stores
from tfreview.ports.jobs import AttemptFence, Job, NewJob, StaleAttempt
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview

TENANT = "github:1"
REPORT: dict[str, object] = {"schema_version": "1", "findings": [], "verdict": "pass"}


def _review_and_claim(stores: Stores, key: str) -> tuple[StoredReview, Job]:
    review = stores.reviews.create(TENANT, SourceInfo("api"))
    payload = {"review_id": review.id}
    stores.queue.enqueue(NewJob(kind="review", tenant_id=TENANT, idempotency_key=key, payload=payload))
    claimed = stores.queue.claim("w-first")
    assert claimed is not None
    assert claimed.attempt_token is not None
    return review, claimed


def _fence(job: Job) -> AttemptFence:
    assert job.attempt_token is not None
    return AttemptFence(job.id, job.attempt_token)


def test_the_current_attempt_writes_its_review(stores: Stores) -> None:
    review, job = _review_and_claim(stores, "fence-current")
    stores.reviews.set_status(review.id, ReviewStatus.IN_PROGRESS, attempt=_fence(job))
    saved = stores.reviews.save_result(review.id, ReviewStatus.COMPLETED, REPORT, "pass", {}, attempt=_fence(job))
    assert saved.status is ReviewStatus.COMPLETED
    stored = stores.reviews.get(review.id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED


def test_a_thawed_attempt_cannot_overwrite_the_review_a_newer_attempt_finished(stores: Stores) -> None:
    review, frozen = _review_and_claim(stores, "fence-thawed")
    stores.clock.advance(LEASE_SECONDS + 1)  # frozen past its lease
    assert len(stores.queue.reap()) == 1
    newer = stores.queue.claim("w-second")
    assert newer is not None
    assert newer.id == frozen.id
    assert newer.attempt_token != frozen.attempt_token
    stores.reviews.set_status(review.id, ReviewStatus.IN_PROGRESS, attempt=_fence(newer))
    stores.reviews.save_result(
        review.id, ReviewStatus.COMPLETED, REPORT, "pass", {"findings": {}}, attempt=_fence(newer)
    )
    stores.queue.complete(newer.id, _fence(newer).token)

    # the frozen worker wakes up and carries on where it stopped: both of its writes are refused
    with pytest.raises(StaleAttempt):
        stores.reviews.set_status(review.id, ReviewStatus.IN_PROGRESS, attempt=_fence(frozen))
    with pytest.raises(StaleAttempt):
        stores.reviews.save_result(review.id, ReviewStatus.FAILED, {"stale": True}, "fail", {}, attempt=_fence(frozen))

    stored = stores.reviews.get(review.id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert stored.verdict == "pass"
    assert stored.report == REPORT


def test_a_write_from_an_attempt_whose_lease_was_reaped_is_refused_before_any_reclaim(stores: Stores) -> None:
    review, frozen = _review_and_claim(stores, "fence-reaped")
    stores.clock.advance(LEASE_SECONDS + 1)
    assert len(stores.queue.reap()) == 1  # back to the queue, no attempt current
    with pytest.raises(StaleAttempt):
        stores.reviews.set_status(review.id, ReviewStatus.IN_PROGRESS, attempt=_fence(frozen))
    stored = stores.reviews.get(review.id)
    assert stored is not None
    assert stored.status is ReviewStatus.QUEUED


def test_an_attempt_that_completed_or_failed_writes_no_more(stores: Stores) -> None:
    review, job = _review_and_claim(stores, "fence-done")
    stores.queue.fail(job.id, _fence(job).token, "provider down")  # retrying: the token is spent
    with pytest.raises(StaleAttempt):
        stores.reviews.save_result(review.id, ReviewStatus.COMPLETED, REPORT, "pass", {}, attempt=_fence(job))
    stored = stores.reviews.get(review.id)
    assert stored is not None
    assert stored.status is not ReviewStatus.COMPLETED
    assert stored.report is None


def test_an_unknown_job_fences_every_write(stores: Stores) -> None:
    review = stores.reviews.create(TENANT, SourceInfo("api"))
    with pytest.raises(StaleAttempt):
        stores.reviews.set_status(review.id, ReviewStatus.FAILED, "x", attempt=AttemptFence(987654, "0" * 32))
    unfenced = stores.reviews.get(review.id)
    assert unfenced is not None
    assert unfenced.status is ReviewStatus.QUEUED
    stores.reviews.set_status(review.id, ReviewStatus.FAILED, "operator")  # no attempt: not a worker's write
    failed = stores.reviews.get(review.id)
    assert failed is not None
    assert failed.status is ReviewStatus.FAILED


def test_a_dead_lettered_jobs_review_fails_even_when_it_was_queued(stores: Stores) -> None:
    """The last attempt's worker died right after its claim, before it marked the review `in_progress`: once
    the reaper dead-letters the job, its review is `failed` (saying why), never left `queued`."""
    review = stores.reviews.create(TENANT, SourceInfo("api"))
    stores.queue.enqueue(
        NewJob(
            kind="review",
            tenant_id=TENANT,
            idempotency_key="fence-dead",
            payload={"review_id": review.id},
            max_attempts=1,
        )
    )
    assert stores.queue.claim("w-gone") is not None
    stores.clock.advance(LEASE_SECONDS + 1)

    assert len(stores.queue.reap()) == 1

    stored = stores.reviews.get(review.id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason is not None
    assert "dead-lettered" in stored.status_reason
