"""A stored review as the review page shows it: the typed Review (read back by ports.review_codec),
destroys and replaces first with what they touch, findings by status, the AI part, coverage, links."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tfreview.core.errors import InputError
from tfreview.core.findings import ChangeEntry, Finding, Review, Status
from tfreview.core.severity import Severity
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.render.digest import (
    change_reason,
    destroys,
    headline,
    suppressed_before_the_change,
    suppressed_by_the_change,
    tally,
)
from tfreview.render.json_report import advice_document

FINISHED = (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)
SECTION_LIMIT = 250  # findings shown per section (most severe first) unless the reader asks for all
UNFINISHED = (ReviewStatus.QUEUED, ReviewStatus.IN_PROGRESS)
_SEVERITY_ORDER = {s: -s.rank for s in Severity}


@dataclass(frozen=True, slots=True)
class Destroy:
    """A resource the change deletes or replaces, and its blast radius as the stored report knows it."""

    entry: ChangeEntry
    reason: str
    findings: list[Finding]  # open findings on this very address
    neighbours: int  # other resources of the same module that this change also touches


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass
class ReviewView:
    stored: StoredReview
    review: Review | None = None
    headline: str = ""
    destroys: list[Destroy] = field(default_factory=list)
    introduced: list[Finding] = field(default_factory=list)
    existing: list[Finding] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    suppressed_own: list[Finding] = field(default_factory=list)  # introduced and suppressed: in the open (ADR 0562)
    suppressed_older: list[Finding] = field(default_factory=list)  # the other suppressions: folded
    counts: dict[str, int] = field(default_factory=dict)  # the whole review's, whatever is shown
    clipped: bool = False  # some section shows only its first SECTION_LIMIT findings
    usage: dict[str, Any] = field(default_factory=dict)  # the AI's tokens and cost, when the report carries them
    links: list[Link] = field(default_factory=list)
    unreadable: str | None = None  # why the stored report could not be read back

    @property
    def finished(self) -> bool:
        return self.stored.status in FINISHED

    @property
    def waiting(self) -> bool:
        return self.stored.status in UNFINISHED


def review_view(
    stored: StoredReview, *, github_web: str = "https://github.com", limit: int | None = SECTION_LIMIT
) -> ReviewView:
    view = ReviewView(stored=stored, links=source_links(stored.source, github_web))
    try:
        review = stored.review()
    except InputError as exc:  # a document of another version: the page says so instead of failing
        view.unreadable = str(exc)
        return view
    if review is None:
        return view
    view.review = review
    view.headline = headline(review)
    t = tally(review)
    view.counts = {"introduced": t.introduced, "existing": t.existing, "resolved": t.resolved, "destroys": t.destroys}
    sections = [_ordered(review.by_status(s)) for s in (Status.INTRODUCED, Status.EXISTING, Status.RESOLVED)]
    view.clipped = limit is not None and any(len(found) > limit for found in sections)
    view.introduced, view.existing, view.resolved = (found[:limit] for found in sections)
    view.suppressed_own = suppressed_by_the_change(review)
    view.suppressed_older = suppressed_before_the_change(review, view.suppressed_own)
    view.destroys = destroys_first(review)
    advice = advice_document(review.advice)  # what the JSON report says the AI review cost
    if advice is not None and isinstance(advice.get("usage"), dict):
        view.usage = {k: v for k, v in advice["usage"].items() if isinstance(v, int | float | str)}
    return view


def destroys_first(review: Review) -> list[Destroy]:
    """Deletes and replaces (replaces first: they take the resource away and bring another)."""
    open_findings: dict[str, list[Finding]] = {}
    for finding in review.findings:
        if finding.status is not Status.RESOLVED:
            open_findings.setdefault(finding.address, []).append(finding)
    modules = Counter(module_of(c.address) for c in review.changes)
    ordered = destroys(review)  # data loss first, then the widest blast radius
    return [
        Destroy(
            entry=entry,
            reason=change_reason(entry),
            findings=_ordered(open_findings.get(entry.address, [])),
            neighbours=modules[module_of(entry.address)] - 1,
        )
        for entry in ordered
    ]


def module_of(address: str) -> str:
    """`module.a.module.b` of `module.a.module.b.aws_s3_bucket.x` ("" at the root)."""
    parts = address.split(".")
    kept: list[str] = []
    index = 0
    while index + 1 < len(parts) and parts[index] == "module":
        kept.extend(parts[index : index + 2])
        index += 2
    return ".".join(kept)


def github_web_url(api_url: str) -> str:
    """`https://github.com` for api.github.com; `https://HOST` for GitHub Enterprise's `https://HOST/api/v3`."""
    base = api_url.rstrip("/")
    if base == "https://api.github.com":
        return "https://github.com"
    return base.removesuffix("/api/v3")


def source_links(source: SourceInfo, github_web: str = "https://github.com") -> list[Link]:
    links: list[Link] = []
    if source.repository and source.pull_request:
        links.append(
            Link(
                f"{source.repository}#{source.pull_request}",
                f"{github_web}/{source.repository}/pull/{source.pull_request}",
            )
        )
    elif source.repository and source.commit_sha:
        links.append(
            Link(
                f"{source.repository}@{source.commit_sha[:12]}",
                f"{github_web}/{source.repository}/commit/{source.commit_sha}",
            )
        )
    if source.account and source.stack_id and source.run_id:
        links.append(
            Link(
                f"{source.stack_id} run {source.run_id}",
                f"https://{source.account}.app.spacelift.io/stack/{source.stack_id}/run/{source.run_id}",
            )
        )
    return links


def source_label(source: SourceInfo) -> str:
    if source.repository:
        return f"{source.repository}#{source.pull_request}" if source.pull_request else source.repository
    if source.stack_id:
        return f"{source.stack_id} · {source.run_id}" if source.run_id else source.stack_id
    return "upload"


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.address, f.rule_id))
