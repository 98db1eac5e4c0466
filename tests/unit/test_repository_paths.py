"""Issue 9, items 14 and 15: SARIF, `-o github` and JUnit name files from the repository root.

Black-box: the real command line on a real git repository, its SARIF checked against the official
OASIS schema and GitHub's upload rules (tests/github_code_scanning.py).
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.github_code_scanning import upload_problems
from tfreview.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
VOLUME = 'resource "aws_ebs_volume" "{name}" {{\n  size = 10\n  encrypted = false\n}}\n'


def _scan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["scan", *argv])
    return code, capsys.readouterr().out


def _git(repo: Path, *argv: str) -> None:
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, *argv], check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    (repo / "infra" / "admin.tf").write_text(VOLUME.format(name="logs"))
    _git(repo, "init", "-q")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return repo


def _sarif_uris(text: str) -> set[str]:
    log = json.loads(text)
    return {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
        for location in result["locations"]
    }


def test_sarif_with_suppressions_and_a_baseline_is_accepted_by_github(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = _scan(capsys, str(DEMO / "plan.json"), "--source", str(DEMO), "-o", "sarif")
    assert code == 1
    log = json.loads(out)
    suppressions = [s for r in log["runs"][0]["results"] for s in r.get("suppressions", [])]
    assert suppressions, "the demo holds an inline suppression"
    assert all(s["status"] == "accepted" and "state" not in s for s in suppressions)
    assert upload_problems(out) == []
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(DEMO / "plan.json"), "-f", str(baseline)]) == 0
    capsys.readouterr()
    code, out = _scan(capsys, str(DEMO / "plan.json"), "--baseline", str(baseline), "-o", "sarif")
    assert code == 0
    assert any("suppressions" in r for r in json.loads(out)["runs"][0]["results"])
    assert upload_problems(out) == []


def test_sarif_github_and_junit_paths_start_at_the_repository_root(
    capsys: pytest.CaptureFixture[str], repository: Path
) -> None:
    infra = str(repository / "infra")
    _, sarif = _scan(capsys, infra, "-o", "sarif")
    assert _sarif_uris(sarif) == {"infra/admin.tf"}
    assert upload_problems(sarif, repository) == []
    _, github = _scan(capsys, infra, "-o", "github")
    assert "file=infra/admin.tf,line=1" in github
    _, junit = _scan(capsys, infra, "-o", "junit")
    files = {case.get("file") for case in ET.fromstring(junit).iter("testcase") if case.get("file")}
    assert files == {"infra/admin.tf"}


def test_path_prefix_overrides_the_git_root(capsys: pytest.CaptureFixture[str], repository: Path) -> None:
    _, sarif = _scan(capsys, str(repository / "infra"), "-o", "sarif", "--path-prefix", "./live/prod/")
    assert _sarif_uris(sarif) == {"live/prod/admin.tf"}
    _, github = _scan(capsys, str(repository / "infra"), "-o", "github", "--path-prefix", "live/prod")
    assert "file=live/prod/admin.tf" in github
    assert main(["scan", str(repository / "infra"), "--path-prefix", "../outside"]) == 2
    assert "--path-prefix '../outside'" in capsys.readouterr().err


def test_a_plan_given_by_absolute_path_gets_no_file_uri(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes((DEMO / "plan.json").read_bytes())
    _, sarif = _scan(capsys, str(plan.resolve()), "-o", "sarif")
    assert "file://" not in sarif
    assert str(tmp_path) not in sarif
    assert upload_problems(sarif) == []


def test_a_deleted_resource_is_not_annotated_at_a_line_that_is_gone(
    capsys: pytest.CaptureFixture[str], repository: Path
) -> None:
    main_tf = repository / "infra" / "main.tf"
    main_tf.write_text("\n" * 40 + 'resource "aws_db_instance" "orders" {\n  engine = "postgres"\n}\n')
    _git(repository, "add", ".")
    _git(repository, "commit", "-qm", "base")
    main_tf.write_text("# the database moved elsewhere\n")
    _code, github = _scan(capsys, str(repository / "infra"), "--base", "HEAD", "-o", "github")
    deleted = [line for line in github.splitlines() if "aws_db_instance.orders" in line]
    assert deleted, github
    assert all("line=41" not in line and "line=" not in line for line in deleted)
    _, sarif = _scan(capsys, str(repository / "infra"), "--base", "HEAD", "-o", "sarif")
    for result in json.loads(sarif)["runs"][0]["results"]:
        if result["properties"]["address"] == "aws_db_instance.orders":
            assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert upload_problems(sarif) == []
