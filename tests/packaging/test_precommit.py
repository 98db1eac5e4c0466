"""The pre-commit hook: `pre-commit try-repo` this checkout in a fresh git repository with staged changes.

pre-commit itself builds the hook's environment (a virtualenv with tfreview installed from this
repository), so the test covers `.pre-commit-hooks.yaml`, the package build and the hook together.
`changed_roots` and the HEAD-less case are also tested in-process, where they are cheap.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.stacks import DEMO_TF, OPEN_RDP
from tfreview.precommit import changed_roots, main

ROOT = Path(__file__).resolve().parents[2]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two root modules committed: infra/ (the demo stack) and other/."""
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    (repo / "other").mkdir()
    (repo / "infra" / "main.tf").write_text(DEMO_TF, encoding="utf-8")
    (repo / "other" / "main.tf").write_text('resource "terraform_data" "marker" {}\n', encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "dev")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    return repo


def test_changed_roots_are_the_directories_of_terraform_files_once_each() -> None:
    files = ["infra/main.tf", "infra/vars.tfvars", "README.md", "modules/vpc/main.tf.json", "main.tofu", "infra/x.tf"]
    assert changed_roots(files) == ["infra", "modules/vpc", "."]


def test_only_changed_roots_are_reviewed_and_existing_findings_do_not_block(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    (repo / "other" / "main.tf").write_text('resource "terraform_data" "marker" {\n  input = "v2"\n}\n')
    assert main(["other/main.tf"]) == 0  # the demo stack's existing findings are not this commit's
    out = capsys.readouterr().out
    assert "tfreview: other (the change from HEAD)" in out
    assert "infra" not in out


def test_without_a_commit_the_directories_are_reviewed_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "main.tf").write_text(DEMO_TF, encoding="utf-8")
    _git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path)
    assert main(["main.tf"]) == 1  # every finding is new to a repository without a commit
    out = capsys.readouterr().out
    assert "tfreview: .\n" in out
    assert "the change from" not in out


def test_the_repositorys_tfreview_toml_is_honoured(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    with (repo / "infra" / "main.tf").open("a", encoding="utf-8") as handle:
        handle.write(OPEN_RDP)
    assert main(["infra/main.tf"]) == 1
    (repo / ".tfreview.toml").write_text('fail_on = "critical"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["infra/main.tf"]) == 0
    assert "Verdict: WARN" in capsys.readouterr().out


@pytest.mark.packaging
def test_pre_commit_try_repo_blocks_what_the_commit_introduces(repo: Path, tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (a dev dependency)")
    with (repo / "infra" / "main.tf").open("a", encoding="utf-8") as handle:
        handle.write(OPEN_RDP)
    (repo / "README.md").write_text("not Terraform\n", encoding="utf-8")
    _git(repo, "add", "infra/main.tf", "README.md")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TFREVIEW_", "VIRTUAL_ENV"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # uv, for pre-commit-uv

    # pre-commit clones this checkout (uncommitted changes included), builds the hook's virtualenv from it,
    # and runs the hook on the staged files
    blocked = subprocess.run(
        [pre_commit, "try-repo", str(ROOT), "tfreview", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert "tfreview: infra (the change from HEAD)" in output
    assert "TFR-AWS-013 aws_security_group_rule.rdp" in output
    assert "Introduced by this change (1)" in output  # the demo stack's own findings are listed as existing
    assert "tfreview: other" not in output  # only the changed root
