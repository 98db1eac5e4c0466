"""A comment meant as a suppression that suppresses nothing is reported as a notice, never silently ignored
(ADR 0746): real `tfreview scan` runs on tests/data/hcl/suppression_lookalikes, in text, JSON and SARIF."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tfreview.parsing.hcl import changeset_from_sources

TREE = Path(__file__).resolve().parents[1] / "data" / "hcl" / "suppression_lookalikes"


def scan(fmt: str) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(TREE), "-o", fmt], capture_output=True, text=True, check=False
    )
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout


def test_each_lookalike_is_a_notice_and_suppresses_nothing_in_json() -> None:
    code, out = scan("json")
    report = json.loads(out)
    assert code == 1  # notices never change the verdict: the findings still count
    flagged = {f["address"] for f in report["findings"] if f["rule_id"] == "TFR-AWS-001"}
    assert flagged == {f"aws_s3_bucket.{name}" for name in ("spaced", "shouting", "unknown", "lowercase", "checkov")}
    assert [(f["address"], f["rule_id"]) for f in report["suppressed"]] == [("aws_s3_bucket.website", "TFR-AWS-001")]
    assert report["notices"] == [
        'the comment at main.tf:3 looks like a suppression but is not one tfreview reads ("tfreview:ignore '
        'TFR-AWS-001 a space, not ="): it suppresses nothing; write "tfreview:ignore=ID reason"',
        'the comment at main.tf:11 looks like a suppression but is not one tfreview reads ("TFREVIEW:IGNORE='
        'TFR-AWS-001 the prefix in the wrong case"): it suppresses nothing; write "tfreview:ignore=ID reason"',
        "inline suppression of TFR-AWS-999 at main.tf:14 names no rule of this review (a typo, or a removed "
        "rule?): it suppresses nothing",
        "inline suppression of tfr-aws-001 at main.tf:20 names no rule of this review (did you mean "
        "TFR-AWS-001?): it suppresses nothing",
        "inline suppressions of Checkov, tfsec or Trivy ids that no rule of this review maps suppress nothing: "
        "CKV_AWS_999 (main.tf:27)",
    ]
    assert not any("main.tf:32" in n or "main.tf:35" in n for n in report["notices"])  # what is read stays quiet


def test_the_notices_reach_the_text_and_sarif_reports() -> None:
    _, text = scan("text")
    assert "main.tf:3 looks like a suppression" in text
    assert "TFR-AWS-999 at main.tf:14 names no rule" in text
    _, sarif = scan("sarif")
    [run] = json.loads(sarif)["runs"]
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolConfigurationNotifications"]]
    assert any("main.tf:11 looks like a suppression" in n for n in notes)
    assert any("CKV_AWS_999 (main.tf:27)" in n for n in notes)
    assert all(r["ruleId"] != "" for r in run["results"])  # never a finding of its own


def test_what_the_syntaxes_read_is_unchanged_and_other_comments_are_not_lookalikes() -> None:
    text = """
# tfreview:ignore=TFR-AWS-001 read
# tfreview: ignore this bucket until Q3
resource "aws_s3_bucket" "a" {
  acl = "public-read" # tfsec:ignore:aws-s3-no-public-access-with-acl trivy:ignore AVD-AWS-0086
  bucket = "a" # checkov-ish words, and tfreview ignores nothing here: an ordinary comment
}
"""
    [change] = changeset_from_sources({"main.tf": text}).changes
    got = [(s.rule, s.syntax, s.location.line) for s in change.suppressions]
    assert got == [
        ("TFR-AWS-001", "tfreview", 2),
        ("tfreview: ignore this bucket until Q3", "unread", 3),
        ("aws-s3-no-public-access-with-acl", "tfsec", 5),
        ("trivy:ignore AVD-AWS-0086", "unread", 5),
    ]
