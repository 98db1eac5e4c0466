"""review24: what one `for` expression builds, and the text one read's function calls take in, are bounded.

- A `for` expression's value was measured against MAX_VALUE_SIZE only once built, where a local or an attribute
  took it: 1,000 copies of a 1 MB text in each of 8 nested `for`s is 8 GB, held before "too large" was said (a
  1 MB file; past the memory there was, "internal error: MemoryError", exit 3). It is added up as it is built now,
  and past the bound the `for` is unknown.
- `title()` and `replace()` (session 23, ADR 0735) walk their text a character or a match at a time: a `for` of a
  `for` calling `title` on 2,000 characters (a 2 KB file) ran three minutes. A read's function calls take in at most
  `MAX_FUNCTION_TEXT` characters of text; a call past it is unknown, and the scan says so.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview.parsing.hcl import changeset_from_sources

_ENV = {**os.environ, "TFREVIEW_LOG_FORMAT": "text", "NO_COLOR": "1"}
_ADDRESS_SPACE = 2 * 1024**3
_PUBLIC = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n  tags   = { g = GROWN }\n}\n'


def _limited() -> None:  # in the scan's process: past this much memory, an allocation fails (MemoryError)
    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))


def _scan(tree: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "-o", "text", str(tree)],
        capture_output=True,
        timeout=600,
        check=False,
        env=_ENV,
        preexec_fn=_limited,  # a resource limit for the scan's process only
    )


def test_nested_for_copies_of_a_large_text_are_unknown_not_gigabytes(tmp_path: Path) -> None:
    text = "a" * 1_000_000
    (tmp_path / "main.tf").write_text(
        f'locals {{\n  text  = "{text}"\n'
        '  grown = [for i in range(3) : [for j in range(1000) : "${local.text}!"]]\n}\n'
        + _PUBLIC.replace("GROWN", "local.grown[0][0]")
    )
    done = _scan(tmp_path)
    err = done.stderr.decode()
    assert "internal error" not in err, err
    assert done.returncode == 1, err
    assert "TFR-AWS-001 aws_s3_bucket.b" in done.stdout.decode()


def test_function_calls_past_the_text_budget_are_unknown_and_said(tmp_path: Path) -> None:
    text = "a" * 2000
    (tmp_path / "main.tf").write_text(
        f'locals {{\n  text  = "{text}"\n'
        "  grown = [for i in range(64) : [for j in range(1000) : title(local.text)]]\n}\n"
        + _PUBLIC.replace("GROWN", "local.grown[0][0]")
    )
    done = _scan(tmp_path)
    out = done.stdout.decode()
    assert done.returncode == 1, done.stderr.decode()
    assert "TFR-AWS-001 aws_s3_bucket.b" in out
    assert "take in at most 16,777,216 characters of text" in " ".join(out.split())  # MAX_FUNCTION_TEXT


def test_calls_within_the_budget_are_evaluated() -> None:
    source = 'resource "aws_s3_bucket" "b" {\n  bucket = title(replace("my_bucket", "_", " "))\n}\n'
    changes = changeset_from_sources({"main.tf": source})
    assert changes.changes[0].after["bucket"] == "My Bucket"


def test_arithmetic_terraform_refuses_as_not_a_number_is_unknown_not_a_zero() -> None:
    """`inf - inf` (and `0 * inf`, `inf / inf`) is an error in Terraform (its numbers have no NaN), as is
    `tonumber("nan")`; here each was NaN, which TFR-AWS-024 read as backups turned off."""
    from tfreview.core.policy import Policy
    from tfreview.core.review import review
    from tfreview.rules import load_rules

    for expression in (
        "local.big - local.big",
        "0 * local.big",
        "local.big / local.big",
        "local.big % 2",
        'tonumber("nan")',  # Python's float() reads it; Terraform's number parsing does not
        'tonumber("NaN") + 1',
    ):
        source = (
            f"locals {{\n  big = 1e308 * 10\n}}\n"
            'resource "aws_db_instance" "d" {\n  engine = "mysql"\n  instance_class = "db.t3.micro"\n'
            f"  backup_retention_period = {expression}\n}}\n"
        )
        findings = review(changeset_from_sources({"main.tf": source}), load_rules(), Policy()).findings
        assert "TFR-AWS-024" not in {f.rule_id for f in findings}, expression


def test_tonumber_reads_the_text_terraform_reads() -> None:
    from tfreview.core.values import UNKNOWN
    from tfreview.parsing.hcl_functions import call

    assert call("tonumber", ["5"]) == 5
    assert call("tonumber", ["-1.5e1"]) == -15
    for refused in ("nan", " 5", "1_0", "\u0663", "0x10", ""):
        assert call("tonumber", [refused]) is UNKNOWN, refused  # an error in Terraform: no value here


_COUNTED = 'resource "aws_sqs_queue" "q{n}" {{\n  count = 1000\n  name  = "${{local.text}}!"\n}}\n'
_DYNAMIC = (
    'resource "aws_security_group" "g{n}" {{\n  name = "g"\n  dynamic "ingress" {{\n    for_each = range(1000)\n'
    '    content {{\n      description = "${{local.text}}!"\n      from_port   = 22\n      to_port     = 22\n'
    '      protocol    = "tcp"\n      cidr_blocks = ["10.0.0.0/8"]\n    }}\n  }}\n}}\n'
)


@pytest.mark.parametrize("shape", [_COUNTED, _DYNAMIC], ids=["count", "dynamic"])
def test_instances_each_building_a_large_text_are_bounded_and_said(tmp_path: Path, shape: str) -> None:
    """Each instance, and each `dynamic` block, builds its own copy of a template's text: four resources of 1,000
    copies of a 1 MB text were 4 GB ("internal error: MemoryError" under this limit). A read's templates build at
    most MAX_BUILT_TEXT characters; a known beginning of one left unknown is kept to 4,096 characters."""
    (tmp_path / "text.tf").write_text(f'locals {{\n  text = "{"a" * 1_000_000}"\n}}\n')
    (tmp_path / "main.tf").write_text("".join(shape.format(n=n) for n in range(4)) + _PUBLIC.replace("GROWN", '"x"'))
    done = _scan(tmp_path)
    err = done.stderr.decode()
    assert "internal error" not in err, err
    assert done.returncode == 1, err
    out = " ".join(done.stdout.decode().split())
    assert "TFR-AWS-001 aws_s3_bucket.b" in out
    assert "build at most 67,108,864 characters of text" in out  # MAX_BUILT_TEXT
