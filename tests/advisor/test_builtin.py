"""The built-in reviewer: offline, deterministic, and labelled as not a language model."""

from __future__ import annotations

from pathlib import Path

from tfreview.advisor.builtin import LABEL, BuiltinAdvisor
from tfreview.core.policy import Policy
from tfreview.core.ports import AdviceContext
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

from .doubles import change, change_set

DEMO = Path(__file__).parents[2] / "examples" / "demo" / "plan.json"


def test_builtin_is_the_offline_default_and_says_it_is_not_an_llm() -> None:
    advisor = BuiltinAdvisor()
    advice = advisor.advise(AdviceContext(change_set(change("aws_s3_bucket.a", "create")), (), review_coverage()))
    assert advisor.name == "builtin"
    assert advice.is_llm is False
    assert advice.source == "builtin"
    assert advice.summary.startswith(LABEL)
    assert "not a language model" in advice.summary


def test_the_summary_names_destroys_and_replaces_with_terraforms_reasons() -> None:
    cs = change_set(
        change("aws_db_instance.main", "delete", action_reason="delete_because_no_resource_config"),
        change("aws_instance.web", "replace", action_reason="replace_because_cannot_update", replace_paths=(("ami",),)),
        change("aws_s3_bucket.logs", "create"),
        drift=[change("aws_instance.other", "update")],
    )
    advice = BuiltinAdvisor().advise(AdviceContext(cs, (), review_coverage()))
    text = advice.summary
    assert "creates 1, replaces 1 and destroys 1 resources (3 in all)" in text
    assert "1 resource drifted outside Terraform" in text
    assert "- aws_db_instance.main, because its resource block was removed from the configuration" in text
    assert "- aws_instance.web, because the provider cannot change these attributes in place (forced by ami)" in text
    assert "destroying it loses the database and all its data" in text
    assert advice.risk is Severity.CRITICAL
    assert [c.address for c in advice.concerns] == ["aws_db_instance.main"]
    assert advice.concerns[0].category == "data-loss"


def test_risk_follows_the_findings_on_the_demo_plan_and_the_text_is_deterministic() -> None:
    rules = load_rules()

    def run() -> tuple[str, Severity]:
        cs = load_plan(DEMO.read_bytes(), str(DEMO))
        result = review(cs, rules, Policy(), advisor=BuiltinAdvisor())
        assert result.advice is not None
        return result.advice.summary, result.advice.risk

    first, second = run(), run()
    assert first == second
    summary, risk = first
    assert risk is Severity.CRITICAL
    assert "IAM widening" in summary
    assert "aws_security_group_rule.bastion_ssh" in summary


def test_a_change_with_nothing_risky_is_low() -> None:
    advice = BuiltinAdvisor().advise(
        AdviceContext(change_set(change("aws_s3_bucket.a", "create")), (), review_coverage())
    )
    assert advice.risk is Severity.LOW
    assert "creates 1 resource (1 in all)" in advice.summary


def review_coverage():  # type: ignore[no-untyped-def]
    from tfreview.core.plan import Coverage

    return Coverage()
