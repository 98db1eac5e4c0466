"""The PR comment: verdict first, destroys unmissable, size-limited, and inert against injected markup."""

from __future__ import annotations

import re
from dataclasses import replace

from tests.unit.test_render import HOSTILE_NAME, RULES_BY_ID, big_review, located, sample_review
from tfreview.core.findings import Status
from tfreview.render.markdown import MAX_CHARS, code, escape, render_markdown


def test_first_line_is_the_verdict_and_the_numbers() -> None:
    out = render_markdown(sample_review(), RULES_BY_ID)
    first = out.splitlines()[0]
    assert first.startswith("**tfreview: FAIL** — 5 introduced (3 critical, 1 high, 1 low)")
    assert "2 destroys" in first


def test_destroys_come_before_findings_as_a_table_with_the_reason() -> None:
    out = render_markdown(sample_review())
    destroys = out.index("### Destroys and replaces (2)")
    assert destroys < out.index("### Introduced by this change (5)")
    assert "| **delete** | `aws_db_instance.main` | `aws_db_instance` | delete because no resource config |" in out
    assert "replace because cannot update; forced by engine" in out
    assert "<details>" not in out[:destroys]


def test_everything_else_folds_into_details() -> None:
    out = render_markdown(located(sample_review()))
    for summary in (
        "Already there (existing): 2",
        "Resolved by this change: 2",
        "Drift (changed outside Terraform): 1",
        "Coverage",
    ):
        assert f"<details><summary>{summary}</summary>" in out
    # but not what the change introduces and suppresses (the plan creates it): in the open (ADR 0562)
    assert "### Introduced by this change and suppressed (1)" in out
    assert "<details><summary>Suppressed" not in out
    assert out.count("<details>") == out.count("</details>")
    assert "`infra/aws_s3_bucket.tf:13`" in out


def test_no_destroy_section_when_nothing_is_destroyed() -> None:
    result = sample_review()
    out = render_markdown(replace(result, changes=[c for c in result.changes if not c.kind.destroys]))
    assert "Destroys and replaces" not in out


def test_user_text_cannot_inject_markup_mentions_or_links() -> None:
    out = render_markdown(sample_review())
    assert "<img" not in out
    assert "<b>" not in out.replace('`aws_s3_bucket.public["<b>@octocat</b>\\|x"]`', "")
    # outside code spans, every @ is followed by a zero-width space, and no URL autolinks
    prose = re.sub(r"`[^`]*`", "", out)
    assert re.search(r"@(?!&#8203;)", prose) is None
    assert "https://evil" not in prose
    assert "**@" not in prose
    # a pipe in an address or a message never breaks the table: every row has the header's cells
    for line in out.splitlines():
        if line.startswith("| high | `TFR-TEST-001` | `aws_s3_bucket.public"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 6


def test_escape_and_code_helpers() -> None:
    assert escape("@admin <script>") == "@&#8203;admin &lt;script&gt;"
    assert escape("a|b*c_d#1\nnext") == "a\\|b\\*c\\_d\\#&#8203;1 next"
    assert code("a`b") == "``a`b``"
    assert code("x|y") == "`x\\|y`"
    assert code("`edge`") == "`` `edge` ``"
    assert HOSTILE_NAME not in render_markdown(sample_review())


def test_a_huge_review_fits_one_comment_and_says_what_was_clipped() -> None:
    result = big_review(50_000)
    out = render_markdown(result, RULES_BY_ID)
    assert len(out) <= MAX_CHARS
    introduced = sum(1 for f in result.findings if f.status is Status.INTRODUCED)
    assert f"### Introduced by this change ({introduced:,})" in out
    match = re.search(r"\*\*([\d,]+) findings not shown \(comment size limit\); see the full report\.\*\*", out)
    assert match is not None
    hidden = int(match.group(1).replace(",", ""))
    shown_rows = out.count("| high | `TFR-TEST-001` | `aws_s3_bucket.b[")
    assert shown_rows > 100
    assert hidden >= 50_000 - shown_rows
    assert out.count("</details>") == out.count("<details>")
    # the destroys table is never clipped away by findings
    assert "| **delete** | `aws_db_instance.main`" in out


def test_marker_counts_inside_the_limit() -> None:
    out = render_markdown(big_review(20_000), marker="<!-- tfreview:comment -->", max_chars=20_000)
    assert out.startswith("<!-- tfreview:comment -->\n")
    assert len(out) <= 20_000
    assert "findings not shown (comment size limit)" in out


def test_small_review_is_not_clipped() -> None:
    assert "not shown" not in render_markdown(sample_review())
