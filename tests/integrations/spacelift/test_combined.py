"""One review per PR: a proposed run's plan review combined with the PR's HCL review."""

from __future__ import annotations

import dataclasses

from tests.fakes.spacelift import FakeSpacelift
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.ports.review_codec import report_document
from tfreview.publish.recording import RecordingPublisher
from tfreview.service.combining import PullRequestCombiner, combined_review
from tfreview.store.memory import MemoryReviewStore

from .conftest import STACK, plan_report, stored_review

REPO = "acme/infra"


def hcl_report() -> dict[str, object]:
    """An HCL review: three findings the plan also has (same fingerprints), one of its own, verdict warn."""
    report = plan_report(drop_findings=2)
    extra = dict(report["findings"][0])
    extra["rule_id"], extra["fingerprint"], extra["status"] = "TFR-HCL-ONLY", "hclonly0000000000000", "introduced"
    report["findings"] = [*report["findings"], extra]
    report["verdict"] = "warn"
    report["coverage"] = {**report["coverage"], "files_parsed": ["main.tf"], "notes": ["HCL: modules followed"]}
    return report


def test_plan_and_hcl_findings_are_merged_once_by_fingerprint() -> None:
    plan = stored_review(review_id="plan", repository=REPO, pull_request=7)
    hcl = stored_review(hcl_report(), review_id="hcl", kind="github", stack_id=None, repository=REPO, pull_request=7)
    combined = combined_review(plan, hcl, repository=REPO, pull_request=7, commit_sha="b" * 40)
    assert combined.report is not None
    fingerprints = [f["fingerprint"] for f in report_document(combined.report)["findings"]]
    assert len(fingerprints) == len(set(fingerprints)) == 7  # 6 from the plan + 1 only the HCL review has
    assert combined.verdict == "fail"  # the worse of fail and warn
    assert combined.source.kind == "github"
    assert (combined.source.repository, combined.source.pull_request) == (REPO, 7)
    assert (combined.source.stack_id, combined.source.run_id) == (STACK, "01RUN")
    notes = report_document(combined.report)["coverage"]["notes"]
    assert notes[0].startswith(f"Combined review: the plan of Spacelift run {STACK}/01RUN")
    assert "HCL: modules followed" in notes
    assert report_document(combined.report)["coverage"]["files_parsed"] == ["main.tf"]
    assert report_document(combined.report)["summary"]["findings"]["introduced"] == 7
    assert combined.content_hash
    assert combined.content_hash != hcl.content_hash
    alone = combined_review(plan, None, repository=REPO, pull_request=7, commit_sha=None)
    assert alone.report == plan.report
    assert alone.source.kind == "github"


def _combiner(client: SpaceliftClient, reviews: MemoryReviewStore, repositories: list[str]) -> tuple[
    PullRequestCombiner, RecordingPublisher
]:  # fmt: skip
    github = RecordingPublisher()
    settings = SpaceliftApiSettings(account="acme", pull_request_repositories=repositories)
    return PullRequestCombiner(github, reviews, client, settings), github


def _store(reviews: MemoryReviewStore, review: StoredReview) -> None:
    created = reviews.create(review.tenant_id, review.source, plan_id=review.plan_id)
    assert review.report is not None
    reviews.save_result(created.id, ReviewStatus.COMPLETED, review.report, review.verdict or "", {})


def test_a_proposed_runs_review_is_published_to_its_pr_combined(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    spacelift.add_run(STACK, "01RUN", state="FINISHED", type="PROPOSED")
    reviews = MemoryReviewStore()
    hcl = stored_review(hcl_report(), review_id="hcl", kind="github", stack_id=None, repository=REPO, pull_request=7)
    _store(reviews, hcl)
    combiner, github = _combiner(client, reviews, [REPO])

    combiner.publish(stored_review(repository=REPO, pull_request=7))  # the plan review (source spacelift)
    [published] = github.reviews
    assert published.source.kind == "github"
    assert published.source.pull_request == 7
    assert published.report is not None
    assert len(report_document(published.report)["findings"]) == 7

    combiner.publish(hcl)  # no plan review stored yet: the HCL review alone
    assert github.reviews[-1] == hcl
    stored_plan = stored_review(repository=REPO, pull_request=7)
    _store(reviews, stored_plan)
    combiner.publish(dataclasses.replace(hcl, id="hcl-2"))  # the HCL review finishing last: the same combination
    assert github.reviews[-1].report is not None
    assert len(report_document(github.reviews[-1].report)["findings"]) == 7


def test_tracked_runs_unlisted_repositories_and_runs_without_a_pr_are_not_published_to_a_pr(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    spacelift.add_run(STACK, "01RUN", state="FINISHED", type="TRACKED")
    reviews = MemoryReviewStore()
    combiner, github = _combiner(client, reviews, [REPO])
    combiner.publish(stored_review(repository=REPO, pull_request=7))  # tracked
    combiner.publish(stored_review(repository=REPO))  # no PR number
    unlisted, github_unlisted = _combiner(client, reviews, [])
    unlisted.publish(stored_review(repository=REPO, pull_request=7))
    assert github.reviews == []
    assert github_unlisted.reviews == []
    hcl = stored_review(hcl_report(), review_id="hcl", kind="github", stack_id=None, repository=REPO, pull_request=7)
    unlisted.publish(hcl)  # a GitHub review of an unlisted repository is published as it is
    assert github_unlisted.reviews == [hcl]
