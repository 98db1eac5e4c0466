"""review24: `replace()` (evaluated since session 23, ADR 0735) on hostile HCL, and on patterns that match nothing.

- Its result was built whole before its length was checked: a 20,000-character string with each character replaced
  by 40,000 emoji is 800 million characters (3.2 GB), allocated before "too long a string" was said. A scan then
  held gigabytes or, past the memory there was, stopped with "internal error: MemoryError" (exit 3). The length is
  worked out before the text is built now; past the bound the value is unknown, as `join` already did.
- Terraform replaces with Go's `regexp.ReplaceAllString`, which ignores an empty match right after a match and
  searches on one character past an empty match; Python's `re.sub` (3.7+) replaces both. A pattern that can match
  nothing (`/x*/`, `/[^a-z]*/`) with a non-empty replacement gave another string than Terraform's. The expected
  values below are Terraform 1.11.4's (`terraform console`).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl_functions import MAX_VALUE_SIZE, call

_ENV = {**os.environ, "TFREVIEW_LOG_FORMAT": "text", "NO_COLOR": "1"}
_ADDRESS_SPACE = 2 * 1024**3  # a scan of a small tree needs a fraction of it; the grown string 3.2 GB


def _limited() -> None:  # in the scan's process: past this much memory, an allocation fails (MemoryError)
    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))


def _tree(path: Path, search: str) -> Path:
    text = "a" * 20_000
    emoji = "\U0001f600" * 40_000  # four bytes a character in a Python string
    path.mkdir()
    (path / "main.tf").write_text(
        f'locals {{\n  text = "{text}"\n  emoji = "{emoji}"\n'
        f'  grown = replace(local.text, "{search}", local.emoji)\n}}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n  tags   = { g = local.grown }\n}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("search", ["a", "/a/", ""], ids=["text", "regex", "empty"])
def test_a_replace_growing_past_memory_is_unknown_not_an_internal_error(tmp_path: Path, search: str) -> None:
    tree = _tree(tmp_path / "tree", search)
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "-o", "text", str(tree)],
        capture_output=True,
        timeout=300,
        check=False,
        env=_ENV,
        preexec_fn=_limited,  # a resource limit for the scan's process only
    )
    err = done.stderr.decode()
    assert "internal error" not in err, err
    assert "Traceback" not in err, err
    assert done.returncode == 1, err  # the public bucket is still found: the review goes on
    assert "TFR-AWS-001 aws_s3_bucket.b" in done.stdout.decode()


@pytest.mark.parametrize(
    "args",
    [
        ["a" * 1000, "a", "b" * 1100],
        ["a" * 1000, "/a/", "b" * 1100],
        ["a" * 1000, "", "b" * 1100],
        ["a" * 1000, "/x*/", "b" * 1100],
    ],
)
def test_a_replace_past_the_bound_is_refused_as_before(args: list[str]) -> None:
    assert len(args[0]) * len(args[2]) > MAX_VALUE_SIZE
    assert call("replace", args) is UNKNOWN


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["abxd", "/x*/", "-"], "-a-b-d-"),  # Python's re.sub: -a-b--d-
        (["my_name", "/[^a-z]*/", "-"], "-m-y-n-a-m-e-"),  # Python's: -m-y--n-a-m-e-
        (["axb", "/x?/", "-"], "-a-b-"),  # Python's: -a--b-
        (["x", "/|x/", "-"], "-x-"),  # an empty alternative first; Python's: ---
        (["xx", "/x|/", "-"], "--"),  # Python's: ---
        (["aaa", "/a*?/", "-"], "-a-a-a-"),  # lazily nothing; Python's: -------
        (["abc", "", "-"], "-a-b-c-"),  # an empty substring: before every character and at the end
        (["a1b22c", "/[0-9]+/", "#"], "a#b#c"),  # non-empty matches: as before
        (["--my-name--", "/^-+|-+$/", ""], "my-name"),
    ],
)
def test_replace_with_a_pattern_that_matches_nothing_as_terraform_does(args: list[str], expected: str) -> None:
    assert call("replace", args) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["ÉCOLE", "/(?i)é/", "x"],  # Terraform 1.11.4: xCOLE (RE2 folds case in every script; Python's re.ASCII not)
        ["\u212a", "/(?i)k/", "x"],  # the Kelvin sign: x
        ["ſ", "/(?is)s/", "x"],  # a long s: x
        ["ÉCOLE", "/(?i:é)/", "x"],
    ],
)
def test_a_case_insensitive_pattern_on_text_beyond_ascii_is_unknown(args: list[str]) -> None:
    assert call("replace", args) is UNKNOWN


def test_a_case_insensitive_pattern_on_ascii_is_still_evaluated() -> None:
    assert call("replace", ["ECOLE-ecole", "/(?i)e/", "x"]) == "xCOLx-xcolx"
