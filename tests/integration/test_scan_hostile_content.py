"""A plan whose addresses and values carry HTML, Markdown breakouts, mentions, tracking images, escape sequences,
bidi controls and forged verdicts, scanned by a real `tfreview scan` process: every report is read as the bytes
it wrote. What a stranger wrote stays readable (escaped, shown), and acts on nothing: no terminal escape or
bidi control reaches a terminal or a CI log, no Markdown or HTML goes live in the PR comment format, and no
line forges the verdict."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile_text import hostile_plan, markdown_leaks, terminal_leaks


def _scan(tmp_path: Path, fmt: str) -> bytes:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(hostile_plan()), encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "", "FORCE_COLOR": ""}
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "-o", fmt, str(plan)],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr.decode()  # findings at or above the threshold: the verdict fails
    assert terminal_leaks(done.stderr) == []
    return done.stdout


@pytest.mark.parametrize("fmt", ["text", "github", "junit"])
def test_terminal_and_ci_log_formats_write_no_escape_sequence_or_bidi_control(tmp_path: Path, fmt: str) -> None:
    out = _scan(tmp_path, fmt)
    assert terminal_leaks(out) == []
    text = out.decode()
    assert "\\u202Eevil\\u202C" in text  # the bidi override shown as its escape, where it was
    assert "a\\u200Bb" in text
    assert "]0;TITLE" in text  # the rest of the sequence is kept as text: readable, inert
    if fmt == "github":  # every line is one of our workflow commands, whatever a value says
        assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in text.splitlines())
    if fmt == "text":
        assert "<script>alert(1)</script>" in text
        assert [line for line in text.splitlines() if line.startswith("Verdict:")] == [
            "Verdict: FAIL (fails on introduced findings at or above high)"
        ]


def test_the_markdown_report_renders_nothing_a_plan_wrote(tmp_path: Path) -> None:
    body = _scan(tmp_path, "markdown").decode()
    assert markdown_leaks(body) == []
    assert body.startswith("**tfreview: FAIL**")
    # readable: the address is shown whole in a code span, the forged heading is text on one line
    assert "<script>alert(1)</script>" in body
    assert "\\#\\#\\# ✅ tfreview: PASS" in body  # the Terraform version's forged heading, escaped


def test_sarif_message_text_is_plain_and_the_properties_keep_the_exact_address(tmp_path: Path) -> None:
    sarif = json.loads(_scan(tmp_path, "sarif"))
    results = sarif["runs"][0]["results"]
    assert results
    for result in results:
        assert terminal_leaks(result["message"]["text"].replace("\n", " ").encode()) == []
        assert "\u202e" in result["properties"]["address"]  # the data keeps what the plan said, byte for byte
