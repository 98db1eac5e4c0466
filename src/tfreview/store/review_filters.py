"""The filters of a review listing (`/api/v1/reviews?…`), parsed once and shared by every ReviewStore."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tfreview.core.errors import InputError
from tfreview.plumbing.clock import as_utc
from tfreview.ports.records import ReviewStatus, StoredReview

FILTER_NAMES = ("source", "repository", "stack_id", "status", "verdict", "since", "until")


@dataclass(frozen=True, slots=True)
class ReviewFilters:
    source: str | None = None  # SourceInfo.kind: github | spacelift | api
    repository: str | None = None
    stack_id: str | None = None
    status: ReviewStatus | None = None
    verdict: str | None = None
    since: datetime | None = None  # created_at >= since
    until: datetime | None = None  # created_at < until

    def matches(self, review: StoredReview) -> bool:
        return (
            (self.source is None or review.source.kind == self.source)
            and (self.repository is None or review.source.repository == self.repository)
            and (self.stack_id is None or review.source.stack_id == self.stack_id)
            and (self.status is None or review.status == self.status)
            and (self.verdict is None or review.verdict == self.verdict)
            and (self.since is None or review.created_at >= self.since)
            and (self.until is None or review.created_at < self.until)
        )


def parse_review_filters(filters: dict[str, str]) -> ReviewFilters:
    """Raise InputError naming the filter when a name or a value is not understood."""
    unknown = sorted(set(filters) - set(FILTER_NAMES))
    if unknown:
        raise InputError(f"unknown review filter {unknown[0]!r}; known: {', '.join(FILTER_NAMES)}")
    status = filters.get("status")
    if status is not None and status not in {s.value for s in ReviewStatus}:
        raise InputError(f"unknown status {status!r}; known: {', '.join(s.value for s in ReviewStatus)}")
    return ReviewFilters(
        source=filters.get("source"),
        repository=filters.get("repository"),
        stack_id=filters.get("stack_id"),
        status=ReviewStatus(status) if status is not None else None,
        verdict=filters.get("verdict"),
        since=_instant(filters, "since"),
        until=_instant(filters, "until"),
    )


def _instant(filters: dict[str, str], name: str) -> datetime | None:
    text = filters.get(name)
    if text is None:
        return None
    try:
        return as_utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):  # OverflowError: an offset pushes the instant past year 1 or 9999
        raise InputError(f"{name}: {text!r} is not an ISO 8601 date-time (e.g. 2025-01-31T12:00:00Z)") from None
