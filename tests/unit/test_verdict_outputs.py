"""Issue 9, item 18: JUnit and annotations follow the verdict; the PR comment reads right.

Black-box: the real command line on the demo plan (9 introduced findings at or above `high` in
the verdict's sense, existing findings beside them), every count taken from the JSON report.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tfreview.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
_ORDER = ["info", "low", "medium", "high", "critical"]


def _scan(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(["scan", str(DEMO / "plan.json"), "--source", str(DEMO), *argv])
    return capsys.readouterr().out


def _failing(document: dict[str, object], *, existing_too: bool) -> int:
    findings = document["findings"]
    assert isinstance(findings, list)
    statuses = ("introduced", "existing") if existing_too else ("introduced",)
    threshold = _ORDER.index(str(document["fail_on"]))
    return sum(1 for f in findings if f["status"] in statuses and _ORDER.index(f["severity"]) >= threshold)


@pytest.mark.parametrize("existing_too", [False, True], ids=["default", "fail_on_existing"])
def test_junit_failures_and_error_annotations_are_what_fails_the_verdict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, existing_too: bool
) -> None:
    config = tmp_path / ".tfreview.toml"
    config.write_text(f"fail_on_existing = {'true' if existing_too else 'false'}\n")
    document = json.loads(_scan(capsys, "-o", "json", "--config", str(config)))
    expected = _failing(document, existing_too=existing_too)
    existing = sum(1 for f in document["findings"] if f["status"] == "existing")
    assert existing, "the demo has existing findings"
    junit = ET.fromstring(_scan(capsys, "-o", "junit", "--config", str(config)))
    assert int(junit.get("failures", "-1")) == expected
    assert len(list(junit.iter("failure"))) == expected
    if not existing_too:
        skipped = [c for c in junit.iter("testcase") if c.find("skipped") is not None]
        messages = [str(getattr(c.find("skipped"), "attrib", {}).get("message", "")) for c in skipped]
        assert sum(1 for m in messages if m.startswith("existing")) == existing
    github = _scan(capsys, "-o", "github", "--config", str(config))
    assert sum(1 for line in github.splitlines() if line.startswith("::error ")) == expected


def test_markdown_shows_code_spans_not_escaped_backticks(capsys: pytest.CaptureFixture[str]) -> None:
    markdown = _scan(capsys, "-o", "markdown")
    assert "\\`" not in markdown
    assert "`terraform plan`" in markdown  # TFR-CHG-002's remediation, as a code span


def test_the_builtin_reviewers_bullets_stay_a_list(capsys: pytest.CaptureFixture[str]) -> None:
    markdown = _scan(capsys, "-o", "markdown", "--advisor", "builtin")
    section = markdown[markdown.index("AI review") :]
    bullets = [line for line in section.splitlines() if line.startswith("> - ")]  # quoted as the model's
    assert len(bullets) >= 5, section[:800]
    assert any("aws\\_db\\_instance.orders" in b or "aws_db_instance.orders" in b for b in bullets)


def test_an_approving_summary_beside_a_failing_verdict_is_framed_as_advice(capsys: pytest.CaptureFixture[str]) -> None:
    markdown = _scan(capsys, "-o", "markdown", "--advisor", "builtin")
    section = markdown[markdown.index("AI review") :]
    assert "advice only" in section
    assert "cannot change the verdict" in section
    text = _scan(capsys, "--advisor", "builtin")
    assert "advice only: it cannot change the verdict (FAIL)" in text


@pytest.mark.parametrize("existing_too", [False, True], ids=["default", "fail_on_existing"])
def test_check_run_failure_annotations_follow_the_verdict_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, existing_too: bool
) -> None:
    """The same defect in the GitHub check run: its `failure` annotations must be what fails the verdict."""
    from tfreview.integrations.github.check_runs import annotations_of
    from tfreview.render.stored_report import review_from_report

    config = tmp_path / ".tfreview.toml"
    config.write_text(f'fail_on = "low"\nfail_on_existing = {"true" if existing_too else "false"}\n')
    document = json.loads(_scan(capsys, "-o", "json", "--config", str(config)))
    located = {
        **document,
        "findings": [f for f in document["findings"] if f["location"]],
    }
    failures = [a for a in annotations_of(review_from_report(located)) if a["annotation_level"] == "failure"]
    assert len(failures) == _failing(located, existing_too=existing_too)
    assert _failing(located, existing_too=True) > _failing(located, existing_too=False), "existing ones count"
