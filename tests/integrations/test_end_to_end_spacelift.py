"""Spacelift end to end over real HTTP: FakeSpacelift + FakeGitHub ⇄ tfreview (uvicorn, SQLite, embedded
workers), wired by `build_services` from settings alone.

A proposed Spacelift run on a pull request: the stack's after_plan hook runs `tfreview submit
--spacelift-env` → the plan is reviewed (cross-checked with the run's changesV3) → ONE run comment on
the run, and the PR's ONE comment shows the run's plan review combined with the PR's own HCL review.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.spacelift import FakeSpacelift
from tests.integration.live import wait_for
from tests.integrations.live_stack import (
    INSTALLATION,
    MAIN_TF,
    OWNER,
    REPO,
    LiveStack,
    github_app_settings,
    live_stack,
    open_terraform_pull_request,
    pull_request_event,
    send_webhook,
    stack_settings,
)
from tfreview.cli import main
from tfreview.identity.token_admin import create_token
from tfreview.ports.records import Scope
from tfreview.ports.review_codec import report_document

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "demo" / "plan.json"
STACK = "network-prod"
RUN = "01JKZAHVAQHFM8CC3EA5HWRMP1"
SECRET_ENV = "TFREVIEW_E2E_SPACELIFT_KEY_SECRET"


def planned_addresses() -> list[str]:
    document = json.loads(PLAN.read_text(encoding="utf-8"))
    return [c["address"] for c in document["resource_changes"] if c["change"]["actions"] != ["no-op"]]


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(INSTALLATION, OWNER, repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": MAIN_TF})
        yield fake


@pytest.fixture
def spacelift(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpacelift]:
    with FakeSpacelift() as fake:
        fake.add_stack(STACK, namespace=OWNER, repository="infra")
        monkeypatch.setenv(SECRET_ENV, fake.key_secret)  # the key secret reaches tfreview as `env:NAME`
        yield fake


@pytest.fixture
def stack(github: FakeGitHub, spacelift: FakeSpacelift, tmp_path: Path) -> Iterator[LiveStack]:
    secret = f"whsec-{uuid.uuid4().hex}"
    settings = stack_settings(
        tmp_path,
        webhook_secret=secret,
        github_app=github_app_settings(github, tmp_path),
        spacelift_api=spacelift.api_settings(secret_env=SECRET_ENV, pull_request_repositories=[REPO]),
    )
    with live_stack(settings, reconcilers=()) as running:
        github.webhook_url = f"{running.url}/webhooks/github"
        github.webhook_secret = secret
        yield running


def submit_from_run(
    stack: LiveStack, commit: str, number: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    """The stack's after_plan hook: `tfreview submit --spacelift-env` inside the run."""
    _, token = create_token(stack.services.tokens, "spacelift:acme", Scope.WRITE, "after_plan hook")
    for name, value in {
        "TF_VAR_spacelift_account_name": "acme.app.spacelift.io",
        "TF_VAR_spacelift_stack_id": STACK,
        "TF_VAR_spacelift_run_id": RUN,
        "TF_VAR_spacelift_repository": REPO,
        "TF_VAR_spacelift_commit_sha": commit,
        "TFREVIEW_TOKEN": token,
    }.items():
        monkeypatch.setenv(name, value)
    code = main(["submit", str(PLAN), "--url", stack.url, "--spacelift-env", "--pull-request", str(number)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert token not in out + err
    return out.strip().rsplit("/", 1)[-1]


def our_pr_comments(github: FakeGitHub, number: int) -> list[dict[str, object]]:
    return [c for c in github.comments(REPO, number) if "tfreview:review" in str(c["body"])]


def test_a_proposed_run_gets_one_run_comment_and_its_plan_review_joins_the_pr_comment(
    github: FakeGitHub,
    spacelift: FakeSpacelift,
    stack: LiveStack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    number = open_terraform_pull_request(github, REPO, "proposed")
    head = github.pull_request(REPO, number).head_sha
    spacelift.add_run(
        STACK,
        RUN,
        state="UNCONFIRMED",
        type="PROPOSED",
        branch="proposed",
        commit_sha=head,
        changes=planned_addresses(),
    )
    # the PR's own review (HCL diff), from its webhook
    send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "opened"))
    first = wait_for(lambda: our_pr_comments(github, number), "the PR's HCL review comment")
    assert "aws_db_instance.orders" not in str(first[0]["body"])

    # the run's after_plan hook uploads its plan
    review_id = submit_from_run(stack, head, number, capsys, monkeypatch)
    comments = wait_for(lambda: spacelift.comments(STACK, RUN), "the run comment")
    wait_for(
        lambda: "aws_db_instance.orders" in str(our_pr_comments(github, number)[0]["body"]),
        "the plan's findings in the PR comment",
    )
    stored = stack.services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    assert (stored.source.stack_id, stored.source.run_id) == (STACK, RUN)
    notes = " ".join(report_document(stored.report)["coverage"]["notes"])
    assert f"Cross-checked with Spacelift run {STACK}/{RUN}" in notes

    assert len(comments) == 1
    body = str(comments[0]["body"])
    assert "aws_db_instance.orders" in body, "the run comment is the plan's review"
    pr_comments = our_pr_comments(github, number)
    assert len(pr_comments) == 1, "one PR comment: the HCL review and the plan review combined"
    pr_body = str(pr_comments[0]["body"])
    assert "aws_security_group.web" in pr_body, "the HCL review's findings stay"
    assert len(spacelift.comments(STACK, RUN)) == 1
    assert not stack.failed_reviews()
    assert spacelift.key_secret not in stack_text(stack)


def stack_text(stack: LiveStack) -> str:
    """Every stored review and delivery, as text (the API key secret must be in none)."""
    return "\n".join(repr(r) for r in stack.reviews())


def test_a_run_whose_review_dies_gets_one_run_comment_saying_so(
    github: FakeGitHub,
    spacelift: FakeSpacelift,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ADR 0380: the review of the run's upload dies (its stored plan is gone before a worker reads it: permanent)
    — the run, where its people look, gets one comment saying the review failed, why, its id and how to retry."""
    secret = f"whsec-{uuid.uuid4().hex}"
    settings = stack_settings(
        tmp_path,
        webhook_secret=secret,
        github_app=github_app_settings(github, tmp_path),
        spacelift_api=spacelift.api_settings(secret_env=SECRET_ENV, pull_request_repositories=[REPO]),
    )
    head = "c" * 40
    spacelift.add_run(STACK, RUN, state="UNCONFIRMED", type="TRACKED", commit_sha=head, changes=planned_addresses())
    submitted: list[str] = []

    def upload_then_lose_the_plan(stack: LiveStack) -> None:  # before any worker runs
        review_id = submit_from_run(stack, head, 1, capsys, monkeypatch)
        stored = stack.services.reviews.get(review_id)
        assert stored is not None
        assert stored.plan_id is not None
        stack.services.plans.delete(stored.plan_id)
        submitted.append(review_id)

    with live_stack(settings, reconcilers=(), before_workers=upload_then_lose_the_plan) as running:
        [review_id] = submitted
        comments = wait_for(lambda: spacelift.comments(STACK, RUN), "the run's failure comment")
        stored = running.services.reviews.get(review_id)
        assert stored is not None
        assert stored.status.value == "failed"
        assert len(comments) == 1
        body = str(comments[0]["body"])
        expected = ("tfreview could not review this change", "was not found", review_id, f"/reviews/{review_id}/retry")
        for text in expected:
            assert text in body
        assert spacelift.key_secret not in body
