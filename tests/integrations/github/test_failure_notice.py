"""The failure notice on GitHub (ADR 0380) against the fake GitHub: one comment — the review's own, edited in
place — and one completed `neutral` check run of the head (`failure` where the operator fails closed, ADR 0406);
idempotent under a crash after the 201 and a lost answer; a newer head's comment and a finished review's check run
are left alone; no secret in the text."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import cast

import pytest

from tests.fakes.github import FakeGitHub
from tests.integrations.github.test_idempotency import (
    REPO,
    SECRET,
    Crash,
    CrashAfterCreate,
    client,
    clock,
    comment_posts,
    github,
    open_pr,
    report_of,
    settings,
    stored_review,
)
from tfreview.integrations.github import GitHubAppSettings, GitHubClient, check_runs
from tfreview.integrations.github.errors import GitHubRejected
from tfreview.integrations.github.publisher import GitHubPublisher, PublishingClient
from tfreview.integrations.github.settings import FailedReviewConclusion
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.render.failure import TITLE

__all__ = ["client", "clock", "github", "settings"]  # the fixtures of test_idempotency, shared

CANARY = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"  # a GitHub token's shape, in the error text


def failed_review(github: FakeGitHub, number: int, review_id: str = "r-failed") -> StoredReview:
    stored = stored_review(github, number, {"verdict": "pass"}, review_id)
    reason = f"internal error: RuntimeError: upstream said token={CANARY}\nTraceback (most recent call last):"
    return replace(stored, status=ReviewStatus.FAILED, verdict=None, report=None, status_reason=reason)


def publisher_of(
    client: GitHubClient, settings: GitHubAppSettings, failed_conclusion: FailedReviewConclusion = "neutral"
) -> GitHubPublisher:
    return GitHubPublisher(lambda _i: client, settings, marker_secret=SECRET, failed_conclusion=failed_conclusion)


def test_one_comment_and_one_neutral_check_run_say_why_without_secrets(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github)
    failed = failed_review(github, number)
    publisher = publisher_of(client, settings)
    publisher.publish_failure(failed)
    publisher.publish_failure(failed)  # the job again (a retry after a crash): nothing new
    (comment,) = github.comments(REPO, number)
    body = comment["body"]
    for expected in (TITLE, "RuntimeError: upstream said", "r-failed", "/api/v1/reviews/r-failed/retry"):
        assert expected in body
    (run,) = github.check_runs(REPO, failed.source.commit_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    shown = body + json.dumps(run)
    assert CANARY not in shown
    assert "Traceback" not in shown
    assert comment_posts(github) == 1
    assert len(github.requests_to("PATCH", r"/check-runs/\d+$")) == 0


def test_a_crash_after_the_201_and_a_lost_answer_leave_one_comment_and_one_run(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github)
    failed = failed_review(github, number)
    crashing = CrashAfterCreate(client)
    publisher = GitHubPublisher(lambda _i: cast(PublishingClient, crashing), settings, marker_secret=SECRET)
    with pytest.raises(Crash):
        publisher.publish_failure(failed)
    github.lose_next_response(method="POST", path_contains="/check-runs", mode="drop")
    publisher.publish_failure(failed)  # the job's retry
    publisher.publish_failure(failed)
    assert len(github.comments(REPO, number)) == 1
    assert comment_posts(github) == 1
    assert len(github.check_runs(REPO, failed.source.commit_sha)) == 1


def test_the_review_comment_is_edited_in_place_and_a_later_review_replaces_the_notice(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github)
    publisher = publisher_of(client, settings)
    finished = stored_review(github, number, report_of(client, github, number), "r-ok")
    publisher.publish(finished)
    (before,) = github.comments(REPO, number)
    (shown,) = github.check_runs(REPO, finished.source.commit_sha)
    publisher.publish_failure(failed_review(github, number))  # a rerun of the same head died
    (notice,) = github.comments(REPO, number)
    assert notice["id"] == before["id"]
    assert TITLE in notice["body"]
    (run,) = github.check_runs(REPO, finished.source.commit_sha)
    assert (run["conclusion"], run["external_id"]) == (shown["conclusion"], shown["external_id"])  # kept
    publisher.publish(finished)  # a retry that finished: the review itself, over the notice
    (after,) = github.comments(REPO, number)
    assert after["id"] == before["id"]
    assert TITLE not in after["body"]
    assert comment_posts(github) == 1


def test_a_failed_review_of_an_older_head_leaves_the_newer_comment_alone(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github)
    old = failed_review(github, number)
    publisher = publisher_of(client, settings)
    github.push(REPO, number, {"main.tf": "# moved on\n"})
    new = stored_review(github, number, report_of(client, github, number), "r-new")
    publisher.publish(new)
    (before,) = github.comments(REPO, number)
    publisher.publish_failure(old)
    (after,) = github.comments(REPO, number)
    assert after["body"] == before["body"]
    (run,) = github.check_runs(REPO, old.source.commit_sha)  # the old head still learns it was not reviewed
    assert run["conclusion"] == "neutral"


def test_only_a_failed_github_review_is_shown(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github)
    publisher = publisher_of(client, settings)
    failed = failed_review(github, number)
    publisher.publish_failure(replace(failed, status=ReviewStatus.COMPLETED))
    publisher.publish_failure(replace(failed, source=replace(failed.source, kind="api")))
    assert github.comments(REPO, number) == []
    assert github.check_runs(REPO) == []


def test_failing_closed_completes_the_check_run_as_failure_with_the_same_comment(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    """`github.failed_review_conclusion = failure` (ADR 0406): a required check blocks the merge; the comment and
    the check run's text say what they say with `neutral`, so switching it edits the run and nothing else."""
    number = open_pr(github)
    failed = failed_review(github, number)
    publisher_of(client, settings).publish_failure(failed)
    (open_comment,) = github.comments(REPO, number)
    (open_run,) = github.check_runs(REPO, failed.source.commit_sha)
    assert open_run["conclusion"] == "neutral"

    closed = publisher_of(client, settings, "failure")
    closed.publish_failure(failed)  # the operator switched to fail closed; the notice job ran again
    closed.publish_failure(failed)
    (comment,) = github.comments(REPO, number)
    assert comment["body"] == open_comment["body"]
    assert comment_posts(github) == 1
    assert len(github.requests_to("PATCH", r"/issues/comments/\d+$")) == 0
    (run,) = github.check_runs(REPO, failed.source.commit_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    assert run["output"] == open_run["output"]
    assert len(github.requests_to("PATCH", r"/check-runs/\d+$")) == 1  # once: the second publish changed nothing


def test_failing_closed_on_a_fresh_head_creates_a_failure_run_and_a_later_review_replaces_it(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github)
    failed = failed_review(github, number)
    publisher = publisher_of(client, settings, "failure")
    publisher.publish_failure(failed)
    (run,) = github.check_runs(REPO, failed.source.commit_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    finished = stored_review(github, number, report_of(client, github, number), "r-ok")
    publisher.publish(finished)  # the retried review succeeded: its verdict replaces the failure, in place
    (after,) = github.check_runs(REPO, failed.source.commit_sha)
    assert after["id"] == run["id"]
    assert after["conclusion"] == check_runs.conclusion(finished.verdict)  # the verdict's, not the failure's
    assert TITLE in run["output"]["title"]
    assert TITLE not in after["output"]["title"]


def test_a_check_run_left_in_progress_between_annotation_batches_is_completed(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    """A publish that died after its first annotation batch left the run `in_progress` with an unfinished progress
    marker; the failure notice used to take that marker for a finished review and leave the run so for ever."""
    number = open_pr(github)
    failed = failed_review(github, number)
    head = failed.source.commit_sha
    assert head is not None
    unfinished = check_runs.Progress("d" * 16, 1, 3, "e" * 16)
    assert check_runs.Progress.read(unfinished.external_id()) == unfinished  # the marker a publish writes
    client.create_check_run(
        REPO,
        name=settings.check_name,
        head_sha=head,
        status="in_progress",
        conclusion=None,
        external_id=unfinished.external_id(),
        output={"title": "tfreview", "summary": "reviewing"},
    )
    publisher_of(client, settings).publish_failure(failed)
    (run,) = github.check_runs(REPO, head)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    assert TITLE in run["output"]["title"]


def test_a_check_run_gone_when_the_notice_completes_it_is_replaced_once(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    """ADR 0548: the run left `in_progress` is listed, but its update answers 404. The notice's job went dead on it, the
    pull request's check never completed; now a completed run of the head says why."""
    number = open_pr(github)
    failed = failed_review(github, number)
    head = failed.source.commit_sha
    assert head is not None
    gone = client.create_check_run(REPO, name=settings.check_name, head_sha=head, status="in_progress")
    github.answer_next(404, {"message": "Not Found"}, method="PATCH", path_contains=f"/check-runs/{gone.id}", times=9)
    publisher_of(client, settings).publish_failure(failed)
    assert len(github.requests_to("PATCH", rf"/check-runs/{gone.id}$")) == 1
    newest = max(github.check_runs(REPO, head), key=lambda run: run["id"])
    assert newest["id"] != gone.id
    assert (newest["status"], newest["conclusion"]) == ("completed", "neutral")
    assert TITLE in newest["output"]["title"]


def test_a_failure_notice_github_will_not_take_as_a_comment_still_completes_the_check_run(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    """ADR 0588 kept the check run of a review when GitHub refuses its comment for good (a locked conversation,
    2,500 comments), but not the check run of a failed review: the notice's 422 ended `publish_failure` before its
    check run, so a required check of that head waited for ever. Now the run completes (saying the comment was
    refused), then GitHub's refusal ends the job, sent once."""
    refused = "Commenting is disabled on issues with more than 2500 comments"
    number = open_pr(github)
    failed = failed_review(github, number)
    github.answer_next(422, {"message": refused}, method="POST", path_contains="/comments", times=9)
    with pytest.raises(GitHubRejected, match=refused):
        publisher_of(client, settings).publish_failure(failed)
    (run,) = github.check_runs(REPO, failed.source.commit_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    assert refused in run["output"]["summary"]
    assert len(github.requests_to("POST", "/comments")) == 1  # a 422 that cannot succeed is not sent again
