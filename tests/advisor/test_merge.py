"""The model may only add: findings untouched, the verdict never lowered, raised only when allowed."""

from __future__ import annotations

import pytest

from tfreview.advisor.merge import apply_advice, coverage_note
from tfreview.core.findings import Advice, Concern, Review, Verdict
from tfreview.core.findings import Advice as ModelAdvice
from tfreview.core.plan import Coverage
from tfreview.core.severity import Severity
from tfreview.core.usage import AdviceUsage, Omission

from .doubles import finding


def _review(verdict: Verdict) -> Review:
    findings = [finding("aws_s3_bucket.a", severity=Severity.MEDIUM)]
    return Review(findings, [], [], [], Coverage(resources_total=3), verdict, Severity.HIGH)


def _advice(severity: Severity, *, unavailable: str | None = None) -> Advice:
    concern = Concern("aws_s3_bucket.a", "iam", "worrying", severity)
    return Advice("summary", Severity.LOW, (concern,), "openai/gpt-test", True, unavailable)


@pytest.mark.parametrize("verdict", list(Verdict))
def test_by_default_advice_never_changes_the_verdict_or_the_findings(verdict: Verdict) -> None:
    before = _review(verdict)
    after = apply_advice(before, _advice(Severity.CRITICAL))
    assert after.verdict is verdict
    assert after.findings == before.findings
    assert after.findings is not before.findings
    assert after.advice is not None
    assert before.advice is None  # pure: the input is not touched


def test_when_allowed_a_concern_at_or_above_fail_on_raises_the_verdict() -> None:
    assert apply_advice(_review(Verdict.WARN), _advice(Severity.HIGH), ai_can_fail=True).verdict is Verdict.FAIL
    assert apply_advice(_review(Verdict.WARN), _advice(Severity.MEDIUM), ai_can_fail=True).verdict is Verdict.WARN
    assert apply_advice(_review(Verdict.FAIL), _advice(Severity.LOW), ai_can_fail=True).verdict is Verdict.FAIL
    unavailable = _advice(Severity.CRITICAL, unavailable="AI review unavailable: x")
    assert apply_advice(_review(Verdict.PASS), unavailable, ai_can_fail=True).verdict is Verdict.PASS


def test_what_the_model_did_not_see_becomes_a_coverage_note() -> None:
    omission = Omission(tuple(f"aws_instance.r{i}" for i in range(12)), {"update": 12}, facts=2)
    advice = ModelAdvice("s", Severity.LOW, (), "openai/gpt-test", True, usage=AdviceUsage(omission=omission))
    after = apply_advice(_review(Verdict.PASS), advice)
    [note] = after.coverage.notes
    assert note.startswith("The AI reviewer did not see 12 changed resources (12 update); 2 rule findings")
    assert "and 2 more" in note
    assert coverage_note(_advice(Severity.LOW)) is None
