"""Plan numbers past a double's range (ADR 0420): Terraform writes a cty number (a 512-bit big.Float) with all
its digits, so `1e999` or a 400-digit integer is valid plan JSON. orjson refuses them; the plan is read again
keeping them, and reviewed as the same configuration in HCL mode is."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.plan_json import load_plan, parse_json
from tfreview.parsing.plan_numbers import PlanNumber, dump_json
from tfreview.store.plan_redaction import redact_plan_json

BIG_INTEGER = "1" + "0" * 400  # as big.Float prints a number of 401 digits


def _plan(number: str, acl: str = "public-read") -> bytes:
    document = {
        "format_version": "1.2",
        "terraform_version": "1.6.0",
        "resource_changes": [
            {
                "address": "aws_s3_bucket.b",
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "b",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {"bucket": "b", "acl": acl, "tags": {"n": "NUMBER"}},
                    "after_unknown": {},
                },
            }
        ],
    }
    return json.dumps(document).replace('"NUMBER"', number).encode()


def _scan(path: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(path), "-o", "json"],
        capture_output=True,
        check=False,
        timeout=120,
    )


def _findings(answer: subprocess.CompletedProcess[bytes]) -> list[tuple[str, str]]:
    report: dict[str, Any] = json.loads(answer.stdout)
    return sorted((f["rule_id"], f["address"]) for f in report["findings"])


@pytest.mark.parametrize("number", ["1e999", "-1e999", BIG_INTEGER, "9" * 5000, "1.5e400"])
def test_a_plan_with_a_number_past_a_double_is_reviewed_as_one_with_a_small_number(tmp_path: Path, number: str) -> None:
    (tmp_path / "big.json").write_bytes(_plan(number))
    (tmp_path / "small.json").write_bytes(_plan("1"))
    big, small = _scan(tmp_path / "big.json"), _scan(tmp_path / "small.json")
    assert big.returncode == small.returncode == 1, big.stderr  # the public bucket is found in both
    assert big.stderr == b""
    assert _findings(big) == _findings(small)
    assert _findings(big)


def test_the_number_reads_as_hcl_mode_reads_the_same_literal() -> None:
    """ADR 0410: past 155 digits or a double's range an HCL number is the float it rounds to (±inf)."""
    for literal in ("1e999", "-1e999", BIG_INTEGER, "1.5e400"):
        plan = load_plan(_plan(literal))
        hcl = changeset_from_sources(
            {"main.tf": f'resource "aws_s3_bucket" "b" {{\n  bucket = "b"\n  tags = {{ n = {literal} }}\n}}\n'}
        )
        from_plan = plan.changes[0].after["tags"]["n"]
        from_hcl = hcl.changes[0].after["tags"]["n"]
        assert isinstance(from_plan, float)
        assert isinstance(from_hcl, float)
        assert from_plan == from_hcl, literal
        assert math.isinf(from_plan), literal


def test_numbers_orjson_reads_are_unchanged_in_a_plan_that_also_holds_a_huge_one() -> None:
    document = parse_json(b'{"a": [1e999, 42, -7, 18446744073709551615, 1e30, 0.5, 123456789012345678901]}', "p")
    huge, small, negative, unsigned, float_, half, past_64_bits = document["a"]
    assert isinstance(huge, PlanNumber)
    assert huge == math.inf
    assert (small, negative, unsigned, float_, half) == (42, -7, 18446744073709551615, 1e30, 0.5)
    assert all(type(n) is int for n in (small, negative, unsigned))
    assert past_64_bits == float(123456789012345678901)  # as orjson reads an integer past 64 bits: its float
    assert parse_json(b"[123456789012345678901]", "p") == [float(123456789012345678901)]


def test_a_stored_upload_keeps_the_digits_as_the_plan_wrote_them() -> None:
    stored = redact_plan_json(_plan(BIG_INTEGER))
    assert f'"n":{BIG_INTEGER}'.encode() in stored
    assert load_plan(stored).changes[0].after["tags"]["n"] == math.inf
    assert dump_json({"a": PlanNumber("-1e999")}) == b'{"a":-1e999}'


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (b'{"a": 1e999, "b": NaN}', ("`NaN` is not a JSON value",)),
        (b'{"a": 1e999, "b": -Infinity}', ("`-Infinity` is not a JSON value",)),
        (b'{"a": 1e999, "b": , "c": 1}', ("invalid JSON at line 1, column 19",)),
        (b'{"a": 1e999, "b": [' + b"[" * 3000 + b"]" * 3000 + b"]}", ("nested more than 1024 levels",)),
        (b'{"a": 1e999, "b": [1, 2', ("the JSON ends early", "truncated")),
    ],
)
def test_a_broken_document_holding_a_huge_number_is_one_precise_line(
    tmp_path: Path, text: bytes, words: tuple[str, ...]
) -> None:
    (tmp_path / "plan.json").write_bytes(text)
    answer = _scan(tmp_path / "plan.json")
    assert answer.returncode == 2, answer.stderr
    line = answer.stderr.decode()
    assert line.count("\n") == 1, line
    assert all(word in line for word in words), line


def test_a_huge_number_in_a_document_as_deep_as_orjson_reads_is_read() -> None:
    """The standard library's reader stops near 1,000 levels of nesting; orjson reads 1,024: the second read is
    orjson's too, numbers swapped for markers, so a depth the first read accepts is accepted."""
    depth = 1000
    document = parse_json(b'{"n": 1e999, "s": "1e999 in a string", "d": ' + b"[" * depth + b"]" * depth + b"}", "p")
    assert isinstance(document["n"], PlanNumber)
    assert document["s"] == "1e999 in a string"
    value, levels = document["d"], 0
    while value:
        value, levels = value[0], levels + 1
    assert levels == depth - 1


def test_a_megabyte_string_beside_a_huge_number_is_read_in_bounded_memory() -> None:
    import tracemalloc

    text = '{"n": 1e999, "s": "' + 'A \\" ' * 250_000 + '", "m": "\\\\"}'
    tracemalloc.start()
    try:
        document = parse_json(text.encode(), "p")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(document["n"], PlanNumber)
    assert document["s"] == 'A " ' * 250_000
    assert document["m"] == "\\"
    assert peak < 40 * len(text)  # the text, its copies and the document; not matcher state per character


def test_two_documents_the_first_as_deep_as_orjson_reads_are_one_precise_line(tmp_path: Path) -> None:
    """review19a: orjson reads the first document (1,020 levels), stops at the second; the standard library's second
    look at the first line (is it Terraform's UI stream?) raised RecursionError: `scan` exited 3, an internal error."""
    (tmp_path / "plan.json").write_bytes(b"[" * 1020 + b"]" * 1020 + b'\n{"format_version": "1.2"}\n')
    answer = _scan(tmp_path / "plan.json")
    assert answer.returncode == 2, answer.stderr
    line = answer.stderr.decode()
    assert line.count("\n") == 1, line
    assert "more than one JSON document in the file (the second starts at line 2, column 1)" in line
