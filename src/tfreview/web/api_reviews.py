"""/api/v1/reviews: list (filters, cursor pagination), one review with its report, retry a failed one.

Every query is scoped to the caller's tenant: another tenant's review is 404, exactly like a
missing one (no existence leak).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from tfreview.core.errors import InputError, NotFound
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.ports.review_codec import report_json
from tfreview.service.container import Services
from tfreview.service.retries import retry_review as retry_review_job
from tfreview.web.context import Reader, ServicesDep, Writer
from tfreview.web.models import ProblemOut, RetryAnswer, ReviewDetail, ReviewOut, ReviewPage
from tfreview.web.problems import Conflict
from tfreview.web.request_audit import record_action

router = APIRouter(prefix="/api/v1/reviews", tags=["reviews"])
_ERRORS: dict[int | str, dict[str, object]] = {s: {"model": ProblemOut} for s in (401, 403, 404, 422, 503)}
ReviewId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Limit = Annotated[int, Query(ge=1, description="page size (clamped to api.page_size_max)")]
Cursor = Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")]


@router.get("", response_model=ReviewPage, responses=_ERRORS, summary="List reviews")
def list_reviews(
    principal: Reader,
    services: ServicesDep,
    source: Annotated[Literal["github", "spacelift", "api"] | None, Query()] = None,
    repository: Annotated[str | None, Query(max_length=201)] = None,
    stack_id: Annotated[str | None, Query(max_length=128)] = None,
    status: Annotated[ReviewStatus | None, Query()] = None,
    verdict: Annotated[Literal["pass", "warn", "fail"] | None, Query()] = None,
    since: Annotated[datetime | None, Query(description="created at or after (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="created before (ISO 8601)")] = None,
    finding: Annotated[
        str | None, Query(min_length=1, max_length=200, description="a rule id, or a part of a resource address")
    ] = None,
    severity: Annotated[
        Literal["critical", "high", "medium", "low", "info"] | None,
        Query(description="has an open finding at or above this severity"),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ReviewPage:
    filters: dict[str, str] = {}
    for name, value in (
        ("source", source),
        ("repository", repository),
        ("stack_id", stack_id),
        ("verdict", verdict),
        ("finding", finding),
        ("severity", severity),
    ):
        if value is not None:
            filters[name] = value
    if status is not None:
        filters["status"] = status.value
    if since is not None:
        filters["since"] = _utc(since, "since").isoformat()
    if until is not None:
        filters["until"] = _utc(until, "until").isoformat()
    page = services.reviews.list(
        principal.tenant_id,
        filters=filters,
        limit=min(limit, services.settings.api.page_size_max),
        cursor=cursor,
        with_report=False,
    )
    return ReviewPage(items=[ReviewOut.of(review) for review in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{review_id}",
    response_model=ReviewDetail,
    responses={**_ERRORS, 409: {"model": ProblemOut, "description": "a newer release stored this review"}},
    summary="One review with its report",
)
def get_review(review_id: ReviewId, principal: Reader, services: ServicesDep) -> Response:
    # first without the report: when its rendering is kept, the stored document is neither read nor parsed
    # (ADR 0372); else read again, whole (a review stored again in between is simply the newer one)
    light = _review(services, review_id, principal.tenant_id, with_report=False)
    kept = services.reports.held(light, "api")
    if kept is not None:
        return Response(ReviewDetail.json_of(light, kept), media_type="application/json")
    review = _review(services, review_id, principal.tenant_id)
    stored = review.report
    try:  # rendered once per stored document (ADR 0340), sent as rendered: ReviewDetail.of's JSON
        report = None if stored is None else services.reports.rendered(review, "api", lambda: report_json(stored))
    except InputError as exc:  # the stored document, not the request: 409 as the download answers (ADR 0250)
        raise Conflict(f"review {review_id} cannot be read by this release: {exc}") from None
    return Response(ReviewDetail.json_of(review, report), media_type="application/json")


@router.post(
    "/{review_id}/retry",
    response_model=RetryAnswer,
    status_code=202,
    responses={**_ERRORS, 409: {"model": ProblemOut, "description": "the review has not failed"}},
    summary="Queue a failed review again",
)
def retry_review(request: Request, review_id: ReviewId, principal: Writer, services: ServicesDep) -> RetryAnswer:
    review = _review(services, review_id, principal.tenant_id)
    if review.status is not ReviewStatus.FAILED:
        raise Conflict(f"review {review_id} is {review.status.value}; only a failed review can be retried")
    job = retry_review_job(services, review)
    detail = {"tenant": review.tenant_id, "job_id": job.id}
    record_action(request, "review.retry", actor=principal.subject, target=f"review:{review_id}", detail=detail)
    return RetryAnswer(review=review.id, job=job.id, status=ReviewStatus.QUEUED.value)


def _review(services: Services, review_id: str, tenant_id: str | None, *, with_report: bool = True) -> StoredReview:
    review = services.reviews.get(review_id, tenant_id, with_report=with_report)
    if review is None:
        raise NotFound(f"review {review_id} not found")
    return review


def _utc(moment: datetime, name: str) -> datetime:
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-12:00 is past the last instant a datetime can hold in UTC
        raise InputError(f"{name}: the instant is out of range once converted to UTC") from None
