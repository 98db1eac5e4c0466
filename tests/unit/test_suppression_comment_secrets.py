"""A suppression comment's text reaches every report (a notice quoting a look-alike, an unknown id, a suppression's
reason): a secret written in it is scrubbed there as in a finding (review24b). Real `tfreview scan` runs on a tree
with canary tokens, in every output format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# canaries: each a token shape tfreview scrubs (a GitHub token, a `password=` assignment, a long random string)
GHP_QUOTED = "ghp_CANARYr24bQuotedAAAAAAAAAAAAAAAAAAA"
GHP_ID = "ghp_CANARYr24bUnknownIdBBBBBBBBBBBBBBBB"
GHP_PEER = "ghp_CANARYr24bPeerIdCCCCCCCCCCCCCCCCCCC"
GHP_REASON = "ghp_CANARYr24bReasonDDDDDDDDDDDDDDDDDDD"
PASSWORD = "CanaryR24bHunter2"
RANDOM = "Zq8vKp2LmW9xTr4Yb7NcHd3JfG6sAe1U"  # 32 characters of three classes: high entropy
GHP_CUT = "ghp_CANARYr24bCutEEEEEEEEEEEEEEEEEEEEEEE"  # begins where the 60-character quote is cut
CANARIES = (GHP_QUOTED, GHP_ID, GHP_PEER, GHP_REASON, PASSWORD, RANDOM, GHP_CUT[:24])

TREE = f"""
resource "aws_s3_bucket" "quoted" {{
  # tfreview ignore {GHP_QUOTED}
  bucket = "a"
}}
resource "aws_s3_bucket" "unknown_id" {{
  # tfreview:ignore={GHP_ID}
  bucket = "b"
}}
resource "aws_s3_bucket" "peer" {{
  # tfsec:ignore:{GHP_PEER}
  bucket = "c"
}}
resource "aws_s3_bucket" "assignment" {{
  # TFREVIEW:IGNORE password={PASSWORD}
  bucket = "d"
}}
resource "aws_s3_bucket" "random" {{
  # tfreview ignore {RANDOM}
  bucket = "e"
}}
resource "aws_s3_bucket" "cut" {{
  # tfreview ignore the bucket, the deploy key is {GHP_CUT}
  bucket = "f"
}}
resource "aws_s3_bucket" "reason" {{
  # tfreview:ignore=TFR-AWS-007 the CI token {GHP_REASON} reads it
  bucket = "g"
}}
"""


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets")
    (root / "main.tf").write_text(TREE)
    return root


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif", "github", "junit"])
def test_no_canary_from_a_suppression_comment_reaches_a_report(tree: Path, fmt: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(tree), "-o", fmt, "--no-color"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr  # medium findings: the verdict is warn
    assert "Traceback" not in result.stderr
    output = result.stdout + result.stderr
    assert [canary for canary in CANARIES if canary in output] == []
    # the notices are still there, the secret in them redacted
    assert "main.tf:3 looks like a suppression" in output
    assert "main.tf:7" in output
    assert "main.tf:11" in output
    assert "redacted" in output
