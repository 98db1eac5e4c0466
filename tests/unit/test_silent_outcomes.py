"""Issue 9, items 16 and 17: no PASS on what nothing reviewed, no silent failure.

Black-box: the real command line (its entry point, and a real process for exit codes), every format.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.github_code_scanning import upload_problems
from tfreview.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
UNCOVERED = """
provider "alicloud" {
  region = "cn-hangzhou"
}
resource "alicloud_oss_bucket" "logs" {
  bucket = "logs"
  acl    = "public-read"
}
resource "datadog_monitor" "cpu" {
  name = "cpu"
  type = "metric alert"
}
resource "aws_ebs_volume" "data" {
  size      = 10
  encrypted = true
}
"""
BROKEN = 'resource "aws_s3_bucket" "public" {\n  bucket = \n  acl = "public-read"\n}\n'


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def uncovered(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(UNCOVERED)
    return tmp_path


def test_every_format_says_how_many_resources_had_rules_and_lists_uncovered_types(
    capsys: pytest.CaptureFixture[str], uncovered: Path
) -> None:
    code, text, _ = _run(capsys, "scan", str(uncovered))
    assert code == 0
    assert "rules covered 1 of 3 resources" in text
    assert "alicloud_oss_bucket" in text
    assert "datadog_monitor" in text
    assert "of 4 resources" not in text, "a provider configuration is not a resource"
    document = json.loads(_run(capsys, "scan", str(uncovered), "-o", "json")[1])
    coverage = document["coverage"]
    assert coverage["resources_total"] == 3
    assert coverage["resources_covered"] == 1
    assert coverage["uncovered_types"] == ["alicloud_oss_bucket", "datadog_monitor"]
    markdown = _run(capsys, "scan", str(uncovered), "-o", "markdown")[1]
    assert "1 of 3 resources" in markdown.splitlines()[0]
    assert "alicloud\\_oss\\_bucket" in markdown or "`alicloud_oss_bucket`" in markdown
    sarif = _run(capsys, "scan", str(uncovered), "-o", "sarif")[1]
    assert upload_problems(sarif) == []
    run = json.loads(sarif)["runs"][0]
    assert run["properties"]["uncovered_types"] == ["alicloud_oss_bucket", "datadog_monitor"]
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolConfigurationNotifications"]]
    assert any("alicloud_oss_bucket" in n for n in notes)
    junit = ET.fromstring(_run(capsys, "scan", str(uncovered), "-o", "junit")[1])
    skipped = [c.get("name") for c in junit.iter("testcase") if c.find("skipped") is not None]
    assert "no rule checks alicloud_oss_bucket" in skipped
    github = _run(capsys, "scan", str(uncovered), "-o", "github")[1]
    assert "alicloud_oss_bucket" in github
    assert "datadog_monitor" in github


def test_fail_on_uncovered_fails_strict_teams(capsys: pytest.CaptureFixture[str], uncovered: Path) -> None:
    code, text, _ = _run(capsys, "scan", str(uncovered), "--fail-on-uncovered")
    assert code == 1
    assert "Verdict: FAIL" in text
    (uncovered / ".tfreview.toml").write_text("fail_on_uncovered = true\n")
    (uncovered / ".git").mkdir()
    assert _run(capsys, "scan", str(uncovered))[0] == 1


def test_a_syntax_error_exits_2_and_says_so_first(tmp_path: Path) -> None:
    (tmp_path / "good.tf").write_text('resource "aws_ebs_volume" "v" {\n  size = 10\n  encrypted = true\n}\n')
    (tmp_path / "broken.tf").write_text(BROKEN)
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("tfreview: error: 1 file could not be parsed")
    assert "broken.tf" in done.stderr
    assert "--allow-parse-errors" in done.stderr
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    allowed = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(tmp_path), "--allow-parse-errors"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert allowed.returncode == 0, allowed.stderr
    first_lines = "\n".join(allowed.stdout.splitlines()[:4])
    assert "NOT REVIEWED: 1 file could not be parsed" in first_lines
    assert "broken.tf" in first_lines


def test_unknown_rule_ids_are_refused_wherever_they_are_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _run(capsys, "scan", str(DEMO / "plan.json"), "--skip-rule", "TFR-AWS-9999")
    assert code == 2
    assert "--skip-rule: unknown rule(s) TFR-AWS-9999" in err
    config = tmp_path / ".tfreview.toml"
    for body, where in (
        (
            '[rules]\ndisable = ["CKV_AWS_NOPE"]\n',
            "rules.disable",
        ),
        ('[rules]\nonly = ["NOPE-2"]\n', "rules.only"),
        ('[severity]\n"NOPE-3" = "low"\n', "severity"),
        (
            '[[suppress]]\nrule = "NOPE-4"\nreason = "x"\n',
            "suppress",
        ),
    ):
        config.write_text(body)
        code, _, err = _run(capsys, "scan", str(DEMO / "plan.json"), "--config", str(config))
        assert code == 2, body
        assert f"{where}: unknown rule(s) NOPE" in err.replace("CKV_AWS_NOPE", "NOPE"), err
        assert err.count("\n") == 1


def test_a_plan_with_source_uses_the_source_folders_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "infra"
    source.mkdir()
    (source / ".git").mkdir()
    (source / "main.tf").write_text((DEMO / "main.tf").read_text())
    (source / ".tfreview.toml").write_text('fail_on = "critical"\n')
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan.json").write_bytes((DEMO / "plan.json").read_bytes())
    _, out, _ = _run(capsys, "scan", str(plans / "plan.json"), "--source", str(source), "-o", "json")
    assert json.loads(out)["fail_on"] == "critical"


def test_the_service_notes_unknown_rule_ids_of_a_repository_config() -> None:
    """The service cannot exit 2: the review says which ids of the repository's config match nothing."""
    from tfreview.integrations.github.repo_policy import repo_policy

    files = {".tfreview.toml": '[rules]\ndisable = ["TFR-AWS-9999", "TFR-AWS-001"]\n'}
    found = repo_policy([""], files.get)
    assert any("rules.disable: unknown rule(s) TFR-AWS-9999" in note for note in found.notes)
