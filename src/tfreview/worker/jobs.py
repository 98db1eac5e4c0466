"""The jobs the worker runs, and how to build them (the web app, the CLI and the reaper use these)."""

from __future__ import annotations

from tfreview.ports.jobs import JobKind, NewJob
from tfreview.ports.records import StoredReview

SPACELIFT_RUN = "spacelift_run"


def review_job(tenant_id: str, review_id: str, *, plan_id: str | None = None, max_attempts: int = 5) -> NewJob:
    """The job that reviews `review_id` (its input: the uploaded plan `plan_id`, or the review's source)."""
    payload: dict[str, object] = {"review_id": review_id}
    if plan_id is not None:
        payload["plan_id"] = plan_id
    return NewJob(JobKind.REVIEW.value, tenant_id, f"review:{review_id}", payload, max_attempts)


def publish_job(review: StoredReview, content_hash: str, *, max_attempts: int = 5) -> NewJob:
    """Publishing one version of a review's content: the same content is published once."""
    payload: dict[str, object] = {"review_id": review.id, "content_hash": content_hash}
    return NewJob(JobKind.PUBLISH.value, review.tenant_id, f"publish:{review.id}:{content_hash}", payload, max_attempts)


def spacelift_run_job(tenant_id: str, stack_id: str, run_id: str, *, max_attempts: int = 5) -> NewJob:
    """A Spacelift run reached a state worth reviewing; reviewed from the plan its after_plan hook uploaded."""
    payload: dict[str, object] = {"stack_id": stack_id, "run_id": run_id}
    return NewJob(SPACELIFT_RUN, tenant_id, f"spacelift_run:{tenant_id}:{stack_id}:{run_id}", payload, max_attempts)
