"""A pull request that introduces a finding and suppresses it in the same change (an inline ignore comment, or an
entry in its own `.tfreview.toml`) is never quiet about it (S5, ADR 0562): the headline counts what the change
hides and how severe it is, the PR comment shows those rows unfolded with their severity and reason, the text
report marks them. The suppression itself still holds (as Checkov's `skip`): the verdict follows the counted
findings."""

from __future__ import annotations

from tfreview.core.findings import Review, Status, Verdict
from tfreview.core.policy import Policy, Severity
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.render.digest import headline, suppressed_by_the_change
from tfreview.render.markdown import render_markdown
from tfreview.render.text import render_text
from tfreview.rules import load_rules

_GUARD = """
resource "aws_s3_bucket_public_access_block" "b" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"""
BASE = {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n' + _GUARD}
HEAD = {
    "main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n'
    '  acl    = "public-read-write" # tfreview:ignore=TFR-AWS-002,TFR-AWS-001\n}\n' + _GUARD
}
_RULES = [rule for rule in load_rules() if rule.id in ("TFR-AWS-001", "TFR-AWS-002", "TFR-AWS-011")]


def _review(head: dict[str, str] = HEAD) -> Review:
    return review(changeset_from_sources(head, BASE), _RULES, Policy(fail_on=Severity.HIGH))


def test_the_suppression_holds_and_the_verdict_follows_the_counted_findings() -> None:
    result = _review()
    assert {(f.rule_id, f.status) for f in result.suppressed} == {
        ("TFR-AWS-001", Status.INTRODUCED),
        ("TFR-AWS-002", Status.INTRODUCED),
    }
    assert result.verdict is not Verdict.FAIL


def test_the_headline_counts_what_the_change_suppresses_and_how_severe() -> None:
    line = headline(_review())
    assert "2 suppressed (2 introduced by this change: 1 critical, 1 high)" in line


def test_an_old_suppression_keeps_the_short_headline() -> None:
    result = review(changeset_from_sources(HEAD, HEAD), _RULES, Policy())
    assert [f.status for f in result.suppressed] == [Status.EXISTING, Status.EXISTING]
    assert "2 suppressed" in headline(result)
    assert "introduced by this change" not in headline(result)


def test_the_comment_shows_the_change_s_own_suppressions_unfolded_with_severity_and_reason() -> None:
    out = render_markdown(_review())
    assert "This change introduces no finding." not in out
    section = out.index("### Introduced by this change and suppressed (2)")
    assert section < out.index("<details><summary>Coverage")
    table = out[section:].split("\n\n")[1]
    assert table.startswith("| Severity | Rule | Resource | By | Reason | Where |")
    assert "| critical | `TFR-AWS-002` | `aws_s3_bucket.b` | inline | *no reason given* | `main.tf:3` |" in table
    assert "<details><summary>Suppressed" not in out  # nothing older left to fold


def test_the_text_report_marks_the_change_s_own_suppressions() -> None:
    out = render_text(_review())
    assert "introduced by this change and suppressed" in out.lower()
    assert "CRITICAL TFR-AWS-002 aws_s3_bucket.b — inline: no reason given (main.tf:3)" in out


def test_a_baseline_of_a_scan_without_a_base_is_what_was_already_there() -> None:
    """review16a: `baseline create ./infra && scan ./infra --baseline …` (the documented workflow) reported every
    recorded finding as "introduced by this change and suppressed", unfolded: a scan without a base calls every
    finding introduced, and the baseline is the record of exactly those. They are older suppressions."""
    first = review(changeset_from_sources(HEAD), _RULES, Policy())
    recorded = frozenset(f.fingerprint for f in first.findings)
    assert recorded
    again = review(
        changeset_from_sources(HEAD), _RULES, Policy(baseline=recorded, baseline_source=".tfreview-baseline.json")
    )
    assert again.suppressed
    assert {f.suppressed.by for f in again.suppressed if f.suppressed} == {"baseline", "inline"}
    assert {f.rule_id for f in suppressed_by_the_change(again)} == {"TFR-AWS-001", "TFR-AWS-002"}  # inline only
    assert "2 introduced by this change" in headline(again)
    out = render_markdown(again)
    assert "### Introduced by this change and suppressed (2)" in out
    assert f"<details><summary>Suppressed: {len(again.suppressed) - 2}</summary>" in out
    text = render_text(again)
    assert "Introduced by this change and suppressed (2)" in text
    assert f"Suppressed ({len(again.suppressed) - 2})" in text


def test_a_baseline_that_hides_what_a_change_introduces_against_its_base_is_shown() -> None:
    """With a base, a finding the change introduces and a baseline (the PR's own edit) hides is the change's own."""
    introduced = review(changeset_from_sources(HEAD, BASE), _RULES, Policy())
    recorded = frozenset(f.fingerprint for f in (*introduced.findings, *introduced.suppressed))
    hidden = review(
        changeset_from_sources(
            {"main.tf": HEAD["main.tf"].replace(" # tfreview:ignore=TFR-AWS-002,TFR-AWS-001", "")}, BASE
        ),
        _RULES,
        Policy(baseline=recorded, baseline_source=".tfreview-baseline.json"),
    )
    assert {f.rule_id for f in suppressed_by_the_change(hidden)} == {"TFR-AWS-001", "TFR-AWS-002"}
