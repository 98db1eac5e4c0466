"""One frozen type per kind of job: its idempotency key (the tenant always part of it) and its payload codec.

The queue stores a job's payload as a JSON object; this module is the ONLY one that reads or writes its keys.
Drivers build a typed job (`ReviewJob.for_pull_request(...)`, `PublishJob(...)`), `encode()` it into the
queue's `NewJob`, and handlers `decode_job()` what they claim. A key unknown to a codec is kept as it is
(`extra`), so a payload written by a newer or older release survives a round trip.

Idempotency keys (docs/adr/0041): `<kind>:<tenant>:<what makes it the same work>` — two tenants never share
a job, a review or a dedupe slot (issue 9 item 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from tfreview.core.errors import InputError
from tfreview.plumbing.clock import as_utc
from tfreview.ports.jobs import Job, JobState, NewJob
from tfreview.ports.records import ReviewStatus


class SourceKind(StrEnum):
    """Where a review's input comes from (`SourceInfo.kind`, the plan source that serves it)."""

    GITHUB = "github"
    SPACELIFT = "spacelift"
    API = "api"  # an uploaded plan or tarball (`tfreview submit`, POST /api/v1/plans)


class JobKind(StrEnum):
    REVIEW = "review"
    PUBLISH = "publish"
    SPACELIFT_RUN = "spacelift_run"


REVIEW_KINDS = frozenset({JobKind.REVIEW.value, JobKind.SPACELIFT_RUN.value})  # jobs that carry a review


@dataclass(frozen=True, slots=True)
class PullRequestHead:
    """The pull request a GitHub review reads (what the webhook or the reconciler saw)."""

    repository: str
    number: int
    head_sha: str
    base_sha: str | None = None
    head_ref: str | None = None
    base_ref: str | None = None
    installation_id: int | None = None
    action: str | None = None  # "opened", "synchronize", … or "reconcile"
    delivery: str | None = None  # the X-GitHub-Delivery that created the job


@dataclass(frozen=True, slots=True)
class RunState:
    """A Spacelift run in a reviewable state."""

    stack_id: str
    run_id: str
    account: str | None = None
    state: str | None = None
    state_version: int | None = None
    run_type: str | None = None
    commit_sha: str | None = None
    found_by: str | None = None  # "reconciler" when the reconciler, not a webhook, found the run


@dataclass(frozen=True, slots=True)
class ReviewJob:
    """Review one stored review: an uploaded plan (`plan_id`), a pull request (`pull`) or a retry of either."""

    tenant_id: str
    key: str
    review_id: str = ""  # set by the intake (`with_review`) when the review row is created with the job
    source: SourceKind = SourceKind.API
    plan_id: str | None = None
    plan_kind: str | None = None  # "plan" | "tarball"
    pull: PullRequestHead | None = None
    retry: bool = False  # an operator asked for it (POST /reviews/{id}/retry)
    ai_rerun: int = 0  # times the AI part was tried again after every provider failed
    extra: Mapping[str, Any] = field(default_factory=dict)

    kind = JobKind.REVIEW

    @classmethod
    def for_pull_request(cls, tenant_id: str, pull: PullRequestHead) -> ReviewJob:
        """The job of one PR head: the webhook and the reconciler build the same key, so they meet in one job."""
        key = f"github:{tenant_id}:{pull.repository}:{pull.number}:{pull.head_sha}"
        return cls(tenant_id, key, source=SourceKind.GITHUB, pull=pull)

    @classmethod
    def for_upload(cls, tenant_id: str, upload_key: str, source: str, plan_id: str, plan_kind: str) -> ReviewJob:
        """The job of one uploaded plan; `upload_key` is the upload's dedupe key (content, tenant, metadata)."""
        return cls(
            tenant_id, f"api:{tenant_id}:{upload_key}", source=_source(source), plan_id=plan_id, plan_kind=plan_kind
        )

    @classmethod
    def for_review(cls, tenant_id: str, review_id: str, *, plan_id: str | None = None, reason: str = "") -> ReviewJob:
        """Review an existing review again (`reason`: "deadline", "retry:<instant>", …; "" for the first job)."""
        key = f"review:{tenant_id}:{review_id}" + (f":{reason}" if reason else "")
        return cls(tenant_id, key, review_id=review_id, plan_id=plan_id)

    def with_review(self, review_id: str) -> ReviewJob:
        return replace(self, review_id=review_id)

    def ai_rerun_job(self) -> ReviewJob:
        """The same review once more, for its AI part (a provider recovered); keyed by its rerun count."""
        rerun = self.ai_rerun + 1
        return replace(self, key=f"review:{self.tenant_id}:{self.review_id}:ai-rerun:{rerun}", ai_rerun=rerun)

    def encode(self, *, max_attempts: int = 5) -> NewJob:
        payload: dict[str, Any] = {**self.extra, "source": self.source.value}
        if self.review_id:
            payload["review_id"] = self.review_id
        _put(payload, "plan_id", self.plan_id)
        _put(payload, "plan_kind", self.plan_kind)
        if self.pull is not None:
            payload.update(_pull_payload(self.pull))
        if self.retry:
            payload["retry"] = True
        if self.ai_rerun:
            payload["ai_rerun"] = self.ai_rerun
        return NewJob(self.kind.value, self.tenant_id, self.key, payload, max_attempts)

    @classmethod
    def decode(cls, job: Job | NewJob) -> ReviewJob:
        payload = dict(job.payload)
        review_id = _pop_text(payload, "review_id") or ""
        source = _source(payload.pop("source", None) or (SourceKind.GITHUB.value if "head_sha" in payload else "api"))
        plan_id, plan_kind = _pop_text(payload, "plan_id"), _pop_text(payload, "plan_kind")
        retry = payload.pop("retry", False) is True
        ai_rerun = _pop_int(payload, "ai_rerun") or 0
        pull = _pull_from(payload)
        return cls(
            job.tenant_id,
            job.idempotency_key,
            review_id=review_id,
            source=source,
            plan_id=plan_id,
            plan_kind=plan_kind,
            pull=pull,
            retry=retry,
            ai_rerun=ai_rerun,
            extra=payload,
        )


@dataclass(frozen=True, slots=True)
class SpaceliftRunJob:
    """A run reached a reviewable state; it takes the review of the plan its after_plan hook uploaded."""

    tenant_id: str
    run: RunState
    review_id: str = ""
    retry: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    kind = JobKind.SPACELIFT_RUN

    @property
    def key(self) -> str:
        return f"spacelift_run:{self.tenant_id}:{self.run.stack_id}:{self.run.run_id}"

    def with_review(self, review_id: str) -> SpaceliftRunJob:
        return replace(self, review_id=review_id)

    def encode(self, *, max_attempts: int = 5, key: str | None = None) -> NewJob:
        payload: dict[str, Any] = {**self.extra, "source": SourceKind.SPACELIFT.value, **_run_payload(self.run)}
        if self.review_id:
            payload["review_id"] = self.review_id
        if self.retry:
            payload["retry"] = True
        return NewJob(self.kind.value, self.tenant_id, key or self.key, payload, max_attempts)

    @classmethod
    def decode(cls, job: Job | NewJob) -> SpaceliftRunJob:
        payload = dict(job.payload)
        payload.pop("source", None)
        review_id = _pop_text(payload, "review_id") or ""
        retry = payload.pop("retry", False) is True
        stack_id, run_id = _pop_text(payload, "stack_id"), _pop_text(payload, "run_id")
        if not stack_id or not run_id:
            raise InputError("job payload lacks 'stack_id' or 'run_id'")
        run = RunState(
            stack_id,
            run_id,
            account=_pop_text(payload, "account"),
            state=_pop_text(payload, "state"),
            state_version=_pop_int(payload, "state_version"),
            run_type=_pop_text(payload, "run_type"),
            commit_sha=_pop_text(payload, "commit_sha"),
            found_by=_pop_text(payload, "found_by"),
        )
        return cls(job.tenant_id, run, review_id=review_id, retry=retry, extra=payload)


@dataclass(frozen=True, slots=True)
class PublishJob:
    """Publish one version of a finished review's content: the same content is published once.

    With `failed_job` it is the failure notice of a review whose job was dead-lettered (ADR 0380): written by
    the queue in the transaction that dead-letters the job, keyed by that job and the moment it died, so one
    death is announced once and a later death (after a retry) again."""

    tenant_id: str
    review_id: str
    content_hash: str | None = None  # None: whatever the review holds now (an operator's republish)
    failed_job: int | None = None  # the dead-lettered job whose review's failure this publishes (0: the deadline)
    failed_at: str | None = None  # when it died (ISO 8601): part of the key

    kind = JobKind.PUBLISH

    @property
    def key(self) -> str:
        if self.failed_job is not None:
            return f"publish:{self.tenant_id}:{self.review_id}:failed:{self.failed_job}:{self.failed_at or ''}"
        return f"publish:{self.tenant_id}:{self.review_id}:{self.content_hash or ''}"

    @property
    def failure_notice(self) -> bool:
        return self.failed_job is not None

    def encode(self, *, max_attempts: int = 5) -> NewJob:
        payload: dict[str, Any] = {"review_id": self.review_id}
        _put(payload, "content_hash", self.content_hash)
        _put(payload, "failed_job", self.failed_job)
        _put(payload, "failed_at", self.failed_at)
        return NewJob(self.kind.value, self.tenant_id, self.key, payload, max_attempts)

    @classmethod
    def decode(cls, job: Job | NewJob) -> PublishJob:
        payload = dict(job.payload)
        review_id = _pop_text(payload, "review_id")
        if not review_id:
            raise InputError("job payload lacks 'review_id'")
        content_hash = _pop_text(payload, "content_hash")
        return cls(
            job.tenant_id, review_id, content_hash, _pop_int(payload, "failed_job"), _pop_text(payload, "failed_at")
        )


def failure_notice(job: Job, died_at: datetime) -> NewJob | None:
    """The publish job announcing that `job` (dead-lettered at `died_at`) failed its review where the review
    would have been published; None for a job that carries no review. The queue enqueues it in the
    transaction that dead-letters the job (ADR 0380)."""
    review_id = review_id_of(job)
    if review_id is None or job.state is not JobState.DEAD:
        return None
    notice = PublishJob(job.tenant_id, review_id, failed_job=job.id, failed_at=as_utc(died_at).isoformat())
    return notice.encode()


TypedJob = ReviewJob | SpaceliftRunJob | PublishJob


def decode_job(job: Job | NewJob) -> TypedJob:
    """The typed job of a queued one; InputError (permanent) for a kind or payload this release cannot read."""
    if job.kind == JobKind.REVIEW.value:
        return ReviewJob.decode(job)
    if job.kind == JobKind.SPACELIFT_RUN.value:
        return SpaceliftRunJob.decode(job)
    if job.kind == JobKind.PUBLISH.value:
        return PublishJob.decode(job)
    raise InputError(f"no job kind {job.kind!r}")


def review_id_of(job: Job | NewJob) -> str | None:
    """The review a job carries (review and spacelift_run jobs), without decoding the rest."""
    value = job.payload.get("review_id") if job.kind in REVIEW_KINDS else None
    return value if isinstance(value, str) and value else None


def review_marker(review_id: str) -> str:
    """How a payload stored as `json.dumps(..., sort_keys=True)` spells the review it carries: what a store
    searches its payload text for (one spelling)."""
    return f'"review_id": "{review_id}"'


def plan_id_of(job: Job | NewJob) -> str | None:
    value = job.payload.get("plan_id")
    return value if isinstance(value, str) and value else None


def _source(value: object) -> SourceKind:
    try:
        return SourceKind(str(value))
    except ValueError:
        raise InputError(f"unknown source kind {value!r}") from None


def _put(payload: dict[str, Any], name: str, value: object) -> None:
    if value is not None:
        payload[name] = value


def _pop_text(payload: dict[str, Any], name: str) -> str | None:
    value = payload.pop(name, None)
    return value if isinstance(value, str) and value else None


def _pop_int(payload: dict[str, Any], name: str) -> int | None:
    value = payload.pop(name, None)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_PULL_FIELDS = ("base_sha", "head_ref", "base_ref", "installation_id", "action", "delivery")


def _pull_payload(pull: PullRequestHead) -> dict[str, Any]:
    payload: dict[str, Any] = {"repository": pull.repository, "pull_request": pull.number, "head_sha": pull.head_sha}
    for name in _PULL_FIELDS:
        payload[name] = getattr(pull, name)
    return payload


def _pull_from(payload: dict[str, Any]) -> PullRequestHead | None:
    repository, number, head = payload.get("repository"), payload.get("pull_request"), payload.get("head_sha")
    if not (isinstance(repository, str) and isinstance(number, int) and isinstance(head, str)):
        return None
    for name in ("repository", "pull_request", "head_sha"):
        payload.pop(name)
    return PullRequestHead(
        repository,
        number,
        head,
        base_sha=_pop_text(payload, "base_sha"),
        head_ref=_pop_text(payload, "head_ref"),
        base_ref=_pop_text(payload, "base_ref"),
        installation_id=_pop_int(payload, "installation_id"),
        action=_pop_text(payload, "action"),
        delivery=_pop_text(payload, "delivery"),
    )


def _run_payload(run: RunState) -> dict[str, Any]:
    return {
        "stack_id": run.stack_id,
        "run_id": run.run_id,
        "account": run.account,
        "state": run.state,
        "state_version": run.state_version,
        "run_type": run.run_type,
        "commit_sha": run.commit_sha,
        **({"found_by": run.found_by} if run.found_by else {}),
    }


@dataclass(frozen=True, slots=True)
class SourceFields:
    """What a plan source reads from a review job's payload, as the payload holds it (None: not said). The
    source checks each value and falls back on the stored review; the keys stay in this module."""

    plan_id: object = None
    repository: object = None
    pull_request: object = None
    head_sha: object = None
    base_sha: object = None
    installation_id: object = None


def source_fields(payload: Mapping[str, object]) -> SourceFields:
    keys = ("plan_id", "repository", "pull_request", "head_sha", "base_sha", "installation_id")  # SourceFields' order
    return SourceFields(*(payload.get(key) for key in keys))


def log_fields(job: Job) -> dict[str, object]:
    """The review and the delivery a job's log lines are bound to (None where its payload names none)."""
    return {"review_id": job.payload.get("review_id"), "delivery_id": job.payload.get("delivery")}


def pull_request_fields(payload: Mapping[str, object]) -> PullRequestHead | None:
    """The pull request named by a review job's payload (the GitHub plan source reads it through this)."""
    return _pull_from(dict(payload))


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """What a settled job means for the review it carries, written with the job in ONE transaction (issue 9.10)."""

    review_id: str
    status: ReviewStatus
    reason: str
    deadline_at: datetime | None = None  # set: the review's deadline moves there (a rate-limit wait, ADR 0515)


def review_after_failure(job: Job, reason: str) -> ReviewOutcome | None:
    """The review's status once `job` (as it is after its failure: queued again, or dead) has failed."""
    review_id = review_id_of(job)
    if review_id is None:
        return None
    if job.state is JobState.DEAD:
        return ReviewOutcome(review_id, ReviewStatus.FAILED, reason)
    text = f"attempt {job.attempts} of {job.max_attempts} failed: {reason}; retrying"
    return ReviewOutcome(review_id, ReviewStatus.QUEUED, text)


def review_after_lost_worker(job: Job, reason: str) -> ReviewOutcome | None:
    """The review's status once the reaper dead-letters `job` (its last worker died): FAILED, saying why — a
    dead job's review never stays `queued` or `in_progress` (visible in the API and the dashboard)."""
    review_id = review_id_of(job)
    if review_id is None:
        return None
    text = f"{reason}; out of attempts ({job.attempts} of {job.max_attempts}): the job is dead-lettered"
    return ReviewOutcome(review_id, ReviewStatus.FAILED, text)


def review_after_expired_lease(job: Job, reason: str) -> ReviewOutcome | None:
    """The review's status once the reaper re-queues `job` (its worker died mid-attempt): back to `queued`
    at once — not `in_progress` until the review deadline (issue 11: crash consistency)."""
    review_id = review_id_of(job)
    if review_id is None:
        return None
    return ReviewOutcome(
        review_id, ReviewStatus.QUEUED, f"{reason}; re-queued (attempt {job.attempts} of {job.max_attempts})"
    )


ORPHANED = "its job is no longer running (worker lost)"


HAND_RETRY = "retried by hand"


def review_after_hand_retry(job: Job, deadline_at: datetime) -> ReviewOutcome | None:
    """The review's status once its dead `job` is retried by hand (ADR 0536): queued again at once, its deadline
    counted from the retry — not `failed` until a worker claims the job, nor past a deadline of its first run."""
    review_id = review_id_of(job)
    if review_id is None:
        return None
    return ReviewOutcome(review_id, ReviewStatus.QUEUED, HAND_RETRY, deadline_at)


def review_while_waiting(job: Job, reason: str, deadline_at: datetime | None = None) -> ReviewOutcome | None:
    """The review's status while `job` waits for a dependency (not a failure: no attempt is counted); with
    `deadline_at`, the review's deadline moves there (it waits out a rate limit: ADR 0515)."""
    review_id = review_id_of(job)
    if review_id is None:
        return None
    return ReviewOutcome(review_id, ReviewStatus.QUEUED, f"waiting: {reason}", deadline_at)
