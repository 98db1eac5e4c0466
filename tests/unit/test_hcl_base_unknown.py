"""The base side of an HCL diff reads an expression it cannot evaluate as unknown, as the head side does (ADR 0475).

Each case is a real pair of trees (`base/`, `head/`) read from disk as `tfreview scan HEAD --base BASE` reads them.
Before ADR 0475 the base side read `encrypted = var.encrypted` (a variable without a default) as unset, so a rule
judging the provider default fired there: a head `encrypted = false` read as existing, a head `encrypted = true`
as resolved.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview.core.findings import Review, Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import load_change
from tfreview.rules import load_rules_for

EBS = "TFR-AWS-018"
VERSIONING = "TFR-AWS-011"
POSTGRES_CONNECTIONS = "TFR-GCP-214"

_VOLUME = """
variable "encrypted" {
  type = bool
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 20
%s}
"""

UNKNOWN = "  encrypted = var.encrypted\n"
FALSE = "  encrypted = false\n"
TRUE = "  encrypted = true\n"
UNSET = ""


def _review(tmp_path: Path, base: str, head: str) -> Review:
    for side, text in (("base", base), ("head", head)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    change_set = load_change(tmp_path / "base", tmp_path / "head")
    return review(change_set, load_rules_for({c.type for c in change_set.changes}), Policy())


def _statuses(result: Review, rule: str) -> list[tuple[str, Status]]:
    return [(f.address, f.status) for f in result.findings if f.rule_id == rule]


@pytest.mark.parametrize(
    ("base", "head", "expected"),
    [
        # the case: the base was unknown, the head is known to fail — the change introduces it
        (UNKNOWN, FALSE, [Status.INTRODUCED]),
        # an attribute removed: the provider default (unencrypted) applies where the base was unknown
        (UNKNOWN, UNSET, [Status.INTRODUCED]),
        # a known pass where the base was unknown: nothing was known to fail, nothing is resolved
        (UNKNOWN, TRUE, []),
        # unknown on both sides: no rule judges it
        (UNKNOWN, UNKNOWN, []),
        # a known failure made unknown: maybe fixed, maybe not — not resolved (ADR 0465)
        (FALSE, UNKNOWN, []),
        (UNSET, UNKNOWN, []),
        # known on both sides: as before
        (FALSE, FALSE, [Status.EXISTING]),
        (UNSET, FALSE, [Status.EXISTING]),
        (FALSE, TRUE, [Status.RESOLVED]),
        (TRUE, FALSE, [Status.INTRODUCED]),
    ],
    ids=[
        "unknown-false",
        "unknown-unset",
        "unknown-true",
        "unknown-unknown",
        "false-unknown",
        "unset-unknown",
        "false-false",
        "unset-false",
        "false-true",
        "true-false",
    ],
)
def test_each_status_transition_of_an_unknown_base(
    tmp_path: Path, base: str, head: str, expected: list[Status]
) -> None:
    result = _review(tmp_path, _VOLUME % base, _VOLUME % head)
    assert _statuses(result, EBS) == [("aws_ebs_volume.data", status) for status in expected]


def test_the_base_side_carries_its_own_unknown_mask(tmp_path: Path) -> None:
    for side, text in (("base", _VOLUME % UNKNOWN), ("head", _VOLUME % FALSE)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    (change,) = load_change(tmp_path / "base", tmp_path / "head").changes
    assert change.before_unknown == {"encrypted": True}
    assert "encrypted" not in change.before
    assert change.after_unknown in (None, {})


_BUCKET = """
variable "tags" {
  type = map(string)
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  tags   = var.tags
%s}
"""


def test_an_unknown_both_sides_share_does_not_hide_a_known_fix(tmp_path: Path) -> None:
    """A finding on the whole bucket (no versioning) and `tags = var.tags` on both sides: the head's unknown tags
    were unknown in the base too, where the rule fired all the same, so enabling versioning is a known fix. ADR
    0465 dropped it while the base read the tags as unset."""
    versioned = "  versioning {\n    enabled = true\n  }\n"
    result = _review(tmp_path, _BUCKET % "", _BUCKET % versioned)
    assert _statuses(result, VERSIONING) == [("aws_s3_bucket.logs", Status.RESOLVED)]


def test_an_unknown_the_head_adds_still_blocks_resolved(tmp_path: Path) -> None:
    """The head's versioning is unknown where the base had none: the rule's silence proves nothing (ADR 0465)."""
    head = (_BUCKET % "  versioning {\n    enabled = var.versioned\n  }\n") + 'variable "versioned" {}\n'
    result = _review(tmp_path, _BUCKET % "", head)
    assert _statuses(result, VERSIONING) == []


_DATABASE = """
variable "major" {
  type = string
}

resource "google_sql_database_instance" "pg" {
  name             = "pg"
  region           = "europe-west1"
  database_version = "POSTGRES_${var.major}"
  settings {
    tier = "db-custom-2-7680"
  }
}
"""


def test_a_known_prefix_is_judged_on_the_base_side_too(tmp_path: Path) -> None:
    """`"POSTGRES_${var.major}"` is a PostgreSQL version whatever the variable (ADR 0330), so the PostgreSQL flag
    rules apply on the head side; the base side keeps its known prefixes too, so the same text on both sides is
    existing, not introduced."""
    result = _review(tmp_path, _DATABASE, _DATABASE)
    assert _statuses(result, POSTGRES_CONNECTIONS) == [("google_sql_database_instance.pg", Status.EXISTING)]


def test_the_scan_command_says_introduced(tmp_path: Path) -> None:
    for side, text in (("base", _VOLUME % UNKNOWN), ("head", _VOLUME % FALSE)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "tfreview", "scan", str(tmp_path / "head"), "--base", str(tmp_path / "base")]
    result = subprocess.run(
        [*command, "-o", "json", "--rule", EBS, "--soft-fail"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule_id"], f["status"]) for f in findings] == [(EBS, "introduced")]
