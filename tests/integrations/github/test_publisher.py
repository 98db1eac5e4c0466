"""GitHubPublisher against the fake GitHub: one comment per PR, one check run per head SHA, annotations, inline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.github import FakeGitHub
from tfreview.core.errors import ConfigError
from tfreview.core.review import review as run_review
from tfreview.integrations.github import GitHubAppSettings, GitHubClient, build_github_client, default_http_client
from tfreview.integrations.github.errors import GitHubUnavailable
from tfreview.integrations.github.marker import AppIdentity, make_marker
from tfreview.integrations.github.publisher import GitHubPublisher
from tfreview.integrations.github.source import GitHubPlanSource
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.ports.review_codec import report_document
from tfreview.render.json_report import review_document
from tfreview.rules import load_rules

REPO = "octo/infra"
SECRET = "marker-secret-0123456789abcdef"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
CANARY = "tfr-canary-9f8e7d6c5b4a"


def volume(name: str, extra: str = "") -> str:
    return f'resource "aws_ebs_volume" "{name}" {{\n  availability_zone = "eu-west-1a"\n  size = 40\n{extra}}}\n'


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        yield fake


@pytest.fixture
def settings(github: FakeGitHub, tmp_path: Path) -> GitHubAppSettings:
    return github.app_settings(tmp_path)


@pytest.fixture
def client(github: FakeGitHub, settings: GitHubAppSettings) -> Iterator[GitHubClient]:
    with default_http_client(settings) as http:
        yield build_github_client(settings, http, installation_id=42, sleep=lambda _s: None)


def publisher_for(client: GitHubClient, settings: GitHubAppSettings, **kwargs: Any) -> GitHubPublisher:
    return GitHubPublisher(lambda _installation: client, settings, marker_secret=SECRET, **kwargs)


def open_pr(
    github: FakeGitHub, head_files: dict[str, str | None], base_files: dict[str, str | None] | None = None
) -> int:
    github.add_commit(REPO, "main", base_files or {"README.md": "hello"})
    github.add_commit(REPO, "feature", head_files, base="main")
    return github.open_pull_request(REPO, head="feature", base="main")


def reviewed(client: GitHubClient, github: FakeGitHub, number: int, review_id: str | None = None) -> StoredReview:
    """The real pipeline: fetch the PR from the fake → review → the stored JSON report."""
    head = github.pull_request(REPO, number).head_sha
    stored = StoredReview(
        id=review_id or f"rev-{number}-{head[:8]}",
        tenant_id="github:42",
        source=SourceInfo(kind="github", repository=REPO, pull_request=number, commit_sha=head),
        status=ReviewStatus.IN_PROGRESS,
        created_at=NOW,
        updated_at=NOW,
    )
    source = GitHubPlanSource(lambda _installation: client)  # type: ignore[arg-type,return-value]
    fetched = source.fetch(stored, {})
    result = run_review(fetched.change_set, load_rules(), fetched.policy)
    return replace(stored, status=ReviewStatus.COMPLETED, report=review_document(result), verdict=result.verdict.value)


def synthetic(stored: StoredReview, findings: int, *, path: str = "main.tf") -> StoredReview:
    """The stored review with `findings` introduced findings on lines of `path` (for batching and size)."""
    assert stored.report is not None
    template = report_document(stored.report)["findings"][0]
    many = [
        {**template, "address": f"aws_ebs_volume.v{i}", "location": {"file": path, "line": i + 1, "end_line": i + 1}}
        for i in range(findings)
    ]
    report = {**report_document(stored.report), "findings": many, "verdict": "fail"}
    return replace(stored, report=report, verdict="fail")


def test_first_publish_creates_one_comment_and_one_completed_check_run(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github, {"main.tf": volume("data")})
    stored = reviewed(client, github, number)
    publisher_for(client, settings).publish(stored)

    comments = github.comments(REPO, number)
    assert len(comments) == 1
    body = comments[0]["body"]
    assert body.startswith(make_marker(REPO, number, AppIdentity(app_id=github.app_id, slug=github.app_slug), SECRET))
    assert body.count("<!-- tfreview:review") == 1
    assert "**tfreview: " in body
    runs = github.check_runs(REPO, stored.source.commit_sha)
    assert len(runs) == 1
    assert runs[0]["status"] == "completed"
    assert runs[0]["conclusion"] == {"fail": "failure", "warn": "neutral", "pass": "success"}[stored.verdict or ""]
    assert runs[0]["name"] == "tfreview"
    assert all(a["path"] == "main.tf" for a in runs[0]["annotations"])
    assert runs[0]["annotations"]  # the unencrypted volume is annotated on its line


def test_publishing_again_changes_nothing(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github, {"main.tf": volume("data")})
    stored = reviewed(client, github, number)
    publisher = publisher_for(client, settings)
    publisher.publish(stored)
    writes = len([r for r in github.requests if r.method in ("POST", "PATCH")])
    publisher.publish(stored)
    assert len([r for r in github.requests if r.method in ("POST", "PATCH")]) == writes
    assert len(github.comments(REPO, number)) == 1


def test_new_push_edits_the_same_comment_and_adds_a_check_run_for_the_new_sha(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github, {"main.tf": volume("data")})
    publisher = publisher_for(client, settings)
    first = reviewed(client, github, number)
    publisher.publish(first)
    comment_id = github.comments(REPO, number)[0]["id"]

    second_sha = github.push(REPO, number, {"main.tf": volume("data", "  encrypted = true\n")})
    second = reviewed(client, github, number)
    publisher.publish(second)

    comments = github.comments(REPO, number)
    assert [c["id"] for c in comments] == [comment_id]
    assert second_sha[:12] in comments[0]["body"]
    assert len(github.check_runs(REPO, first.source.commit_sha)) == 1
    assert len(github.check_runs(REPO, second_sha)) == 1


def test_a_late_review_of_an_older_head_does_not_overwrite_the_newer_comment(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github, {"main.tf": volume("data")})
    publisher = publisher_for(client, settings)
    old = reviewed(client, github, number)
    new_sha = github.push(REPO, number, {"main.tf": volume("data", "  encrypted = true\n")})
    publisher.publish(reviewed(client, github, number))
    publisher.publish(old)  # arrives late
    body = github.comments(REPO, number)[0]["body"]
    assert new_sha[:12] in body
    assert len(github.check_runs(REPO, old.source.commit_sha)) == 1  # its own check run is still completed


def test_foreign_comment_with_our_marker_is_never_edited(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    """I4: a user copies our exact marker (even the signed one) into a comment of their own."""
    number = open_pr(github, {"main.tf": volume("data")})
    marker = make_marker(REPO, number, AppIdentity(app_id=github.app_id, slug=github.app_slug), SECRET)
    foreign = github.add_comment(REPO, number, marker + "\nplease ignore the bot", login="mallory")
    other_app = github.add_comment(REPO, number, marker, login="other[bot]", user_type="Bot", app_id=777)
    publisher = publisher_for(client, settings)
    stored = reviewed(client, github, number)
    publisher.publish(stored)
    publisher.publish(synthetic(stored, 3))

    comments = {c["id"]: c for c in github.comments(REPO, number)}
    assert len(comments) == 3  # the two foreign ones and ours
    assert comments[foreign]["edits"] == 0
    assert comments[other_app]["edits"] == 0
    assert not [
        r
        for r in github.requests_to("PATCH", r"/issues/comments/")
        if str(foreign) in r.path or str(other_app) in r.path
    ]


def test_120_annotations_are_one_create_and_two_updates(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github, {"main.tf": "".join(volume(f"v{i}") for i in range(3))})
    stored = synthetic(reviewed(client, github, number), 120)
    publisher_for(client, settings).publish(stored)

    assert len(github.requests_to("POST", r"/check-runs$")) == 1
    assert len(github.requests_to("PATCH", r"/check-runs/\d+$")) == 2
    sizes = [
        len((r.body.get("output") or {}).get("annotations") or [])
        for r in github.requests
        if "check-runs" in r.path and r.method in ("POST", "PATCH")
    ]
    assert sizes == [50, 50, 20]
    (run,) = github.check_runs(REPO, stored.source.commit_sha)
    assert len(run["annotations"]) == 120
    assert run["status"] == "completed"
    assert run["conclusion"] == "failure"


def test_annotation_batches_resume_after_a_crash_without_duplicates(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github, {"main.tf": volume("a")})
    stored = synthetic(reviewed(client, github, number), 120)
    github.fail_next(502, method="PATCH", path_contains="/check-runs/")  # the first update fails
    publisher = publisher_for(client, settings)
    with pytest.raises(GitHubUnavailable):
        publisher.publish(stored)
    github.lose_next_response(method="PATCH", path_contains="/check-runs/")  # applied, answer lost
    with pytest.raises(GitHubUnavailable):
        publisher.publish(stored)
    publisher.publish(stored)
    (run,) = github.check_runs(REPO, stored.source.commit_sha)
    assert len(run["annotations"]) == 120
    assert run["conclusion"] == "failure"


def test_a_check_run_gone_when_updated_is_replaced_once_not_left_in_progress(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    """ADR 0548: the head's run is listed, but its update answers 404 (GitHub no longer has it). It was a permanent
    failure of the publish, the pull request's check left as it was; now a new run carries the result."""
    number = open_pr(github, {"main.tf": volume("a")})
    first = reviewed(client, github, number)
    publisher = publisher_for(client, settings)
    publisher.publish(first)
    (old,) = github.check_runs(REPO, first.source.commit_sha)
    github.answer_next(404, {"message": "Not Found"}, method="PATCH", path_contains=f"/check-runs/{old['id']}", times=9)
    publisher.publish(synthetic(first, 60))  # another result for the same head: the old run is updated first
    assert len(github.requests_to("PATCH", rf"/check-runs/{old['id']}$")) == 1  # once, never chased
    newest = max(github.check_runs(REPO, first.source.commit_sha), key=lambda run: run["id"])
    assert newest["id"] != old["id"]
    assert newest["status"] == "completed"
    assert newest["conclusion"] == "failure"
    assert len(newest["annotations"]) == 60
    assert len(github.comments(REPO, number)) == 1


def test_inline_comments_only_on_lines_inside_the_diff(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    base = "".join(volume(f"v{i}", "  encrypted = true\n") for i in range(10))
    head = base.replace(
        'resource "aws_ebs_volume" "v9" {\n  availability_zone = "eu-west-1a"\n  size = 40\n  encrypted = true\n',
        'resource "aws_ebs_volume" "v9" {\n  availability_zone = "eu-west-1a"\n  size = 40\n',
    )
    number = open_pr(github, {"main.tf": head}, {"main.tf": base})
    stored = reviewed(client, github, number)
    assert stored.report is not None
    inside = report_document(stored.report)["findings"][0]["location"]["line"]
    outside = {
        **report_document(stored.report)["findings"][0],
        "address": "aws_ebs_volume.v0",
        "location": {"file": "main.tf", "line": 1, "end_line": 1},
    }
    report = {**report_document(stored.report), "findings": [*report_document(stored.report)["findings"], outside]}
    stored = replace(stored, report=report)
    publisher_for(client, settings.model_copy(update={"inline_comments": True})).publish(stored)

    (posted,) = github.reviews(REPO, number)
    lines = [c["line"] for c in posted["comments"]]
    assert 1 not in lines
    assert inside in lines
    assert len(github.requests_to("POST", r"/pulls/\d+/reviews$")) == 1


def test_inline_comments_are_off_by_default(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github, {"main.tf": volume("data")})
    publisher_for(client, settings).publish(reviewed(client, github, number))
    assert github.reviews(REPO, number) == []


def test_a_70k_character_review_is_clipped_with_a_note(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    number = open_pr(github, {"main.tf": volume("data")})
    stored = reviewed(client, github, number)
    assert stored.report is not None
    template = report_document(stored.report)["findings"][0]
    long_findings = [{**template, "address": f"aws_ebs_volume.v{i}", "message": "x" * 400} for i in range(200)]
    stored = replace(stored, report={**report_document(stored.report), "findings": long_findings})
    publisher_for(client, settings).publish(stored)
    body = github.comments(REPO, number)[0]["body"]
    assert len(body) <= 65_536
    assert "comment size limit" in body
    assert body.count("<!-- tfreview:review") == 1


def test_no_canary_secret_from_the_change_reaches_the_comment(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    db = (
        'resource "aws_db_instance" "main" {\n  engine = "postgres"\n  instance_class = "db.t3.micro"\n'
        f'  password = "{CANARY}"\n  username = "admin"\n}}\n'
        'resource "aws_instance" "web" {\n  ami = "ami-1"\n  instance_type = "t3.micro"\n'
        f'  user_data = "export AWS_SECRET_ACCESS_KEY={CANARY}"\n}}\n'
    )
    number = open_pr(github, {"main.tf": db})
    stored = reviewed(client, github, number)
    publisher_for(client, settings.model_copy(update={"inline_comments": True})).publish(stored)
    for comment in github.comments(REPO, number):
        assert CANARY not in comment["body"]
    for request in github.requests:
        assert CANARY not in repr(request.body)


def test_reviews_of_other_sources_are_not_ours(
    github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings
) -> None:
    review = StoredReview(
        id="s1",
        tenant_id="spacelift:acme",
        source=SourceInfo(kind="spacelift", stack_id="s", run_id="r"),
        status=ReviewStatus.COMPLETED,
        created_at=NOW,
        updated_at=NOW,
        report={"schema_version": "1"},
    )
    publisher_for(client, settings).publish(review)
    assert github.requests == []


def test_completed_without_ai_is_said(github: FakeGitHub, client: GitHubClient, settings: GitHubAppSettings) -> None:
    number = open_pr(github, {"main.tf": volume("data")})
    stored = replace(reviewed(client, github, number), status=ReviewStatus.COMPLETED_WITHOUT_AI)
    publisher_for(client, settings).publish(stored)
    assert "AI review was unavailable" in github.comments(REPO, number)[0]["body"]
    (run,) = github.check_runs(REPO, stored.source.commit_sha)
    assert "Completed without AI" in run["output"]["summary"]


def test_marker_secret_is_required(settings: GitHubAppSettings, client: GitHubClient) -> None:
    with pytest.raises(ConfigError, match="marker_secret"):
        GitHubPublisher(lambda _installation: client, settings)
