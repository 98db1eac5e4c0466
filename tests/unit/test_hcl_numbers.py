"""HCL numbers as Terraform keeps them: exact to 512 bits, the nearest float past that (ADR 0410).

A Python int grows without bound: a chain of locals squaring a number took minutes per level (the scan
never ended), and a literal of more than 4,300 digits could not be turned into text, a ValueError that left
the whole resource unreviewed — a public bucket with such a number anywhere in it passed. An index of
infinity ended the scan with an internal error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tfreview.cli import main
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_functions import index_value, number_literal, operate, whole_index

PUBLIC = 'resource "aws_s3_bucket" "b" {{\n  bucket = "b"\n  acl    = "public-read"\n  {extra}\n}}\n'


def _scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> tuple[int, dict[str, Any]]:
    (tmp_path / "main.tf").write_text(text)
    code = main(["scan", "-o", "json", str(tmp_path)])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    report = json.loads(captured.out)
    assert isinstance(report, dict)
    return code, report


@pytest.mark.parametrize(
    "extra",
    [
        "tags = { n = " + "9" * 5000 + " }",  # more digits than Python turns into text
        "force_destroy = " + "9" * 5000 + " > 0",
        'tags = { n = ["a", "b"][1e400] }',  # an index of infinity: OverflowError, exit 3
        'tags = { n = ["a", "b"][' + "9" * 200 + "] }",
        'tags = { n = ["a", "b"]["²"] }',  # a digit str.isdigit knows and int() does not
    ],
    ids=["long-literal", "long-literal-compared", "infinite-index", "huge-index", "unicode-digit-index"],
)
def test_a_resource_with_an_extreme_number_is_still_reviewed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str
) -> None:
    code, report = _scan(tmp_path, capsys, PUBLIC.format(extra=extra))
    assert code == 1
    assert ("TFR-AWS-001", "aws_s3_bucket.b") in {(f["rule_id"], f["address"]) for f in report["findings"]}
    assert not any("could not be read" in note for note in report["coverage"]["notes"])


def test_squaring_through_locals_stays_a_bounded_number() -> None:
    squares = "\n".join(f"  a{i} = local.a{i - 1} * local.a{i - 1}" for i in range(1, 41))
    text = (
        f"locals {{\n  a0 = 999999999\n{squares}\n}}\n"
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  tags = { n = local.a40, m = local.a4 }\n}\n'
    )
    [change] = changeset_from_sources({"main.tf": text}).changes
    assert change.after is not None
    assert change.after["tags"]["n"] == math.inf  # 999999999 ** (2 ** 40): past any float
    assert change.after["tags"]["m"] == 999999999**16  # 479 bits: still exact, as in Terraform


def test_numbers_past_512_bits_round_to_a_float() -> None:
    assert number_literal("1" + "0" * 153) == 10**153  # 509 bits: exact
    assert isinstance(number_literal("1" + "0" * 153), int)
    assert number_literal("9" * 155) == float("9" * 155)  # 10**155 - 1 is past 2**512
    assert number_literal("9" * 5000) == math.inf
    assert operate("*", 2**300, 2**300) == 2.0**600
    assert operate("-", -(2**300), 2**300 * 2**300) == -(2.0**600)
    assert operate("+", 2**511, 2**511) == 2**512  # 513 bits: a float, equal to the exact value here
    assert isinstance(operate("+", 2**511, 2**511), float)


@pytest.mark.parametrize(
    ("key", "expected"),
    [(1, "b"), (1.0, "b"), ("1", "b"), (1.5, None), (math.inf, None), (math.nan, None), ("²", None), (True, None)],
)
def test_a_list_index_is_a_whole_number(key: Any, expected: str | None) -> None:
    found = index_value(["a", "b"], key)
    assert (found if isinstance(found, str) else None) == expected
    assert (whole_index(key) is not None) == (expected is not None)
