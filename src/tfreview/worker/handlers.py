"""What each kind of job does. Handlers raise; `worker.errors.classify` decides what a failure means.

review         fetch the input (PlanSource) → the same review() as the CLI → store it → enqueue its publish
publish        hand the stored review to the Publisher (idempotent per review and content)
spacelift_run  a run's plan comes from its after_plan upload (reviewed by that upload's job); note it, once
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from tfreview.advisor.merge import apply_advice
from tfreview.advisor.usage import ModelAdvice
from tfreview.core.errors import ConfigError, InputError, UpstreamError
from tfreview.core.findings import Advice, Review
from tfreview.core.jobs import JobKind, NewJob
from tfreview.core.plan import ChangeSet
from tfreview.core.policy import Policy
from tfreview.core.ports import AdviceContext, Advisor
from tfreview.core.records import ReviewStatus, StoredReview
from tfreview.core.redact import scrub_text
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.render.json_report import review_document
from tfreview.rules import load_rules
from tfreview.worker.attempt import Attempt
from tfreview.worker.jobs import SPACELIFT_RUN, publish_job

logger = logging.getLogger("tfreview.worker")

Handler = Callable[[Attempt], None]
FINISHED = (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)
UPLOADED = "api"  # the PlanSource kind of uploaded plans


def handle_review(attempt: Attempt) -> None:
    services, job = attempt.services, attempt.job
    review_id = _text(job.payload, "review_id")
    stored = services.reviews.get(review_id, job.tenant_id)
    if stored is None:
        raise InputError(f"review {review_id} does not exist")
    services.reviews.set_status(review_id, ReviewStatus.IN_PROGRESS)
    # An uploaded plan is read from the store whatever its metadata says (a Spacelift after_plan upload too).
    kind = UPLOADED if job.payload.get("plan_id") or stored.plan_id else stored.source.kind
    source = services.sources.get(kind)
    if source is None:
        raise ConfigError(f"no plan source serves {kind!r} reviews")
    change_set = source.fetch(stored, dict(job.payload))
    policy_for = getattr(source, "policy_for", None)  # GitHub: the repository's .tfreview.toml at head
    policy = policy_for(stored) if callable(policy_for) else Policy()
    result = review(change_set, load_rules(), policy)
    status = ReviewStatus.COMPLETED
    advice = _advise(services.advisor, job.tenant_id, change_set, result)
    if advice is not None:
        result = apply_advice(result, advice, ai_can_fail=services.settings.advisor.ai_can_fail)
        if advice.unavailable_reason is not None:
            status = ReviewStatus.COMPLETED_WITHOUT_AI
    report = review_document(result)
    attempt.check_lease()  # fencing: a lost or abandoned attempt writes nothing and publishes nothing
    saved = services.reviews.save_result(review_id, status, report, result.verdict.value, dict(result.counts))
    content_hash = saved.content_hash or _report_hash(report)
    services.queue.enqueue(publish_job(saved, content_hash, max_attempts=services.settings.worker.max_attempts))
    if isinstance(advice, ModelAdvice) and advice.retry_later:
        _rerun_ai_later(attempt, review_id)


_AI_RERUNS = 3  # times the AI part is tried again after every provider failed


def _advise(advisor: Advisor | None, tenant_id: str, change_set: ChangeSet, result: Review) -> Advice | None:
    """The advice for this review, never an exception: an advisor that breaks leaves the rules' review whole."""
    if advisor is None:
        return None
    per_tenant = getattr(advisor, "for_tenant", None)
    chosen: Advisor = per_tenant(tenant_id) if callable(per_tenant) else advisor
    try:
        return chosen.advise(AdviceContext(change_set, tuple(result.findings), result.coverage))
    except Exception as exc:  # the AI part must never fail the review (issue 5)
        logger.warning("advisor %s failed: %s", getattr(chosen, "name", "?"), scrub_text(str(exc)))
        return Advice(
            summary="",
            risk=Severity.INFO,
            source=getattr(chosen, "name", "advisor"),
            is_llm=True,
            unavailable_reason=f"AI review unavailable: {type(exc).__name__}",
        )


def _rerun_ai_later(attempt: Attempt, review_id: str) -> None:
    """Every provider failed: review again later so the AI part is added when a provider recovers."""
    payload = dict(attempt.job.payload)
    rerun = int(payload.get("ai_rerun", 0)) + 1
    if rerun > _AI_RERUNS:
        return
    payload["ai_rerun"] = rerun
    job = NewJob(
        kind=JobKind.REVIEW.value,
        tenant_id=attempt.job.tenant_id,
        idempotency_key=f"review:{review_id}:ai-rerun:{rerun}",
        payload=payload,
        max_attempts=attempt.services.settings.worker.max_attempts,
    )
    now = datetime.now(UTC)
    delay = timedelta(seconds=attempt.services.settings.advisor.rerun_delay_seconds)
    attempt.services.queue.enqueue(job, run_after=now + delay * rerun)


def handle_publish(attempt: Attempt) -> None:
    services, job = attempt.services, attempt.job
    review_id = _text(job.payload, "review_id")
    stored = services.reviews.get(review_id, job.tenant_id)
    if stored is None:
        raise InputError(f"review {review_id} does not exist; nothing to publish")
    if stored.status not in FINISHED:
        raise InputError(f"review {review_id} is {stored.status.value}; only a finished review is published")
    wanted = job.payload.get("content_hash")
    if wanted and stored.content_hash and wanted != stored.content_hash:
        logger.info("review %s has newer content than this publish job; its own publish job shows it", review_id)
        return
    attempt.check_lease()
    services.publisher.publish(stored)


def handle_spacelift_run(attempt: Attempt) -> None:
    """A run reached a reviewable state. Spacelift's API has no raw plan: the run is reviewed from the plan
    its after_plan hook uploaded (`tfreview submit`), once — this run's review takes that upload's result
    (published by the upload's own job), waits for it while it is being reviewed, or fails saying why."""
    services, payload = attempt.services, attempt.job.payload
    stack_id, run_id = _text(payload, "stack_id"), _text(payload, "run_id")
    review_id = payload.get("review_id")
    upload = next((r for r in _reviews_of_run(attempt, stack_id, run_id) if r.plan_id and r.id != review_id), None)
    if not isinstance(review_id, str):
        logger.info("spacelift run %s/%s: %s", stack_id, run_id, "uploaded" if upload else "no plan uploaded")
        return
    services.reviews.set_status(review_id, ReviewStatus.IN_PROGRESS)
    if upload is None:
        raise UpstreamError(
            f"no plan was uploaded for Spacelift run {stack_id}/{run_id} (yet); "
            "the stack's after_plan hook must run `tfreview submit --spacelift-env`"
        )
    if upload.status is ReviewStatus.FAILED:
        raise InputError(f"the review of this run's uploaded plan ({upload.id}) failed: {upload.status_reason}")
    if upload.status not in FINISHED or upload.report is None:
        raise UpstreamError(f"this run's uploaded plan is still being reviewed (review {upload.id})")
    attempt.check_lease()
    services.reviews.save_result(review_id, upload.status, upload.report, upload.verdict or "", dict(upload.counts))
    logger.info(
        "spacelift run %s/%s: review %s takes the result of upload review %s", stack_id, run_id, review_id, upload.id
    )


HANDLERS: Mapping[str, Handler] = {
    JobKind.REVIEW.value: handle_review,
    JobKind.PUBLISH.value: handle_publish,
    SPACELIFT_RUN: handle_spacelift_run,
}


def _reviews_of_run(attempt: Attempt, stack_id: str, run_id: str) -> list[StoredReview]:
    reviews = attempt.services.reviews
    found: list[StoredReview] = []
    cursor: str | None = None
    for _ in range(20):  # bounded: a stack has few reviews per run
        page = reviews.list(attempt.job.tenant_id, filters={"stack_id": stack_id}, limit=100, cursor=cursor)
        found.extend(r for r in page.items if r.source.run_id == run_id)
        cursor = page.next_cursor
        if cursor is None:
            break
    return found


def _text(payload: Mapping[str, object], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise InputError(f"job payload lacks {name!r}")
    return value


def _report_hash(report: dict[str, object]) -> str:
    canonical = json.dumps(report, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
