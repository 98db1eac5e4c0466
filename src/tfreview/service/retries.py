"""A failed review, tried again on request (POST /api/v1/reviews/{id}/retry): one new job per failure."""

from __future__ import annotations

from datetime import timedelta

from tfreview.ports.job_types import PullRequestHead, ReviewJob, RunState, SourceKind, SpaceliftRunJob
from tfreview.ports.jobs import Job, NewJob
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.service.container import Services


def retry_review(services: Services, review: StoredReview) -> Job:
    """Queue the review again; a double click finds the same job (the key names the failure instant). A new start
    (ADR 0536): the review's deadline counts from the retry, not from its first run."""
    settings = services.settings.worker
    job, _created = services.queue.enqueue(retry_job(review, max_attempts=settings.max_attempts))
    deadline_at = services.clock() + timedelta(seconds=settings.review_deadline_seconds)
    services.reviews.set_status(review.id, ReviewStatus.QUEUED, "retried by request", deadline_at=deadline_at)
    return job


def retry_job(review: StoredReview, *, max_attempts: int) -> NewJob:
    source = review.source
    reason = f"retry:{review.updated_at.isoformat()}"
    if source.kind == SourceKind.SPACELIFT.value and review.plan_id is None and source.stack_id and source.run_id:
        run = RunState(source.stack_id, source.run_id, account=source.account, commit_sha=source.commit_sha)
        typed = SpaceliftRunJob(review.tenant_id, run, review_id=review.id, retry=True)
        return typed.encode(max_attempts=max_attempts, key=f"{typed.key}:{reason}")
    job = ReviewJob.for_review(review.tenant_id, review.id, plan_id=review.plan_id, reason=reason)
    pull = None
    if source.repository and source.pull_request and source.commit_sha:
        pull = PullRequestHead(source.repository, source.pull_request, source.commit_sha)
    kind = SourceKind(source.kind) if source.kind in SourceKind._value2member_map_ else SourceKind.API
    return ReviewJob(job.tenant_id, job.key, review.id, kind, plan_id=review.plan_id, pull=pull, retry=True).encode(
        max_attempts=max_attempts
    )
