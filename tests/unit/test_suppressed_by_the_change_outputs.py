"""review16a: ADR 0562 put what a change introduces and suppresses in the open in the PR comment and the text
report, and said the check run shares it — it did not: the check run's summary read "0 introduced, 6 existing, 0
resolved findings" with no word of suppression, and neither its annotations nor the Action's `-o github` annotations
marked the suppressed critical (while existing low findings got notices); JUnit skipped it as "suppressed (inline): "
with an empty reason. Now each says so: a summary line with the count and severities, a warning annotation on the
line, and a JUnit message naming the change and "no reason given"."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.unit.test_suppressed_by_the_change import _RULES, HEAD, _review
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.integrations.github.check_runs import annotations_of, output
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.render.github import render_github
from tfreview.render.junit import render_junit


def test_the_check_run_summary_says_what_the_change_suppresses() -> None:
    summary = output(_review(), without_ai=False)["summary"]
    assert "2 suppressed (2 introduced by this change: 1 critical, 1 high)" in summary


def test_the_check_run_annotates_what_the_change_suppresses_as_a_warning() -> None:
    own = [a for a in annotations_of(_review()) if "suppressed" in a["title"]]
    assert [(a["title"].split(":")[0], a["annotation_level"]) for a in own] == [
        ("TFR-AWS-002 (critical, introduced and suppressed)", "warning"),
        ("TFR-AWS-001 (high, introduced and suppressed)", "warning"),
    ]
    assert "suppressed (inline): no reason given (main.tf:3)" in own[0]["message"]


def test_the_github_annotations_mark_what_the_change_suppresses() -> None:
    lines = [line for line in render_github(_review()).splitlines() if "introduced and suppressed" in line]
    assert len(lines) == 2
    assert lines[0].startswith("::warning file=main.tf,line=1,")
    assert "TFR-AWS-002 (critical%2C introduced and suppressed)" in lines[0]


def test_junit_names_the_change_and_a_missing_reason() -> None:
    root = ET.fromstring(render_junit(_review()))
    messages = sorted(s.get("message", "") for s in root.iter("skipped") if "suppressed" in s.get("message", ""))
    assert messages == ["introduced by this change and suppressed (inline): no reason given"] * 2


def test_old_suppressions_are_neither_annotated_nor_counted_as_the_change_s() -> None:
    old = review(changeset_from_sources(HEAD, HEAD), _RULES, Policy())
    assert old.suppressed
    assert not [a for a in annotations_of(old) if "suppressed" in a["title"]]
    assert "introduced and suppressed" not in render_github(old)
    assert "introduced by this change" not in output(old, without_ai=False)["summary"]
