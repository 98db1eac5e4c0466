"""A suppression comment's text reaches every report (a notice quoting a look-alike, an unknown id, a suppression's
reason): a secret written in it is scrubbed there as in a finding (review24b). Real `tfreview scan` runs on a tree
with canary tokens, in every output format."""

from __future__ import annotations

import json
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


def test_a_block_of_many_suppression_comments_is_read_in_linear_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each comment of a run of suppression comments inside a block used to walk the rest of the run to find the item
    it names: 10,000 comment lines took ~50 million line tests (minutes of a review process, from a hostile tree).
    Counted, not timed: the lines tested grow with the block, not with its square."""
    from tfreview.parsing import inline_suppressions
    from tfreview.parsing.hcl import changeset_from_sources

    tested = 0
    is_comment_line = inline_suppressions._is_comment_line

    def counting(line: str) -> bool:
        nonlocal tested
        tested += 1
        return is_comment_line(line)

    monkeypatch.setattr(inline_suppressions, "_is_comment_line", counting)
    comments = 2_000
    lines = [f"  # tfreview ignore number {n}" for n in range(comments)]
    text = 'resource "aws_s3_bucket" "b" {\n' + "\n".join(lines) + '\n  bucket = "x" # tfreview:ignore=TFR-AWS-007\n}\n'
    [change] = changeset_from_sources({"main.tf": text}).changes
    unread = [s for s in change.suppressions if s.syntax == "unread"]
    assert len(unread) == comments
    assert {s.attribute for s in change.suppressions} == {"bucket"}  # each names the item after the run
    assert tested <= 4 * comments


def test_a_tree_of_many_comments_that_suppress_nothing_gives_a_bounded_list_of_notices(tmp_path: Path) -> None:
    """Thousands of look-alikes or unknown ids made as many notices, each stored with the review and listed whole in
    the JSON and SARIF reports and on the dashboard's page: the first 50 are listed, the rest counted."""
    shown = 50  # core.suppressing.NOTICES_SHOWN
    blocks = []
    for n in range(300):
        blocks.append(
            f'resource "aws_s3_bucket" "b{n}" {{\n  # tfreview ignore number {n}\n'
            f'  # tfreview:ignore=TFR-NOPE-{n}\n  bucket = "b{n}"\n}}\n'
        )
    (tmp_path / "main.tf").write_text("".join(blocks))
    result = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(tmp_path), "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in result.stderr
    notices = json.loads(result.stdout)["notices"]
    assert len(notices) == shown + 1
    assert notices[0].startswith("the comment at main.tf:2 looks like a suppression")
    assert notices[1].startswith("inline suppression of TFR-NOPE-0 at main.tf:3 names no rule")
    assert notices[-1].startswith(f"and {600 - shown} more inline comments")
