"""One review per pull request when a proposed Spacelift run and the PR's own HCL review both exist.

A proposed run on a pull request is reviewed from its plan (Spacelift's after_plan upload); the pull
request is reviewed from its HCL diff (the GitHub integration). The PR gets ONE comment combining them:
the plan review's findings, then the HCL review's findings the plan does not already have (de-duplicated
by finding fingerprint: rule, address, attribute path), the plan's changes (the plan is what will
happen), both coverages, and the worse verdict.

`combined_review(plan, hcl, ...)` is the pure part. `PullRequestCombiner` wraps the GitHub publisher:
whichever of the two reviews finishes last, the PR shows the same combined review — published through
`GitHubPublisher`, which edits its one comment in place. Only repositories listed in
`spacelift_api.pull_request_repositories` are combined (a Spacelift account's review reaches a repository's
PR only when the operator says so), and only plan reviews of the account's own tenant (ADR 0566).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from tfreview.core.errors import TfreviewError
from tfreview.core.findings import Finding, Review, worst_verdict
from tfreview.core.redact import scrub_text
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.plumbing.hashing import report_hash
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.ports.review_codec import encode
from tfreview.ports.service import Publisher, ReviewStore
from tfreview.render.digest import imported

logger = logging.getLogger("tfreview.integrations.spacelift")  # the logger name operators already filter on

FINISHED = (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)
_MAX_PAGES = 10


def merge_reviews(plan: Review, hcl: Review, *, run_label: str) -> Review:
    """The plan review plus what only the HCL review found; the worse verdict; both coverages."""
    seen = {f.fingerprint for f in plan.findings} | {f.fingerprint for f in plan.suppressed}
    findings = [*plan.findings, *_new(hcl.findings, seen)]
    seen |= {f.fingerprint for f in findings}
    suppressed = [*plan.suppressed, *_new(hcl.suppressed, seen)]
    coverage = replace(
        plan.coverage,
        files_parsed=tuple(sorted({*plan.coverage.files_parsed, *hcl.coverage.files_parsed})),
        files_skipped=(*plan.coverage.files_skipped, *hcl.coverage.files_skipped),
        notes=(
            f"Combined review: the plan of Spacelift run {run_label} and this pull request's HCL diff "
            "(findings de-duplicated by fingerprint).",
            *plan.coverage.notes,
            *(n for n in hcl.coverage.notes if n not in plan.coverage.notes),
        ),
    )
    return Review(
        findings=findings,
        suppressed=suppressed,
        changes=list(plan.changes),
        drift=list(plan.drift),
        coverage=coverage,
        verdict=worst_verdict(plan.verdict, hcl.verdict),
        fail_on=plan.fail_on,
        source="plan+hcl",
        label=plan.label or hcl.label,
        terraform_version=plan.terraform_version,
        diagnostics=[*plan.diagnostics, *(d for d in hcl.diagnostics if d not in plan.diagnostics)],
        notices=[*plan.notices, *(n for n in hcl.notices if n not in plan.notices)],
        advice=plan.advice or hcl.advice,
        counts={"imports": imported(plan)},  # the plan's: the one count the renderers read from `counts`
    )


def combined_review(
    plan: StoredReview, hcl: StoredReview | None, *, repository: str, pull_request: int, commit_sha: str | None
) -> StoredReview:
    """The review to publish on the PR: `hcl` alone, `plan` alone, or both merged (a new report and hash)."""
    base = hcl if hcl is not None else plan
    source = SourceInfo(
        kind="github",
        repository=repository,
        pull_request=pull_request,
        commit_sha=commit_sha or base.source.commit_sha,
        stack_id=plan.source.stack_id,
        run_id=plan.source.run_id,
        account=plan.source.account,
    )
    plan_review = plan.review()
    if plan_review is None:
        return replace(base, source=source)
    hcl_review = hcl.review() if hcl is not None else None
    if hcl is None or hcl_review is None:
        return replace(plan, source=source)
    label = f"{plan.source.stack_id}/{plan.source.run_id}"
    merged = merge_reviews(plan_review, hcl_review, run_label=label)
    report = encode(merged)
    status = ReviewStatus.COMPLETED
    if ReviewStatus.COMPLETED_WITHOUT_AI in (plan.status, hcl.status):
        status = ReviewStatus.COMPLETED_WITHOUT_AI
    return replace(
        hcl,
        source=source,
        status=status,
        verdict=merged.verdict.value,
        report=report,
        content_hash=_hash(report),
        counts={"findings": len(merged.findings), "suppressed": len(merged.suppressed)},
        updated_at=max(plan.updated_at, hcl.updated_at),
    )


class PullRequestCombiner:
    """A Publisher for the GitHub side: publishes a PR's review combined with its counterpart.

    For a GitHub (HCL) review: the latest finished Spacelift review of a PROPOSED run on the same PR.
    For a Spacelift review (of a PROPOSED run with a repository and PR number): the latest finished
    GitHub review of that PR. Reviews without a pull request, or of repositories not listed, are skipped."""

    def __init__(
        self, github: Publisher, reviews: ReviewStore, client: SpaceliftClient, settings: SpaceliftApiSettings
    ) -> None:
        self._github = github
        self._reviews = reviews
        self._client = client
        self._repositories = set(settings.pull_request_repositories)
        self._settings = settings

    def publish(self, review: StoredReview) -> None:
        repository, number = review.source.repository, review.source.pull_request
        if not repository or not number:
            if review.source.kind == "github":
                self._github.publish(review)
            return
        allowed = repository.lower() in self._repositories
        if review.source.kind == "github":
            plan = self._latest_plan(repository, number) if allowed else None
            self._github.publish(self._combine(plan, review, repository, number) if plan else review)
            return
        if not allowed or not review.source.stack_id or not review.source.run_id:
            return
        if self._settings.foreign(review.tenant_id, review.source.account) is not None:
            return  # another tenant's plan naming this account's run: the Spacelift publisher logs it (ADR 0566)
        run = self._client.run(review.source.stack_id, review.source.run_id)
        if not run.proposed:
            logger.info("spacelift run %s is %s, not proposed: not published to a PR", run.id, run.type)
            return
        hcl = self._latest(repository, number, "github")
        self._github.publish(self._combine(review, hcl, repository, number))

    def publish_failure(self, review: StoredReview) -> None:
        """A failed GitHub review's notice goes to its PR; a failed Spacelift review is shown on its run (the
        Spacelift publisher), not on the PR, whose comment keeps the last combined review."""
        if review.source.kind == "github":
            self._github.publish_failure(review)

    def _combine(self, plan: StoredReview, hcl: StoredReview | None, repository: str, number: int) -> StoredReview:
        sha = hcl.source.commit_sha if hcl is not None else plan.source.commit_sha
        return combined_review(plan, hcl, repository=repository, pull_request=number, commit_sha=sha)

    def _latest_plan(self, repository: str, number: int) -> StoredReview | None:
        candidate = self._latest(repository, number, "spacelift", tenant_id=self._settings.tenant_id)
        if candidate is None or not candidate.source.stack_id or not candidate.source.run_id:
            return None
        if self._settings.foreign(candidate.tenant_id, candidate.source.account) is not None:
            return None
        try:
            run = self._client.run(candidate.source.stack_id, candidate.source.run_id)
        except TfreviewError as exc:  # the HCL review is still published, alone
            logger.warning("spacelift run lookup for PR %s#%s failed: %s", repository, number, scrub_text(str(exc)))
            return None
        return candidate if run.proposed else None

    def _latest(self, repository: str, number: int, kind: str, *, tenant_id: str | None = None) -> StoredReview | None:
        found: list[StoredReview] = []
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            page = self._reviews.list(
                tenant_id, filters={"source": kind, "repository": repository}, limit=100, cursor=cursor
            )
            found.extend(r for r in page.items if r.source.pull_request == number and r.status in FINISHED)
            cursor = page.next_cursor
            if cursor is None:
                break
        return max(found, key=lambda r: r.updated_at, default=None)


def _new(findings: list[Finding], seen: set[str]) -> list[Finding]:
    out: list[Finding] = []
    for finding in findings:
        if finding.fingerprint not in seen:
            seen.add(finding.fingerprint)
            out.append(finding)
    return out


def _hash(report: dict[str, Any]) -> str:
    return report_hash(report)
