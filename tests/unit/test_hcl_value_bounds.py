"""What one HCL value may hold, and what happens to an attribute that cannot be read (ADR 0411).

Before: a tag built from a chain of a hundred locals (`a1 = [local.a0]`, …) exhausted Python's stack and the
whole resource was left out ("could not be read"), so the public bucket beside the tag passed; a count read
through such a chain dropped the resource the same way; a list or string doubled through forty locals made a
walk of 2^40 elements or filled the memory, and the scan never ended (or ended in MemoryError, exit 3).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.cli import main
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_functions import MAX_VALUE_DEPTH, MAX_VALUE_SIZE, oversized

DEEPER = "could not be read (a value nested deeper than 100 levels); read as unknown"


def _chain(count: int, link: str, first: str = "1") -> str:
    """`locals { a0 = first, a1 = link(local.a0), … }`; `{}` in `link` is the previous local."""
    links = "\n".join(f"  a{i} = " + link.format(f"local.a{i - 1}") for i in range(1, count + 1))
    return f"locals {{\n  a0 = {first}\n{links}\n}}\n"


def _bucket(*lines: str) -> str:
    return 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n  ' + "\n  ".join(lines) + "\n}\n"


def _scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, address: str = "aws_s3_bucket.b"
) -> dict[str, Any]:
    (tmp_path / "main.tf").write_text(text)
    code = main(["scan", "-o", "json", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 1, captured.err  # the public bucket is found, whatever else the file holds
    report = json.loads(captured.out)
    assert isinstance(report, dict)
    assert ("TFR-AWS-001", address) in {(f["rule_id"], f["address"]) for f in report["findings"]}
    return report


def test_a_long_chain_of_locals_is_read_as_terraform_reads_it() -> None:
    text = _chain(2000, "{} + 1", first="0") + 'resource "aws_s3_bucket" "b" {\n  tags = { n = local.a2000 }\n}\n'
    [change] = changeset_from_sources({"main.tf": text}).changes
    assert change.after == {"tags": {"n": 2000}}


def test_a_tag_nested_past_the_bound_leaves_the_rest_of_the_bucket_reviewed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _scan(tmp_path, capsys, _chain(1500, "[{}]") + _bucket("tags = { x = local.a1500 }"))
    notes = report["coverage"]["notes"]
    assert (
        f"local.a{MAX_VALUE_DEPTH + 1} could not be read (a value nested deeper than 100 levels); read as unknown"
        in notes
    )
    assert not any("aws_s3_bucket.b (main.tf" in note for note in notes)  # the resource itself was read


def test_a_count_read_through_a_deep_chain_still_reviews_the_resource(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _scan(tmp_path, capsys, _chain(150, "[{}]") + _bucket("count = length(local.a150)"), "aws_s3_bucket.b[0]")
    assert report["coverage"]["notes"] == [f"local.a101 {DEEPER}"]


LARGER = "could not be read (a value larger than 1,048,576 elements and characters); read as unknown"


@pytest.mark.parametrize(
    ("link", "first", "use", "notes"),
    [
        # 2^40 elements to a reader, one list per level in memory
        ("[{0}, {0}]", '"x"', "tags = { x = local.a40 }", [f"local.a19 {LARGER}", f"local.a39 {LARGER}"]),
        ("concat({0}, {0})", '["x"]', "tags = { x = local.a40 }", [f"local.a20 {LARGER}"]),  # in memory
        ('"${{{0}}}${{{0}}}"', '"xxxxxxxx"', "tags = { x = local.a40 }", []),  # a string of 8 TiB: unknown
        (
            "[{0}, {0}]",
            '"x"',
            "policy = jsonencode(local.a16)\n  tags = { x = jsonencode(toset(local.a16)) }",
            [],  # 2^16 elements: within the bound, encoded
        ),
    ],
    ids=["shared-list", "concat", "string", "jsonencode-toset"],
)
def test_a_value_doubled_through_locals_is_unknown_past_the_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str, first: str, use: str, notes: list[str]
) -> None:
    report = _scan(tmp_path, capsys, _chain(40, link, first=first) + _bucket(use))
    assert report["coverage"]["notes"] == notes


def test_the_bounds_are_counted_without_recursion_and_stop_early() -> None:
    deep: Any = 1
    for _ in range(MAX_VALUE_DEPTH):
        deep = [deep]
    assert oversized(deep) is None
    assert oversized([deep]) == "a value nested deeper than 100 levels"
    shared: Any = "x"
    for _ in range(60):  # 2^60 elements to a reader: refused after the first MAX_VALUE_SIZE
        shared = [shared, shared]
    assert oversized(shared) == "a value larger than 1,048,576 elements and characters"
    assert oversized("x" * MAX_VALUE_SIZE) is None
    assert oversized({"k": "x" * MAX_VALUE_SIZE}) is not None
