"""The review job: fetch the input (PlanSource) → `assess` (the CLI's own path) → store → enqueue its publish.

`run_review` is what the worker calls for a claimed `ReviewJob` (a GitHub review's fetch and rules, an uploaded
plan's parsing and rules, in a review process when the services carry them, ADR 0689 and 0702); `fence` is the
attempt's lease check — a lost or abandoned attempt writes nothing and publishes nothing — and `attempt` names it
to the store, which refuses its review writes in their own transaction once another attempt took over (a thawed
worker).

An uploaded plan is stored redacted, so a finding resting on a secret's own shape is gone from it: the
findings kept with the plan at upload (found on the original, `service.uploads.secret_findings`) that the
review of the redacted copy lacks are merged in (issue 9 item 12), with the verdict and counts they change.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tfreview.advisor.builtin import BuiltinAdvisor
from tfreview.core.errors import ConfigError, InputError, NotConfigured
from tfreview.plumbing.hashing import report_hash, sha256_hex
from tfreview.ports.job_types import PublishJob, ReviewJob, SourceKind
from tfreview.ports.jobs import AttemptFence
from tfreview.ports.records import ReviewStatus
from tfreview.ports.review_processes import Finish, FinishedReview, PreparesInput, ReviewStopped, RulesReviewed
from tfreview.ports.service import Fetched
from tfreview.rules import load_rules_for
from tfreview.service.assessment import Assessment, advise_on, assess
from tfreview.service.container import Services
from tfreview.service.finished_reviews import finished_review

Fence = Callable[[], None]

_FINISHED = (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)  # a review job finding these has nothing to do
AI_RERUNS = 3  # times the AI part is tried again after every provider failed
RERUN_SPREAD = 0.5  # a re-run waits its delay and up to half again: reviews one outage failed together come apart (L2)


def run_review(
    services: Services,
    job: ReviewJob,
    fence: Fence,
    *,
    attempt: AttemptFence | None = None,
    time_left: Callable[[], float] | None = None,
    stopped: Callable[[], bool] | None = None,
) -> None:
    """`time_left`: the seconds the job has left (the worker's timeout for it); the AI part keeps within them.
    `stopped`: whether the attempt stopped (timed out, lease lost, released) — a review process working for it is
    killed then (`services.review_processes`, used for GitHub reviews when the services carry it)."""
    review_id = job.review_id
    if not review_id:
        raise InputError("job payload lacks 'review_id'")
    _fail_if_source_unavailable(services, _source_kind_of(job))  # ADR 0395: before the review is read
    stored = services.reviews.get(review_id, job.tenant_id)
    if stored is None:
        raise InputError(f"review {review_id} does not exist")
    if stored.status in _FINISHED and not job.ai_rerun:
        # an earlier attempt of this job saved it and was given back (a shutdown's release, ADR 0660) or failed
        # before its job was recorded: not computed (nor its AI part paid) again; its publish is queued (keyed by
        # review and content: the one it queued already, if it got that far)
        _queue_publish(services, stored.tenant_id, stored.id, stored.content_hash or report_hash(stored.report))
        return
    # An uploaded plan is read from the store whatever its metadata says (a Spacelift after_plan upload too).
    kind = SourceKind.API.value if job.plan_id or stored.plan_id else stored.source.kind
    source = services.sources.get(kind)
    if source is None:
        raise ConfigError(f"no plan source serves {kind!r} reviews")
    if source.unavailable is not None:  # known without fetching: the job fails before any write of its own
        raise NotConfigured(source.unavailable)
    services.reviews.set_status(review_id, ReviewStatus.IN_PROGRESS, attempt=attempt)
    payload = dict(job.encode().payload)
    processes = services.review_processes
    plan_id = job.plan_id or stored.plan_id
    if processes is not None and (kind == SourceKind.GITHUB.value or isinstance(source, PreparesInput)):
        # fetch (or parse) + rules off the server's GIL (ADR 0689, 0702): an upload's bytes are read here, where the
        # store is; unless a model advises, the review process finishes the document too (the built-in advice, the
        # kept findings, the encoding) and only the document crosses back — else the rules' review and change set
        prepared = source.prepare(stored, payload) if isinstance(source, PreparesInput) else None
        kept = _kept(services, kind, plan_id)
        try:
            answer = processes.review(
                stored, payload, stopped or _never, prepared=prepared, finish=_finish(services, job, kept)
            )
        except ReviewStopped:
            fence()  # the attempt stopped: StaleAttempt, as its next write would have raised in-process
            raise
        if isinstance(answer, FinishedReview):
            finished = answer
        else:
            finished = finished_review(_advised(services, job, answer, time_left), kept, answer.policy)
    else:
        fetched = source.fetch(stored, payload)  # GitHub: policy of the .tfreview.toml at head
        kept = _kept(services, kind, plan_id)
        finished = finished_review(_assessed(services, job, fetched, time_left), kept, fetched.policy)
    document = finished.document
    status = ReviewStatus.COMPLETED_WITHOUT_AI if finished.ai_unavailable else ReviewStatus.COMPLETED
    fence()
    saved = services.reviews.save_result(
        review_id,
        status,
        document,
        finished.verdict,
        finished.counts,
        attempt=attempt,
        keys=finished.keys,
        rows=finished.rows,
    )
    services.metrics.observe("tfreview_review_rules_duration_seconds", finished.seconds)
    if not job.ai_rerun:  # a re-run for the AI part is the same review finishing again
        created = stored.created_at if stored.created_at.tzinfo else stored.created_at.replace(tzinfo=UTC)
        took = max(0.0, (datetime.now(UTC) - created).total_seconds())
        services.metrics.count("tfreview_reviews_finished_total", status=status.value)
        services.metrics.observe("tfreview_review_latency_seconds", took, status=status.value)
    content_hash = saved.content_hash or sha256_hex(document.text.encode())
    _queue_publish(services, saved.tenant_id, saved.id, content_hash)
    if finished.retry_ai_later:
        _rerun_ai_later(services, job)


def _never() -> bool:
    return False


def _finish(services: Services, job: ReviewJob, kept: Sequence[Mapping[str, Any]]) -> Finish | None:
    """How the review process finishes the review: all of it unless a model advises (None: its prompt reads the
    change set, and its calls, budget and breakers are the worker's)."""
    advisor = services.advisor
    if advisor is not None and not isinstance(advisor, BuiltinAdvisor):
        return None
    ai_can_fail = services.settings.advisor.ai_can_fail
    return Finish(tuple(kept), advisor is not None, ai_can_fail, job.tenant_id)


def _kept(services: Services, kind: str, plan_id: str | None) -> Sequence[Mapping[str, Any]]:
    """The findings kept with an uploaded plan at upload (none for another source)."""
    return (services.plans.findings(plan_id) or []) if kind == SourceKind.API.value and plan_id else []


def _advised(
    services: Services, job: ReviewJob, reviewed: RulesReviewed, time_left: Callable[[], float] | None
) -> Assessment:
    """The rules' review a review process computed, with the advice merged (the advisor reads the change set, which
    was sent back for it)."""
    if services.advisor is None:
        return Assessment(reviewed.review, None, reviewed.seconds)
    return advise_on(
        reviewed.change_set,
        reviewed.review,
        reviewed.seconds,
        services.advisor,
        ai_can_fail=services.settings.advisor.ai_can_fail,
        tenant_id=job.tenant_id,
        time_left=time_left,
    )


def _assessed(
    services: Services, job: ReviewJob, fetched: Fetched, time_left: Callable[[], float] | None
) -> Assessment:
    """The rules' review, run here, with the advice merged."""
    change_set = fetched.change_set
    return assess(
        change_set,
        load_rules_for(change_set.resource_types()),
        fetched.policy,
        services.advisor,
        ai_can_fail=services.settings.advisor.ai_can_fail,
        tenant_id=job.tenant_id,
        time_left=time_left,
    )


def _queue_publish(services: Services, tenant_id: str, review_id: str, content_hash: str) -> None:
    publish = PublishJob(tenant_id, review_id, content_hash)
    services.queue.enqueue(publish.encode(max_attempts=services.settings.worker.max_attempts))


def _source_kind_of(job: ReviewJob) -> str | None:
    """The plan source the job's review is read from, when the job alone says so (None: its stored review does).

    A pull-request job (the webhook's, the reconciler's) carries its head and no plan: its review was created
    with it, from the same job (`plan_id_of`), so it has no plan either and GitHub serves it. A job naming a
    plan is read from the plan store. A retry or deadline job (`ReviewJob.for_review`) names neither."""
    if job.plan_id:
        return SourceKind.API.value
    if job.pull is not None:
        return SourceKind.GITHUB.value
    return None


def _fail_if_source_unavailable(services: Services, kind: str | None) -> None:
    """NotConfigured when the plan source of `kind` cannot fetch anything (ADR 0352): a permanent failure known
    before any read or write of the review's own (ADR 0395)."""
    source = services.sources.get(kind) if kind is not None else None
    if source is not None and source.unavailable is not None:
        raise NotConfigured(source.unavailable)


def _rerun_ai_later(services: Services, job: ReviewJob) -> None:
    """Every provider failed: review again later so the AI part is added when a provider recovers."""
    rerun = job.ai_rerun_job()
    if rerun.ai_rerun > AI_RERUNS:
        return
    now = datetime.now(UTC)
    new_job = rerun.encode(max_attempts=services.settings.worker.max_attempts)
    delay = timedelta(seconds=services.settings.advisor.rerun_delay_seconds) * rerun.ai_rerun  # the n-th: n times
    spread = delay * random.uniform(0.0, RERUN_SPREAD)  # a spread in time, not a secret
    services.queue.enqueue(new_job, run_after=now + delay + spread)
