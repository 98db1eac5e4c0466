"""review24: a resource's lines were read for suppression comments once for each of its instances, a character at a
time in Python (0.17 s for a 1 MB line): three files each holding a 1 MB name and `count = 1000` ran past ten minutes
of `tfreview scan` (stopped there; as here). The comment of a line is found by `re`
now, and a line holding no suppression marker is not looked into; a suppression beside such a line is still read."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from tfreview.parsing.inline_suppressions import _comment_of

_ENV = {**os.environ, "TFREVIEW_LOG_FORMAT": "text", "NO_COLOR": "1"}
_WORDS = ['"', "\\", "#", "/", "*", "a", " ", "/*", "//", '"#"', '\\"', "x=", "\n"]


def _comment_of_before(line: str) -> str | None:  # the loop this replaced, as it was
    quoted = False
    index = 0
    while index < len(line):
        char = line[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "#":
            return line[index + 1 :]
        elif char in "/*" and line[index : index + 2] in ("//", "/*"):
            return line[index + 2 :]
        index += 1
    stripped = line.strip()
    return stripped if stripped.startswith("*") else None


def test_the_comment_of_a_line_is_what_it_was() -> None:
    chosen = random.Random(3)
    for _ in range(20_000):
        line = "".join(chosen.choice(_WORDS) for _ in range(chosen.randint(0, 14)))
        assert _comment_of(line) == _comment_of_before(line), repr(line)


def test_many_instances_of_resources_with_a_long_line_are_scanned(tmp_path: Path) -> None:
    name = "a" * 1_000_000
    for number in range(3):
        (tmp_path / f"q{number}.tf").write_text(
            f'resource "aws_sqs_queue" "q{number}" {{\n  count = 1000\n'
            f'  name  = "{name} tfreview:ignore=x" # a marker in the string: the line is looked into\n'
            "  sqs_managed_sse_enabled = false # tfreview:ignore=TFR-AWS-048 encrypted by the consumer\n}\n"
        )
    (tmp_path / "b.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n}\n')
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "-o", "text", str(tmp_path)],
        capture_output=True,
        timeout=600,  # a guard against a hang only: it took minutes before
        check=False,
        env=_ENV,
    )
    out = done.stdout.decode()
    assert done.returncode == 1, done.stderr.decode()
    assert "TFR-AWS-001 aws_s3_bucket.b" in out
    assert "TFR-AWS-048 aws_sqs_queue.q0[0] — inline: encrypted by the consumer" in out  # suppressed: still read
