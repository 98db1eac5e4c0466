"""File and folder names of the repository under review reach the reports and the error line as one inert
line: a name holding a newline wrote `::error …` on a line of its own into the text report and the CI log (a
GitHub Actions workflow command), or broke the Markdown heading of a root; a name holding an escape sequence
reached the terminal through the error line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tfreview.cli import main

PUBLIC = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n}\n'
COMMAND = "\n::error title=INJECTED::from a file name\n"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["scan", "--no-color", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _no_command_line(text: str) -> None:
    # the runner reads a workflow command from any line that starts with `::` once leading blanks are trimmed
    assert not [line for line in text.splitlines() if line.lstrip().startswith("::")]
    assert "\x1b" not in text


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_file_name_with_a_newline_stays_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    (tmp_path / f"a{COMMAND}.tf").write_text(PUBLIC)
    code, out, _ = _run(capsys, "-o", fmt, str(tmp_path))
    assert code == 1
    assert "::error title=INJECTED::from a file name" in out  # shown, on the finding's own line
    _no_command_line(out)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_root_folder_name_with_a_newline_stays_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    for folder in ("ok", f"r{COMMAND}`<b>x"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.tf").write_text(PUBLIC)
    code, out, _ = _run(capsys, "-o", fmt, str(tmp_path))
    assert code == 1
    _no_command_line(out)
    if fmt == "markdown":
        assert "## Root ``r ::error title=INJECTED::from a file name `<b>x``" in out
        assert "failing: ok, r ::error title=INJECTED::from a file name \\`&lt;b&gt;x)" in out
    else:
        assert "=== root r ::error title=INJECTED::from a file name `<b>x ===" in out


def test_the_error_line_naming_an_unparsed_file_is_one_line_without_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text(PUBLIC)
    (tmp_path / f"\x1b]0;title\x07\x1b[2Jbad{COMMAND}.tf").write_text('resource "x" {\n')
    code, out, err = _run(capsys, str(tmp_path))
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert "]0;title[2Jbad ::error title=INJECTED::from a file name .tf (line 2" in err
    _no_command_line(err)


def test_the_model_s_words_and_the_plan_s_values_write_no_workflow_command() -> None:
    """The AI summary is the model's text and a prompt-injected model may write `::add-mask::` or the older
    `##[command]` form (which the runner reads anywhere in a line); the text report keeps the words, inert."""
    from dataclasses import replace

    from tests.unit.test_render import sample_review
    from tfreview.core.findings import Advice
    from tfreview.core.severity import Severity
    from tfreview.render import render_text

    summary = "fine\n::add-mask::token\n   ::error title=X::injected\n##[set-output name=a;]b and ##[error]c"
    review = replace(sample_review(), advice=Advice(summary=summary, risk=Severity.LOW, source="openai", is_llm=True))
    for color in (False, True):
        out = render_text(review, color=color)
        assert _commands(re.sub(r"\x1b\[[0-9;]*m", "", out)) == []
        assert ": :add-mask::token" in out
        assert ": :error title=X::injected" in out
        assert "## [set-output name=a;]b and ## [error]c" in out


def _commands(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("::") or "##[" in line]


@pytest.mark.parametrize("blank", ["\u00a0", "\u2003", "\u3000", "\u202f", "\u2028", " \u00a0\t"])
def test_a_workflow_command_behind_unicode_blanks_is_inert(blank: str) -> None:
    """The runner trims a line with .NET's `TrimStart()`, every Unicode blank (a no-break space, an em space, an
    ideographic space…), not only spaces and tabs, before it looks for `::`."""
    from dataclasses import replace

    from tests.unit.test_render import sample_review
    from tfreview.core.findings import Advice
    from tfreview.core.severity import Severity
    from tfreview.render import render_text

    summary = f"fine\n{blank}::add-mask::token\n{blank}::error title=X::injected"
    review = replace(sample_review(), advice=Advice(summary=summary, risk=Severity.LOW, source="openai", is_llm=True))
    for color in (False, True):
        out = render_text(review, color=color)
        assert _commands(re.sub(r"\x1b\[[0-9;]*m", "", out)) == []
        assert ": :add-mask::token" in out


@pytest.mark.parametrize("blank", ["", "   ", "\u00a0"])
def test_the_markdown_report_printed_to_a_ci_log_writes_no_workflow_command(blank: str) -> None:
    """`scan -o markdown` prints the comment to stdout, into the CI log: the model's summary escaped `#` and `[`
    there, but a line starting with `::` stayed a command. Written `\\::`, which Markdown shows as `::`."""
    from dataclasses import replace

    from tests.unit.test_render import sample_review
    from tfreview.core.findings import Advice
    from tfreview.core.severity import Severity
    from tfreview.render import render_markdown

    summary = f"fine\n{blank}::add-mask::token\n{blank}::error title=X::injected"
    review = replace(sample_review(), advice=Advice(summary=summary, risk=Severity.LOW, source="openai", is_llm=True))
    out = render_markdown(review)
    assert _commands(out) == []
    assert "\n> ::add-mask::token\n" in out  # the summary is quoted (ADR 0523): `::` no longer starts the line


def test_the_junit_report_printed_to_a_ci_log_writes_no_workflow_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scan -o junit` prints the XML to stdout, into the CI log: an instance key (or any value the report quotes)
    holding a newline then `::error …` wrote that command on a line of its own, and `##[add-mask]` anywhere.
    Written as character references (`&#58;`, `&#35;`), the XML reads back the very same text."""
    import json
    import xml.etree.ElementTree as ET

    key = f"k{COMMAND}##[add-mask]x"
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": f'aws_s3_bucket.b["{key}"]',
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "b",
                "index": key,
                "change": {"actions": ["create"], "before": None, "after": {"bucket": key, "acl": "public-read"}},
            }
        ],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    code, out, _ = _run(capsys, "-o", "junit", str(tmp_path / "plan.json"))
    assert code == 1
    assert _commands(out) == []
    case = next(c for c in ET.fromstring(out).iter("testcase") if c.get("name", "").startswith("TFR-AWS-001 "))
    assert case.get("name") == f'TFR-AWS-001 aws_s3_bucket.b["{key}"]'
    failure = case.find("failure")
    assert failure is not None
    assert failure.text is not None
    assert f'resource: aws_s3_bucket.b["{key}"]' in failure.text
