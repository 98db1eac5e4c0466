"""The filters of a review listing (`/api/v1/reviews?…`), parsed once and shared by every ReviewStore."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from tfreview.core.errors import InputError
from tfreview.core.severity import Severity
from tfreview.plumbing.clock import as_utc
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.ports.review_codec import FindingKey, finding_keys

FILTER_NAMES = ("source", "repository", "stack_id", "status", "verdict", "since", "until", "finding", "severity")
MAX_FINDING_QUERY = 200
_TEXT_FILTERS = ("source", "repository", "stack_id", "verdict", "finding")


@dataclass(frozen=True, slots=True)
class ReviewFilters:
    source: str | None = None  # SourceInfo.kind: github | spacelift | api
    repository: str | None = None  # owner/name in any case: GitHub's names are case-insensitive (ADR 0596)
    stack_id: str | None = None
    status: ReviewStatus | None = None
    verdict: str | None = None
    since: datetime | None = None  # created_at >= since
    until: datetime | None = None  # created_at < until
    finding: str | None = None  # a finding's rule id (exact) or a part of its address, any case
    severity: Severity | None = None  # has an open finding at or above this severity

    @property
    def severities(self) -> tuple[str, ...]:
        """The severity names at or above `severity` (all of them when it is None)."""
        return tuple(s.value for s in Severity if self.severity is None or s >= self.severity)

    def finding_matches(self, rule_id: str, address: str, severity: str, status: str) -> bool:
        """Whether one finding row satisfies the `finding` and `severity` filters (a resolved finding is
        found by address or rule, but is not open: the severity filter skips it)."""
        if self.severity is not None and (severity not in self.severities or status == "resolved"):
            return False
        if self.finding is None:
            return True
        return rule_id.lower() == self.finding.lower() or searched(self.finding) in searched(address)

    @property
    def on_findings(self) -> bool:
        return self.finding is not None or self.severity is not None

    def matches(self, review: StoredReview) -> bool:
        return (
            (self.source is None or review.source.kind == self.source)
            and (self.repository is None or _same_repository(review.source.repository, self.repository))
            and (self.stack_id is None or review.source.stack_id == self.stack_id)
            and (self.status is None or review.status == self.status)
            and (self.verdict is None or review.verdict == self.verdict)
            and (self.since is None or review.created_at >= self.since)
            and (self.until is None or review.created_at < self.until)
            and (not self.on_findings or any(self._row_matches(f) for f in _findings_of(review)))
        )

    def _row_matches(self, finding: FindingKey) -> bool:
        return self.finding_matches(finding.rule_id, finding.address, finding.severity, finding.status)


def _same_repository(stored: str | None, wanted: str) -> bool:
    """`stored` is `wanted` in any case; a review without a repository (an API upload) is no repository's, not even
    `?repository=`'s — as the SQL stores compare (NULL matches nothing)."""
    return stored is not None and stored.lower() == wanted.lower()


def searched(text: str) -> str:
    """`text` as the `finding` filter compares it (ADR 0596): compatibility-composed (NFKC: `é` typed or
    decomposed, `Ａ` full-width and `A` are one) and case-folded in every script, then composed again (a fold
    may decompose). A needle and an address in this form match whatever the writer's keyboard or editor did."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _findings_of(review: StoredReview) -> list[FindingKey]:
    return finding_keys(review.report) if review.report is not None else []


def parse_review_filters(filters: dict[str, str]) -> ReviewFilters:
    """Raise InputError naming the filter when a name or a value is not understood."""
    unknown = sorted(set(filters) - set(FILTER_NAMES))
    if unknown:
        raise InputError(f"unknown review filter {unknown[0]!r}; known: {', '.join(FILTER_NAMES)}")
    for name in _TEXT_FILTERS:
        value = filters.get(name)
        if value is not None and "\x00" in value:
            # no stored value holds one: PostgreSQL's text cannot, and its driver raised (a 500 on that backend)
            raise InputError(f"{name}: a NUL character (%00) is not allowed in a filter")
    status = filters.get("status")
    if status is not None and status not in {s.value for s in ReviewStatus}:
        raise InputError(f"unknown status {status!r}; known: {', '.join(s.value for s in ReviewStatus)}")
    finding = filters.get("finding")
    if finding is not None and not 1 <= len(finding.strip()) <= MAX_FINDING_QUERY:
        raise InputError(f"finding: give 1 to {MAX_FINDING_QUERY} characters of an address or a rule id")
    severity = filters.get("severity")
    if severity is not None and severity not in {s.value for s in Severity}:
        raise InputError(f"unknown severity {severity!r}; known: {', '.join(s.value for s in Severity)}")
    return ReviewFilters(
        source=filters.get("source"),
        repository=filters.get("repository"),
        stack_id=filters.get("stack_id"),
        status=ReviewStatus(status) if status is not None else None,
        verdict=filters.get("verdict"),
        since=_instant(filters, "since"),
        until=_instant(filters, "until"),
        finding=finding.strip() if finding is not None else None,
        severity=Severity(severity) if severity is not None else None,
    )


def _instant(filters: dict[str, str], name: str) -> datetime | None:
    text = filters.get(name)
    if text is None:
        return None
    try:
        return as_utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):  # OverflowError: an offset pushes the instant past year 1 or 9999
        raise InputError(f"{name}: {text!r} is not an ISO 8601 date-time (e.g. 2025-01-31T12:00:00Z)") from None
