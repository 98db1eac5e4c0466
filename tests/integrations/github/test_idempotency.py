"""I1–I3 against the fake GitHub: a crash after posting, a lost answer, two events racing — one comment each time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest

from tests.fakes.github import FakeGitHub
from tfreview.core.review import review as run_review
from tfreview.integrations.github import GitHubAppSettings, GitHubClient, build_github_client, default_http_client
from tfreview.integrations.github.errors import GitHubUnavailable
from tfreview.integrations.github.models import IssueComment
from tfreview.integrations.github.publisher import GitHubPublisher, PublishingClient
from tfreview.integrations.github.source import GitHubPlanSource
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.render.json_report import review_document
from tfreview.rules import load_rules

REPO = "octo/infra"
SECRET = "marker-secret-0123456789abcdef"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
VOLUME = 'resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size = 40\n}\n'


class Crash(Exception):
    """The worker dies right after GitHub answered 201 (before the job is marked done)."""


class CrashAfterCreate:
    """The fault hook of I1: the comment is created (201), then the process 'crashes'."""

    def __init__(self, client: GitHubClient) -> None:
        self._client = client
        self.armed = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def create_issue_comment(self, repo: str, number: int, body: str) -> IssueComment:
        created = self._client.create_issue_comment(repo, number, body)
        if self.armed:
            self.armed = False
            raise Crash("killed after the 201")
        return created


class ManualClock:
    """Time that moves only when someone sleeps: the limiter's write pacing costs no real time (I5 style)."""

    def __init__(self) -> None:
        self.now = 1_750_000_000.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += max(seconds, 0.001)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def github(clock: ManualClock) -> Iterator[FakeGitHub]:
    with FakeGitHub(clock=clock.time) as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        yield fake


@pytest.fixture
def settings(github: FakeGitHub, tmp_path: Path) -> GitHubAppSettings:
    return github.app_settings(tmp_path)


@pytest.fixture
def client(github: FakeGitHub, settings: GitHubAppSettings, clock: ManualClock) -> Iterator[GitHubClient]:
    with default_http_client(settings) as http:
        yield build_github_client(settings, http, installation_id=42, clock=clock.time, sleep=clock.sleep)


def open_pr(github: FakeGitHub, number: int = 1) -> int:
    """PR `number` on its own branch: its own head SHA."""
    if number == 1:
        github.add_commit(REPO, "main", {"README.md": "hello"})
    github.add_commit(REPO, f"feature-{number}", {"main.tf": VOLUME, "NOTE.md": str(number)}, base="main")
    return github.open_pull_request(REPO, head=f"feature-{number}", base="main", number=number)


def stored_review(github: FakeGitHub, number: int, report: dict[str, Any], review_id: str) -> StoredReview:
    head = github.pull_request(REPO, number).head_sha
    return StoredReview(
        id=review_id,
        tenant_id="github:42",
        source=SourceInfo(kind="github", repository=REPO, pull_request=number, commit_sha=head),
        status=ReviewStatus.COMPLETED,
        created_at=NOW,
        updated_at=NOW,
        verdict=str(report["verdict"]),
        report=report,
    )


def report_of(client: GitHubClient, github: FakeGitHub, number: int) -> dict[str, Any]:
    probe = stored_review(github, number, {"verdict": "pass"}, "probe")
    source = GitHubPlanSource(lambda _installation: client)  # type: ignore[arg-type,return-value]
    fetched = source.fetch(probe, {})
    result = run_review(fetched.change_set, load_rules(), fetched.policy)
    return review_document(result)


def comment_posts(github: FakeGitHub) -> int:
    return len([r for r in github.requests_to("POST", r"/issues/\d+/comments$") if r.status in (0, 201, 502)])


def test_i1_crash_right_after_the_201_then_retry_finds_and_keeps_the_comment(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github)
    stored = stored_review(github, number, report_of(client, github, number), "r1")
    crashing = CrashAfterCreate(client)
    publisher = GitHubPublisher(lambda _i: cast(PublishingClient, crashing), settings, marker_secret=SECRET)
    with pytest.raises(Crash):
        publisher.publish(stored)
    publisher.publish(stored)  # the job's retry
    assert len(github.comments(REPO, number)) == 1
    assert comment_posts(github) == 1
    assert len(github.check_runs(REPO, stored.source.commit_sha)) == 1


@pytest.mark.parametrize("mode", ["502", "drop"])
def test_i2_created_but_the_answer_was_lost(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings, mode: str
) -> None:
    number = open_pr(github)
    stored = stored_review(github, number, report_of(client, github, number), "r1")
    github.lose_next_response(method="POST", path_contains="/comments", mode=mode)
    publisher = GitHubPublisher(lambda _i: client, settings, marker_secret=SECRET)
    publisher.publish(stored)  # the second search inside the same publish finds it
    publisher.publish(stored)  # and a retry of the job finds it too
    assert len(github.comments(REPO, number)) == 1
    assert comment_posts(github) == 1


def test_i2_lost_answer_and_github_still_down_retry_later_finds_it(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github)
    stored = stored_review(github, number, report_of(client, github, number), "r1")
    github.lose_next_response(method="POST", path_contains="/comments")
    github.fail_next(
        502, times=2, method="GET", path_contains="/comments"
    )  # the re-search fails too (GET retried once)
    publisher = GitHubPublisher(lambda _i: client, settings, marker_secret=SECRET)
    with pytest.raises(GitHubUnavailable):
        publisher.publish(stored)
    publisher.publish(stored)
    assert len(github.comments(REPO, number)) == 1
    assert comment_posts(github) == 1


def test_i2_check_run_created_but_the_answer_was_lost(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github)
    stored = stored_review(github, number, report_of(client, github, number), "r1")
    github.lose_next_response(method="POST", path_contains="/check-runs", mode="drop")
    publisher = GitHubPublisher(lambda _i: client, settings, marker_secret=SECRET)
    publisher.publish(stored)
    (run,) = github.check_runs(REPO, stored.source.commit_sha)
    assert run["status"] == "completed"


def test_i3_opened_and_synchronize_for_one_sha_race_100_times(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    """Two publish jobs (one per event) for the same PR and head SHA, on two worker threads at once."""
    first = open_pr(github, 1)
    report = report_of(client, github, first)
    publisher = GitHubPublisher(lambda _i: client, settings, marker_secret=SECRET)
    failures: list[BaseException] = []
    for number in range(1, 101):
        if number > 1:
            open_pr(github, number)
        reviews = [stored_review(github, number, report, f"r{number}-{event}") for event in ("opened", "synchronize")]
        start = threading.Barrier(2)

        def publish(review: StoredReview, start: threading.Barrier = start) -> None:
            try:
                start.wait(timeout=10)
                publisher.publish(review)
            except BaseException as exc:  # reported below, with the repetition
                failures.append(exc)

        threads = [threading.Thread(target=publish, args=(review,)) for review in reviews]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not failures, f"repetition {number}: {failures!r}"
        assert len(github.comments(REPO, number)) == 1, f"repetition {number}"
        assert len(github.check_runs(REPO, reviews[0].source.commit_sha)) == 1, f"repetition {number}"
    assert len(github.check_runs(REPO)) == 100
    assert max(sum(1 for t in github.write_times if at - 60 < t <= at) for at in github.write_times) <= 80


def test_i3_locks_do_not_pile_up(github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings) -> None:
    number = open_pr(github)
    stored = stored_review(github, number, report_of(client, github, number), "r1")
    publisher = GitHubPublisher(lambda _i: client, settings, marker_secret=SECRET)
    publisher.publish(replace(stored, id="r2"))
    assert len(publisher._locks) == 0


def test_a_next_link_off_the_api_url_is_a_failure_not_a_shorter_list_and_a_second_comment(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    """A comment list whose `next` link leaves the configured api_url (a GitHub Enterprise Server reached by another
    name than the one it writes in its links) was cut at its first page, silently: our comment, on page 2 of a busy
    pull request, was not found, and every publish posted one more. The list is GitHub's failure now (review15b)."""
    number = open_pr(github)
    for n in range(100):  # a busy pull request: ours is the 101st comment, on the second page
        github.add_comment(REPO, number, f"comment {n}")
    stored = stored_review(github, number, report_of(client, github, number), "r1")
    publisher = GitHubPublisher(lambda _i: client, settings, marker_secret=SECRET)
    publisher.publish(stored)
    github.foreign_next_link = True
    with pytest.raises(GitHubUnavailable) as failure:
        publisher.publish(stored)  # the job's retry, or the next review of the head
    assert "leaves the configured api_url" in str(failure.value)
    assert comment_posts(github) == 1
    assert len(github.comments(REPO, number)) == 101
