"""What the service keeps: tenants, deliveries, stored reviews, API tokens. Plain data, no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from tfreview.core.findings import Review


class ReviewStatus(StrEnum):
    QUEUED = "queued"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    COMPLETED_WITHOUT_AI = "completed_without_ai"
    FAILED = "failed"


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"

    def allows(self, needed: Scope) -> bool:
        order = {Scope.READ: 0, Scope.WRITE: 1, Scope.ADMIN: 2}
        return order[self] >= order[needed]


@dataclass(frozen=True, slots=True)
class Tenant:
    id: str  # "github:<installation or org id>" | "spacelift:<account>"
    kind: str  # "github" | "spacelift"
    name: str


@dataclass(frozen=True, slots=True)
class RunStateVersion:
    """A Spacelift run's state as a notification reports it; the highest `state_version` seen is kept."""

    run_id: str
    state: str
    state_version: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """One accepted webhook or upload, stored raw (bytes as received) for audit and requeue."""

    source: str  # "github" | "spacelift" | "api"
    key: str  # dedupe key: X-GitHub-Delivery; Spacelift "<run>:<state>:<stateVersion>"; upload id
    event: str  # "pull_request.opened", "run_state.FINISHED", "plan_upload"
    tenant_id: str
    payload_sha256: str
    received_at: datetime
    id: int | None = None
    job_id: int | None = None
    status: str = "accepted"  # accepted | ignored
    review_id: str | None = None  # the review of its job, new or joined (returned by Intake.accept; lists: None)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a review's input came from; every field optional."""

    kind: str  # "github" | "spacelift" | "api"
    repository: str | None = None
    pull_request: int | None = None
    commit_sha: str | None = None
    stack_id: str | None = None
    run_id: str | None = None
    account: str | None = None

    def label(self, fallback: str) -> str:
        """How a person names this input: the Spacelift stack and run, else the repository and commit."""
        if self.stack_id and self.run_id:
            return f"Spacelift stack {self.stack_id} run {self.run_id}"
        if self.repository:
            where = f"{self.repository}#{self.pull_request}" if self.pull_request else self.repository
            return f"{where} @ {self.commit_sha[:12]}" if self.commit_sha else where
        return fallback


@dataclass(frozen=True, slots=True)
class StoredReview:
    id: str
    tenant_id: str
    source: SourceInfo
    status: ReviewStatus
    created_at: datetime
    updated_at: datetime
    status_reason: str | None = None
    verdict: str | None = None
    # the stored review document (ports.review_codec: version 1, or the JSON report stored before it), redacted;
    # read it with `review()`, show it to users with `review_codec.report_document`
    report: dict[str, Any] | None = None
    content_hash: str | None = None  # sha256 of the canonical stored document
    plan_id: str | None = None
    deadline_at: datetime | None = None
    counts: dict[str, Any] = field(default_factory=dict)

    def review(self) -> Review | None:
        """The typed Review this record holds (None before it finished); InputError for a document this
        release cannot read (a newer codec version, a damaged row)."""
        if self.report is None:
            return None
        from tfreview.ports.review_codec import decode  # the codec imports the renderers: only when read

        return decode(self.report)


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: str  # public id, shown in lists; the secret is never stored, only its hash
    tenant_id: str
    scope: Scope
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling the API: an OIDC subject or an API token, bound to one tenant (None: every tenant)."""

    subject: str
    tenant_id: str | None  # None only for an operator with the admin scope across tenants
    scope: Scope
    kind: str  # "oidc" | "token"
