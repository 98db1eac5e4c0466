"""review20a, ADR 0678: what nested `for` expressions and `dynamic` blocks multiply is bounded per read.

Each `for` read at most 10,000 elements and each `dynamic` block at most 1,000 blocks, but nested ones multiply:
`[for i in range(1000) : [for j in range(1000) : [for k in range(1000) : k]]]` in one tag was a billion
evaluations (a scan killed after a minute), three nested `dynamic` blocks of 1,000 a billion blocks (3.4 GB, then
"internal error"), and one `dynamic` with a for_each unknown until plan inside each of 1,000 expanded blocks was
1,000 copies of the resource checked one by one (16 lines: 22 s of CPU, 843 MB)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tfreview.parsing.hcl_configuration import read_configuration
from tfreview.parsing.hcl_read_budget import ModuleBudget
from tfreview.parsing.source_tree import MappingReader

NESTED_FOR = """resource "aws_s3_bucket" "b" {
  bucket = "b"
  tags   = { n = jsonencode([for i in range(%(n)d) : [for j in range(%(n)d) : [for k in range(%(n)d) : k]]]) }
}
"""
OPEN_INSIDE_EACH = """variable "later" {}
resource "aws_security_group" "s" {
  name = "s"
  dynamic "ingress" {
    for_each = range(%(n)d)
    content {
      from_port = ingress.value
      to_port   = ingress.value
      protocol  = "tcp"
      dynamic "inner" {
        for_each = var.later
        content { v = 1 }
      }
    }
  }
}
"""
NESTED_DYNAMIC = """resource "aws_security_group" "s" {
  name = "s"
  dynamic "ingress" {
    for_each = range(%(n)d)
    content {
      from_port = 1
      to_port   = 1
      protocol  = "tcp"
      dynamic "x" {
        for_each = range(%(n)d)
        content { v = x.value }
      }
    }
  }
}
"""


def _refused(notes: list[str]) -> list[str]:
    return [n for n in notes if "read as unknown: one review evaluates at most" in n]


def test_nested_for_expressions_past_the_read_s_budget_read_as_unknown() -> None:
    small = read_configuration(MappingReader({"main.tf": NESTED_FOR % {"n": 4}}), ModuleBudget(evaluation_limit=100))
    # 4 + 16 + 64 elements: within 100
    assert small.resources["aws_s3_bucket.b"].values["tags"] == {
        "n": "[" + ",".join(["[" + ",".join(["[0,1,2,3]"] * 4) + "]"] * 4) + "]"
    }
    assert _refused(small.notes) == []
    large = read_configuration(MappingReader({"main.tf": NESTED_FOR % {"n": 5}}), ModuleBudget(evaluation_limit=100))
    assert large.resources["aws_s3_bucket.b"].unknown == {"tags": {"n": True}}  # 5 + 25 + 125: past 100
    (note,) = _refused(large.notes)
    assert note.endswith(
        "read as unknown: one review evaluates at most 100 `for` elements and expands at most 10000 `dynamic` "
        "blocks, nested ones multiplying; what they build is not reviewed"
    )


def test_nested_dynamic_blocks_past_the_read_s_budget_read_as_unknown() -> None:
    files = {"main.tf": NESTED_DYNAMIC % {"n": 10}}
    full = read_configuration(MappingReader(files), ModuleBudget(block_limit=110))
    assert len(full.resources["aws_security_group.s"].values["ingress"]) == 10
    assert _refused(full.notes) == []
    cut = read_configuration(MappingReader(files), ModuleBudget(block_limit=50))
    assert _refused(cut.notes)  # the outer 10 and four inner 10s are expanded, the other inner ones are not


def test_open_dynamic_blocks_inside_many_blocks_are_checked_in_at_most_128_outcomes() -> None:
    configuration = read_configuration(MappingReader({"main.tf": OPEN_INSIDE_EACH % {"n": 140}}))
    assert len(configuration.resources["aws_security_group.s"].open_blocks) == 128
    assert (
        "12 `dynamic` blocks with a for_each unknown until plan or empty by a default not checked apart: one block "
        "body is checked in at most 128 such outcomes"
    ) in configuration.notes


def test_a_nested_for_bomb_scans_and_says_what_it_left(tmp_path: Path) -> None:
    """From outside: 100 × 100 × 100 elements (a million) in one tag; the read evaluates 250,000 at most."""
    (tmp_path / "main.tf").write_text(NESTED_FOR % {"n": 100} + OPEN_INSIDE_EACH % {"n": 300})
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "-o", "json", str(tmp_path)],
        capture_output=True,
        timeout=600,
        check=False,
        env={**os.environ, "TFREVIEW_LOG_FORMAT": "text"},
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    notes = json.loads(done.stdout)["coverage"]["notes"]
    assert _refused(notes), notes
    assert [n for n in notes if n.startswith("172 `dynamic` blocks with a for_each unknown until plan")], notes
