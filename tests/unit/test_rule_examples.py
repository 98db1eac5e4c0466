"""Every rule over every one of its examples: bad ones flag exactly the listed addresses, good ones stay silent."""

from __future__ import annotations

import re

import pytest

from tests.rule_examples import Example, change_set_of, examples_of, plan_of_hcl
from tfreview.core.findings import Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.rules import load_rules

RULES = load_rules()
EXAMPLES = [example for rule in RULES for example in examples_of(rule)]
# the same parenthetical twice in a row: a rule's message that already says "(`x` not set)" and the engine's note
_REPEATED = re.compile(r"(\([^()]{4,}\))\s*\1")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.test_id)
def test_example(example: Example) -> None:
    result = review(change_set_of(example), [example.rule], Policy())
    assert not result.diagnostics, result.diagnostics
    flagged = {f.address for f in result.findings if f.status is not Status.RESOLVED}
    assert not [f.message for f in result.findings if _REPEATED.search(f.message)], example.name
    if example.kind == "bad":
        assert flagged == example.flags, example.name
    else:
        assert flagged == set(), example.name


HCL_EXAMPLES = [e for e in EXAMPLES if e.plan is None and e.base_hcl is None and e.rule.kind == "state"]


@pytest.mark.parametrize("example", HCL_EXAMPLES, ids=lambda e: f"{e.test_id}-as-plan")
def test_plan_mode_agrees_with_hcl_mode(example: Example) -> None:
    """The same configuration as a plan (with its `configuration` section, unset attributes computed
    by the provider) gives the same verdict as the HCL."""
    result = review(plan_of_hcl(example), [example.rule], Policy())
    assert not result.diagnostics, result.diagnostics
    flagged = {f.address for f in result.findings if f.status is not Status.RESOLVED}
    assert flagged == (example.flags if example.kind == "bad" else set()), example.name


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_good_and_bad_examples(rule: object) -> None:
    kinds = {e.kind for e in examples_of(rule)}  # type: ignore[arg-type]
    assert kinds == {"bad", "good"}


def test_library_size_and_unique_ids() -> None:
    assert len(RULES) >= 60
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.long_id for r in RULES}) == len(RULES)
