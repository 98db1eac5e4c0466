"""A base-side finding is "resolved" only when the head side is known to pass (ADR 0465).

The base side of an HCL diff reads an expression it cannot evaluate (`var.x`) as unset, the head side as unknown;
the rule's silence on the head side is then no evidence that the change fixed anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_BUCKET = """
variable "algorithm" {
  type = string
}

resource "aws_s3_bucket" "b" {
  bucket = "x"
%s
}
"""
_INLINE = """
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = %s
        kms_master_key_id = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      }
    }
  }
"""


def _scan(tmp_path: Path, base: str, head: str) -> list[dict[str, object]]:
    for side, text in (("base", base), ("head", head)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tfreview",
            "scan",
            str(tmp_path / "head"),
            "--base",
            str(tmp_path / "base"),
            "-o",
            "json",
            "--rule",
            "TFR-AWS-009",
            "--soft-fail",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return findings


def test_the_same_unknown_expression_on_both_sides_resolves_nothing(tmp_path: Path) -> None:
    tree = _BUCKET % (_INLINE % "var.algorithm")
    assert [f["status"] for f in _scan(tmp_path, tree, tree)] in ([], ["existing"])


def test_a_known_fix_is_still_resolved(tmp_path: Path) -> None:
    base, head = _BUCKET % "", _BUCKET % (_INLINE % '"aws:kms"')
    findings = _scan(tmp_path, base, head)
    assert [(f["rule_id"], f["status"]) for f in findings] == [("TFR-AWS-009", "resolved")]
