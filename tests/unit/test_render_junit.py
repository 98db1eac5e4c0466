"""JUnit XML: well-formed, one testsuite per provider, failures for what fails the verdict."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from tests.unit.test_render import RULES_BY_ID, located, sample_review
from tfreview.render.junit import render_junit


def test_parses_back_with_consistent_counts() -> None:
    result = sample_review()
    root = ET.fromstring(render_junit(result, RULES_BY_ID))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"tfreview.aws", "tfreview.change"}
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("skipped", "")) == sum(1 for c in cases if c.find("skipped") is not None)
    failing = [f for f in result.findings if result.fails(f)]
    assert root.get("failures") == str(len(failing)) == "4"  # introduced at or above high; existing are skipped
    assert root.get("skipped") == "3"  # the suppressed finding and the 2 existing ones
    assert root.get("errors") == "1"  # the rule that raised


def test_rules_without_findings_pass_and_resolved_findings_pass() -> None:
    root = ET.fromstring(render_junit(sample_review(), RULES_BY_ID))
    names = {c.get("name"): c for c in root.iter("testcase")}
    assert "TFR-TEST-009 test-rule-009" in names
    assert len(names["TFR-TEST-009 test-rule-009"]) == 0
    resolved = names["TFR-TEST-001 aws_s3_bucket.fixed"]
    assert resolved.find("failure") is None
    system_out = resolved.find("system-out")
    assert system_out is not None
    assert (system_out.text or "").startswith("resolved")


def test_failure_carries_severity_message_and_location() -> None:
    root = ET.fromstring(render_junit(located(sample_review())))
    case = next(c for c in root.iter("testcase") if c.get("name") == "TFR-TEST-003 aws_instance.web")
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "critical"
    assert "introduced" in (failure.get("message") or "")
    assert case.get("file") == "infra/aws_instance.tf"
    assert "fix: Do the right thing for rule 003." in (failure.text or "")


def test_control_characters_and_markup_stay_well_formed() -> None:
    result = sample_review()
    evil = replace(result.findings[0], address='x["\x00\x1b<!--]]>&"\']', message="a\x0bb</failure>")
    out = render_junit(replace(result, findings=[evil, *result.findings[1:]]))
    root = ET.fromstring(out)
    assert any("]]>" in (c.get("name") or "") for c in root.iter("testcase"))
