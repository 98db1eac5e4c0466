"""A plain-token GitHub setup (github-app.md, "One repository without an App"): GitHub lets only Apps
write check runs, so a token's publish must not try — a 403 there failed every publish job."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.integrations.github.test_publisher import REPO, SECRET, open_pr, reviewed, volume
from tfreview.integrations.github import GitHubAppSettings, GitHubClient, build_github_client, default_http_client
from tfreview.integrations.github.marker import AppIdentity
from tfreview.integrations.github.publisher import GitHubPublisher


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        yield fake


@pytest.fixture
def settings(github: FakeGitHub, tmp_path: Path) -> GitHubAppSettings:
    token_file = tmp_path / "token"
    token_file.write_text(github.add_personal_token("octocat"), encoding="utf-8")
    return GitHubAppSettings(api_url=github.api_url, token=f"file:{token_file}", token_login="octocat")


@pytest.fixture
def client(settings: GitHubAppSettings) -> Iterator[GitHubClient]:
    with default_http_client(settings) as http:
        yield build_github_client(settings, http, sleep=lambda _s: None)


def token_publisher(client: GitHubClient, settings: GitHubAppSettings) -> GitHubPublisher:
    return GitHubPublisher(lambda _i: client, settings, identity=AppIdentity(login="octocat"), marker_secret=SECRET)


def test_a_token_publish_comments_and_never_asks_for_a_check_run(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    # real GitHub answers a token's check-run write with 403 "Resource not accessible by personal access token"
    github.fail_next(403, times=10, path_contains="check-runs")
    number = open_pr(github, {"main.tf": volume("data")})
    token_publisher(client, settings).publish(reviewed(client, github, number))

    assert len(github.comments(REPO, number)) == 1
    assert github.requests_to("POST", r"check-runs") == []
    assert github.requests_to("GET", r"check-runs") == []


def test_a_token_publish_sends_inline_comments_once_per_head(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    settings = settings.model_copy(update={"inline_comments": True})
    number = open_pr(github, {"main.tf": volume("data")}, {"main.tf": "# empty\n"})
    stored = reviewed(client, github, number)
    publisher = token_publisher(client, settings)
    publisher.publish(stored)
    publisher.publish(stored)  # a retried job: nothing new

    assert len(github.reviews(REPO, number)) == 1
    assert len(github.comments(REPO, number)) == 1
