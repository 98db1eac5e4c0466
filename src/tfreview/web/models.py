"""Response models (pydantic, at the edge only) so /openapi.json describes every answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from tfreview.core.links import review_api_path, review_page_path
from tfreview.ports.records import Scope, StoredReview
from tfreview.ports.review_codec import report_document


class ProblemOut(BaseModel):
    """An RFC 9457 problem (served as application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str | None = None
    error_id: str | None = None


class WebhookAnswer(BaseModel):
    status: Literal["accepted", "ignored", "duplicate", "pong"]
    delivery: int | None = None
    review: str | None = None
    detail: str | None = None


class UploadAnswer(BaseModel):
    review: str
    url: str = Field(description="the review as JSON (API)")
    page_url: str = Field(description="the review's page on the dashboard (for people)")
    status: Literal["accepted", "duplicate"]


class RecordOut(BaseModel):
    """An answer that shows a record's same-named fields, read as attributes (an enum as its string value):
    the one `of` for the answers that are a plain copy of a port's record."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, record: object) -> Self:
        return cls.model_validate(record)


class SourceOut(RecordOut):
    kind: str
    repository: str | None = None
    pull_request: int | None = None
    commit_sha: str | None = None
    stack_id: str | None = None
    run_id: str | None = None
    account: str | None = None


class ReviewOut(BaseModel):
    id: str
    tenant_id: str
    source: SourceOut
    status: str
    status_reason: str | None = None
    verdict: str | None = None
    created_at: datetime
    updated_at: datetime
    plan_id: str | None = None
    deadline_at: datetime | None = None
    content_hash: str | None = None
    counts: dict[str, Any] = Field(default_factory=dict)
    url: str
    page_url: str = Field(description="the review's page on the dashboard")

    @classmethod
    def of(cls, review: StoredReview) -> ReviewOut:
        return cls(**_review_fields(review))


class ReviewDetail(ReviewOut):
    report: dict[str, Any] | None = Field(default=None, description="The JSON report (render.review_document)")

    @classmethod
    def of(cls, review: StoredReview) -> ReviewDetail:
        report = report_document(review.report) if review.report is not None else None
        return cls(**_review_fields(review), report=report)

    @staticmethod
    def json_of(review: StoredReview, report: bytes | None) -> bytes:
        """`of(review)` as the JSON the API sends, its report given as JSON text already rendered
        (`review_codec.report_json`, kept by `service.report_cache`): the report is not parsed again."""
        fields = ReviewOut.of(review).model_dump_json().encode()
        return b"".join((fields[:-1], b',"report":', b"null" if report is None else report, b"}"))


def _review_fields(review: StoredReview) -> dict[str, Any]:
    return {
        "id": review.id,
        "tenant_id": review.tenant_id,
        "source": SourceOut.of(review.source),
        "status": str(review.status),
        "status_reason": review.status_reason,
        "verdict": review.verdict,
        "created_at": review.created_at,
        "updated_at": review.updated_at,
        "plan_id": review.plan_id,
        "deadline_at": review.deadline_at,
        "content_hash": review.content_hash,
        "counts": dict(review.counts),
        "url": review_api_path(review.id),
        "page_url": review_page_path(review.id),
    }


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    next_cursor: str | None = None


class RetryAnswer(BaseModel):
    review: str
    job: int
    status: str


class DeliveryOut(RecordOut):
    id: int | None
    source: str
    key: str
    event: str
    tenant_id: str
    payload_sha256: str
    received_at: datetime
    job_id: int | None = None
    status: str


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None = None


class JobOut(RecordOut):
    """A job as operators see it (the attempt token, a worker's capability, is never shown)."""

    id: int
    kind: str
    tenant_id: str
    idempotency_key: str
    state: str
    attempts: int
    max_attempts: int
    run_after: datetime
    lease_expires_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime


class JobPage(BaseModel):
    items: list[JobOut]
    next_cursor: str | None = None


class Alive(BaseModel):
    status: Literal["alive"]


class CheckOut(BaseModel):
    name: str
    ok: bool
    detail: str


class Readiness(BaseModel):
    status: Literal["ready", "unready"]
    checks: list[CheckOut]
    queue_depth: int | None = None


class RevokeAll(BaseModel):
    """POST /api/v1/admin/tokens/revoke-all: whose tokens (and which scope; none: every scope)."""

    tenant: str = Field(min_length=1, max_length=200, examples=["github:123"])
    scope: Scope | None = None


class RevokedTokens(BaseModel):
    tenant: str
    scope: Scope | None
    revoked: list[str]  # the ids of the tokens revoked now (those already revoked are not listed)
