"""A git tree GitHub lists only in part (`truncated: true`, past 100,000 entries or 7 MB): a file left out of the
listing is not a deleted file. The directories the review reads are listed one by one instead (ADR 0608)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tfreview.core.findings import Verdict
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.integrations.github import GitHubClient, build_github_client, default_http_client
from tfreview.integrations.github.source import GitHubPlanSource
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.ports.service import Fetched
from tfreview.rules import load_rules

REPO = "octo/infra"
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def bucket(name: str) -> str:
    return f'resource "aws_s3_bucket" "{name}" {{\n  bucket = "{name}-logs"\n}}\n'


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


def fetch(github: FakeGitHub, client: GitHubClient, number: int) -> Fetched:
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
    source = GitHubPlanSource(lambda _installation: client)
    return source.fetch(review, payload)


def test_a_file_the_truncated_tree_leaves_out_is_not_read_as_destroyed(
    github: FakeGitHub, client: GitHubClient
) -> None:
    github.add_commit(REPO, "main", {"envs/prod/a.tf": bucket("a"), "envs/prod/z.tf": bucket("z")})
    github.add_commit(REPO, "feature", {"envs/prod/b.tf": bucket("b")}, base="main")
    number = github.open_pull_request(REPO, head="feature", base="main")
    # head's tree: envs, envs/prod, a.tf, b.tf, z.tf — cut after four entries, z.tf is not listed at head
    github.truncate_trees(4)

    change_set = fetch(github, client, number).change_set

    actions = {c.address: c.actions for c in change_set.changes}
    assert actions.get("aws_s3_bucket.b") == ("create",)
    assert all("delete" not in acts for acts in actions.values()), actions
    assert "envs/prod/z.tf" in change_set.coverage.files_parsed
    assert any("truncated" in note for note in change_set.coverage.notes), change_set.coverage.notes
    verdict = review(change_set, load_rules(), Policy(today=NOW.date()))
    assert verdict.verdict is not Verdict.FAIL


def test_a_directory_too_large_to_list_whole_is_named_and_no_pass(
    github: FakeGitHub, client: GitHubClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contents API lists at most 1,000 entries of a directory: past that the files it could not list are
    said in coverage, and the verdict is not `pass` (ADR 0556), rather than deletions invented."""
    monkeypatch.setattr("tfreview.integrations.github.client.DIRECTORY_ENTRIES", 2)
    github.add_commit(REPO, "main", {"envs/prod/a.tf": bucket("a"), "envs/prod/z.tf": bucket("z")})
    github.add_commit(REPO, "feature", {"envs/prod/b.tf": bucket("b")}, base="main")
    number = github.open_pull_request(REPO, head="feature", base="main")
    github.truncate_trees(4)

    change_set = fetch(github, client, number).change_set

    actions = {c.address: c.actions for c in change_set.changes}
    assert all("delete" not in acts for acts in actions.values()), actions
    skipped = dict(change_set.coverage.files_skipped)
    assert "envs/prod" in " ".join(skipped), skipped
    verdict = review(change_set, load_rules(), Policy(today=NOW.date()))
    assert verdict.verdict is not Verdict.PASS
