"""The CI recipes of docs/howto/ci.md, each run here: GitLab CI's script, Atlantis's run steps, the shell
script and the make targets, with `tfreview` (this checkout's) and `terraform` on PATH.

The install lines (`pip install …`) are not run here: the same wheel installed into a clean virtualenv
is tested in test_distribution.py. The page embeds every recipe file verbatim and lists every input
and output of the Action, so the page and the files cannot drift apart.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.packaging.stacks import DEMO_TF, LOCAL_STACK, OPEN_RDP

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "docs" / "howto" / "ci"
PAGE = ROOT / "docs" / "howto" / "ci.md"

needs_terraform = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TFREVIEW_", "CI_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # this checkout's tfreview
    env.update({"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", **extra})
    return env


def _sh(script: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=_env(**extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


def _merge_request(tmp_path: Path) -> Path:
    """A clone whose origin has `main` with the demo stack in infra/, checked out on a branch opening RDP."""
    origin, clone = tmp_path / "origin.git", tmp_path / "clone"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    _git(tmp_path, "clone", "-q", str(origin), str(clone))
    _git(clone, "config", "user.email", "dev@example.com")
    _git(clone, "config", "user.name", "dev")
    (clone / "infra").mkdir()
    (clone / "infra" / "main.tf").write_text(DEMO_TF, encoding="utf-8")
    _git(clone, "add", "-A")
    _git(clone, "commit", "-q", "-m", "base")
    _git(clone, "push", "-q", "origin", "HEAD:main")
    _git(clone, "checkout", "-q", "-b", "open-rdp")
    with (clone / "infra" / "main.tf").open("a", encoding="utf-8") as handle:
        handle.write(OPEN_RDP)
    _git(clone, "commit", "-q", "-am", "open RDP")
    return clone


def test_the_page_embeds_every_recipe_verbatim() -> None:
    page = PAGE.read_text(encoding="utf-8")
    recipes = sorted(p for p in RECIPES.iterdir() if p.is_file())
    assert len(recipes) >= 6
    for recipe in recipes:
        assert recipe.read_text(encoding="utf-8") in page, f"{recipe.name} differs from its copy in ci.md"


def test_the_page_documents_every_input_and_output_of_the_action() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    page = PAGE.read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z-]+)` \|", page, flags=re.M))
    assert set(action["inputs"]) <= rows
    assert set(action["outputs"]) <= rows


def test_gitlab_ci_script_reviews_the_merge_request_into_junit(tmp_path: Path) -> None:
    job = yaml.safe_load((RECIPES / "gitlab-ci.yml").read_text(encoding="utf-8"))["tfreview"]
    clone = _merge_request(tmp_path)

    result = _sh("\n".join(job["script"]), clone, CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main")

    assert result.returncode == 1, result.stdout + result.stderr  # the job fails on what the MR introduces
    assert "TFR-AWS-013" in result.stdout
    suites = ET.parse(clone / job["artifacts"]["reports"]["junit"]).getroot()
    failures = [case for case in suites.iter("testcase") if case.find("failure") is not None]
    assert any("aws_security_group_rule.rdp" in (case.get("name") or "") for case in failures)
    assert "aws_security_group_rule.rdp" in (clone / job["artifacts"]["paths"][0]).read_text(encoding="utf-8")


@needs_terraform
def test_atlantis_run_steps_review_the_plan(tmp_path: Path) -> None:
    config = yaml.safe_load((RECIPES / "atlantis-repos.yaml").read_text(encoding="utf-8"))
    steps = config["workflows"]["tfreview"]["plan"]["steps"]
    assert steps[:2] == ["init", "plan"]
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(LOCAL_STACK, encoding="utf-8")
    planfile, showfile = tmp_path / "default.tfplan", tmp_path / "default.tfplan.json"
    # what Atlantis's built-in init and plan steps do, then the recipe's own run steps
    builtin = (
        f"terraform init -input=false -no-color >/dev/null && terraform plan -input=false -out {planfile} >/dev/null"
    )
    assert _sh(builtin, project).returncode == 0

    for step in steps[2:]:
        result = _sh(step["run"], project, PLANFILE=str(planfile), SHOWFILE=str(showfile))
        assert result.returncode == 0, result.stdout + result.stderr

    assert result.stdout.startswith("**tfreview: PASS**")
    assert "Reviewed 1 of 1 resources" in result.stdout  # the plan's one resource (the provider block is not one)


@needs_terraform
def test_the_shell_script_plans_and_writes_sarif_and_junit(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(LOCAL_STACK, encoding="utf-8")
    result = _sh(f"{RECIPES / 'review.sh'} {tmp_path}", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verdict: PASS" in result.stdout
    assert (tmp_path / "tfreview.sarif").is_file()
    ET.parse(tmp_path / "tfreview.xml")


def test_the_make_targets_review_hcl_changes(tmp_path: Path) -> None:
    clone = _merge_request(tmp_path)
    shutil.copy(RECIPES / "tfreview.mk", clone / "tfreview.mk")
    result = _sh("make --no-print-directory -f tfreview.mk review-hcl STACK=infra", clone)
    assert result.returncode != 0  # the RDP rule this branch adds fails the review
    assert "TFR-AWS-013 aws_security_group_rule.rdp" in result.stdout


@needs_terraform
def test_the_make_targets_review_a_plan(tmp_path: Path) -> None:
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "main.tf").write_text(LOCAL_STACK, encoding="utf-8")
    shutil.copy(RECIPES / "tfreview.mk", tmp_path / "tfreview.mk")
    assert _sh("terraform -chdir=stack init -input=false >/dev/null", tmp_path).returncode == 0
    result = _sh("make --no-print-directory -f tfreview.mk review STACK=stack", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verdict: PASS" in result.stdout
