"""A long quoted string or heredoc is parsed in memory proportional to the file, not ~240 bytes per character
(python-hcl2's terminals repeat a group once per character; `hcl_syntax._bound_terminals` rewrites them to the
same languages). Values stay what they were: plain text, `$`, `%`, escapes and `$${`/`%%{` as Terraform reads."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_syntax import _BOUNDED_TERMINALS, _bound_terminals, parse_blocks


def _tags(text: str) -> dict[str, object]:
    change_set = changeset_from_sources({"main.tf": text})
    [bucket] = [c for c in change_set.changes if c.type == "aws_s3_bucket"]
    assert bucket.after is not None
    tags = bucket.after["tags"]
    assert isinstance(tags, dict)
    return tags


def test_the_rewritten_terminals_are_the_ones_in_use() -> None:
    assert _bound_terminals() == len(_BOUNDED_TERMINALS)


def test_strings_and_heredocs_read_as_before() -> None:
    text = (
        'resource "aws_s3_bucket" "b" {\n'
        "  tags = {\n"
        '    plain   = "a$b%c 100% $5"\n'
        '    escaped = "q\\"uote \\\\ back \\n"\n'
        '    literal = "$${x} %%{y}"\n'
        '    joined  = "x-${"y"}-z"\n'
        "    heredoc = <<EOF\n"
        "line one $ %\n"
        "  line two\n"
        "EOF\n"
        "    trimmed = <<-EOF\n"
        "    indented\n"
        "      more\n"
        "    EOF\n"
        "  }\n"
        "}\n"
    )
    assert _tags(text) == {
        "plain": "a$b%c 100% $5",
        "escaped": 'q"uote \\ back \n',
        "literal": "${x} %{y}",
        "joined": "x-y-z",
        "heredoc": "line one $ %\n  line two\n",
        "trimmed": "indented\n  more\n",
    }


def _peak(text: str) -> int:
    tracemalloc.start()
    try:
        parse_blocks(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_megabyte_string_or_heredoc_is_parsed_in_bounded_memory() -> None:
    parse_blocks('x = "warm"\n')  # the parser itself is built once, outside the measure
    string = 'resource "a" "b" {\n  x = "' + "A" * 1_000_000 + '"\n}\n'
    heredoc = 'resource "a" "b" {\n  x = <<EOF\n' + ("A" * 99 + "\n") * 10_000 + "EOF\n}\n"
    assert _peak(string) < 20 * len(string)  # was ~240 bytes per character: 240 MB
    assert _peak(heredoc) < 20 * len(heredoc)


def test_a_scan_of_a_megabyte_string_reviews_the_resource(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n  tags = { x = "'
        + "A" * 1_000_000  # 2,000,000 until ADR 0683: a file past 1 MiB is not read
        + '" }\n}\n'
    )
    answer = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(tmp_path), "-o", "json"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert answer.returncode == 1, answer.stderr
    assert b"TFR-AWS-001" in answer.stdout
