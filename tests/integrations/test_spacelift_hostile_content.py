"""A hostile plan uploaded from a Spacelift run (its after_plan hook runs `tfreview submit --spacelift-env`), over
real HTTP: FakeSpacelift + FakeGitHub ⇄ tfreview (uvicorn, SQLite, embedded workers). The plan's addresses,
values and Terraform version carry HTML, Markdown breakouts, mentions, tracking images, escape sequences, bidi
controls and a forged "PASS" heading; the run's branch name carries markup too.

Read as Spacelift and GitHub received them: the run comment and the PR comment render nothing the plan wrote
and lead with the rules' verdict; the run review's note is our own words.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.spacelift import FakeSpacelift
from tests.hostile_text import hostile_plan, markdown_leaks, terminal_leaks
from tests.integration.live import wait_for
from tests.integrations.live_stack import (
    INSTALLATION,
    MAIN_TF,
    OWNER,
    REPO,
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

STACK = "network-prod"
RUN = "01JKZAHVAQHFM8CC3EA5HWRMP9"
SECRET_ENV = "TFREVIEW_E2E_SPACELIFT_KEY_SECRET"


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
        monkeypatch.setenv(SECRET_ENV, fake.key_secret)
        yield fake


def test_a_hostile_plan_from_a_run_reaches_spacelift_and_github_inert(
    github: FakeGitHub,
    spacelift: FakeSpacelift,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_document = hostile_plan()
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_document), encoding="utf-8")
    secret = f"whsec-{uuid.uuid4().hex}"
    settings = stack_settings(
        tmp_path,
        webhook_secret=secret,
        github_app=github_app_settings(github, tmp_path),
        spacelift_api=spacelift.api_settings(secret_env=SECRET_ENV, pull_request_repositories=[REPO]),
    )
    with live_stack(settings, reconcilers=()) as stack:
        github.webhook_url = f"{stack.url}/webhooks/github"
        github.webhook_secret = secret
        number = open_terraform_pull_request(github, REPO, "proposed")
        head = github.pull_request(REPO, number).head_sha
        spacelift.add_run(
            STACK,
            RUN,
            state="UNCONFIRMED",
            type="PROPOSED",
            branch="proposed<img src=x onerror=alert(1)>@octo/admins#1",
            commit_sha=head,
            changes=[c["address"] for c in plan_document["resource_changes"]],
        )
        send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "opened"))
        _, token = create_token(stack.services.tokens, "spacelift:acme", Scope.WRITE, "after_plan hook")
        for name, value in {
            "TF_VAR_spacelift_account_name": "acme.app.spacelift.io",
            "TF_VAR_spacelift_stack_id": STACK,
            "TF_VAR_spacelift_run_id": RUN,
            "TF_VAR_spacelift_repository": REPO,
            "TF_VAR_spacelift_commit_sha": head,
            "TFREVIEW_TOKEN": token,
        }.items():
            monkeypatch.setenv(name, value)
        code = main(["submit", str(plan), "--url", stack.url, "--spacelift-env", "--pull-request", str(number)])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert terminal_leaks((out + err).encode()) == []
        [run_comment] = wait_for(lambda: spacelift.comments(STACK, RUN), "the run comment")
        pr_body = wait_for(
            lambda: next(
                (
                    str(c["body"])
                    for c in github.comments(REPO, number)
                    if "tfreview:review" in str(c["body"]) and "aws_db_instance.hostile" in str(c["body"])
                ),
                None,
            ),
            "the plan's findings in the PR comment",
        )
        assert not stack.failed_reviews()
        public = str(stack.settings.server.public_url)

    for body in (str(run_comment["body"]), pr_body):
        assert markdown_leaks(body, own_links=(public,)) == []
        assert "**tfreview: FAIL**" in body.split("\n", 2)[1]  # after our marker: the rules' verdict
        assert "<script>alert(1)</script>" in body  # the address, whole, in a code span
        assert "\\u202Eevil\\u202C" in body
    for review in spacelift.reviews(STACK, RUN):
        assert terminal_leaks(json.dumps(review, ensure_ascii=False).encode()) == []
        assert "<" not in json.dumps(review)
