"""A pull request's review lists each file it could not read once: a file unread at head and in base was two
entries (`main.tf: …`, `main.tf: in base: …`), counted as two files not reviewed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.integrations.github.test_truncated_tree import NOW, REPO, bucket
from tfreview.integrations.github import GitHubClient, build_github_client, default_http_client
from tfreview.integrations.github.source import GitHubPlanSource, SourceLimits
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview

LIMITS = SourceLimits(max_file_chars=2_000)  # a file past it is not read, at head as in base


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        yield fake


@pytest.fixture
def client(github: FakeGitHub, tmp_path: Path) -> Iterator[GitHubClient]:
    settings = github.app_settings(tmp_path)
    with default_http_client(settings) as http:
        yield build_github_client(settings, http, installation_id=42, sleep=lambda _s: None)


def test_a_file_unread_at_head_and_in_base_is_one_entry(github: FakeGitHub, client: GitHubClient) -> None:
    large = bucket("large") + "# padding\n" * 300  # past LIMITS on both sides
    broken = 'resource "aws_s3_bucket" "broken" {\n  bucket = "x"\n'  # does not parse on either side
    github.add_commit(
        REPO, "main", {"envs/prod/a.tf": bucket("a"), "envs/prod/large.tf": large, "envs/prod/broken.tf": broken}
    )
    github.add_commit(REPO, "feature", {"envs/prod/a.tf": bucket("a2")}, base="main")
    number = github.open_pull_request(REPO, head="feature", base="main")
    pull = github.pull_request(REPO, number)
    review = StoredReview(
        id=f"rev-{number}",
        tenant_id="github:42",
        source=SourceInfo(kind="github", repository=REPO, pull_request=number, commit_sha=pull.head_sha),
        status=ReviewStatus.IN_PROGRESS,
        created_at=NOW,
        updated_at=NOW,
    )
    payload: dict[str, object] = {
        "source": "github",
        "repository": REPO,
        "pull_request": number,
        "head_sha": pull.head_sha,
        "base_sha": pull.base_sha,
        "installation_id": 42,
    }
    change_set = GitHubPlanSource(lambda _installation: client, limits=LIMITS).fetch(review, payload).change_set

    assert sorted(change_set.coverage.files_skipped) == [
        ("envs/prod/broken.tf", "line 3: unexpected end of file (column 1); in base too"),
        ("envs/prod/large.tf", "larger than 2,000 characters; in base too"),
    ]
