"""IAM matches actions with two wildcards only, `*` and `?`, case-insensitively; every other character is itself
(IAM User Guide, "IAM JSON policy elements: Action"). The IAM rules read patterns that way on both sides, `Action`
and `NotAction` (review14a, ADR 0527): a `[` in a pattern is no character class, a pattern that spells every IAM
action another way (`i?m:*`, `iam:**`) is every IAM action, and a `NotAction` that excludes every action allows
none, for every rule that reads it."""

from __future__ import annotations

import pytest

from tfreview.core.findings import Finding, Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

RULES = load_rules()


def _messages(*statements: str) -> dict[str, str]:
    hcl = (
        'resource "aws_iam_policy" "p" {\n  name = "p"\n'
        f'  policy = jsonencode({{ Version = "2012-10-17", Statement = [{", ".join(statements)}] }})\n}}\n'
    )
    result = review(changeset_from_sources({"main.tf": hcl}, label="t"), RULES, Policy())
    live: list[Finding] = [f for f in result.findings if f.status is not Status.RESOLVED]
    return {f.rule_id: f.message for f in live}


@pytest.mark.parametrize("excepted", ['["[!x]*:*"]', '["[a-z]*:*"]', '"[i]am:*"'], ids=["negated", "range", "iam"])
def test_a_bracket_in_not_action_is_a_literal_so_the_statement_still_allows_every_category(excepted: str) -> None:
    """fnmatch read `[!x]*:*` as "every service not starting with x": the statement looked like it excluded
    almost everything. IAM reads `[` as itself: it excludes no real action, and allows them all."""
    messages = _messages(f'{{ Effect = "Allow", NotAction = {excepted}, Resource = "*" }}')
    # one statement allowing every action on every resource: one finding, every category a facet of it (ADR 0730)
    assert [rule_id for rule_id in messages if rule_id.startswith("TFR-AWS-")] == ["TFR-AWS-030"]
    for rule_id in ("TFR-AWS-243", "TFR-AWS-244", "TFR-AWS-246", "TFR-AWS-247", "TFR-AWS-245", "TFR-AWS-253"):
        assert f"{rule_id}: " in messages["TFR-AWS-030"], rule_id


def test_a_bracket_in_action_matches_no_credentials_action() -> None:
    messages = _messages('{ Effect = "Allow", Action = ["[i]am:CreateAccessKey"], Resource = "*" }')
    assert "TFR-AWS-246" not in messages
    assert "TFR-AWS-245" not in messages


@pytest.mark.parametrize("spelling", ["i?m:*", "iam:**", "IAM:*", "i*:*"])
def test_every_spelling_of_every_iam_action_is_every_iam_action(spelling: str) -> None:
    messages = _messages(f'{{ Effect = "Allow", Action = ["{spelling}"], Resource = "arn:aws:iam::1:role/x" }}')
    assert messages["TFR-AWS-253"] == f'statement 0 allows every IAM action ("{spelling}")'


@pytest.mark.parametrize("spelling", ["iam:Get*", "iam:?*Role", "i?m:List*", "[i]am:*", "iam:*:*"])
def test_a_pattern_that_leaves_some_iam_action_out_is_not_every_iam_action(spelling: str) -> None:
    messages = _messages(f'{{ Effect = "Allow", Action = ["{spelling}"], Resource = "arn:aws:iam::1:role/x" }}')
    assert "TFR-AWS-253" not in messages


@pytest.mark.parametrize("spelling", ["**", "*:**", "*:*"])
def test_every_spelling_of_every_action_is_administrator_access(spelling: str) -> None:
    messages = _messages(f'{{ Effect = "Allow", Action = "{spelling}", Resource = "*" }}')
    assert messages["TFR-AWS-030"].startswith('statement 0 allows every action ("*") on every resource ("*")')
    assert 'TFR-AWS-031: statement 0 allows "*"' in messages["TFR-AWS-030"]  # a facet of it (ADR 0730)
    assert "TFR-AWS-031" not in messages


@pytest.mark.parametrize("excepted", ['"*"', '["*:*"]', '["**"]', '["s3:*", "*"]'])
def test_a_not_action_that_excludes_every_action_is_reported_by_no_rule(excepted: str) -> None:
    """Such a statement allows nothing: TFR-AWS-030 and the category rules already said so; TFR-AWS-031 ("uses
    NotAction, allowing every other action") and TFR-AWS-032 still reported it."""
    messages = _messages(f'{{ Effect = "Allow", NotAction = {excepted}, Resource = "*" }}')
    assert not {rule_id for rule_id in messages if rule_id.startswith("TFR-AWS-")}, messages


def test_a_not_action_that_excludes_every_action_beside_a_real_one_is_named_alone() -> None:
    messages = _messages(
        '{ Effect = "Allow", NotAction = "*:*", Resource = "*" }',
        '{ Effect = "Allow", NotAction = ["s3:*"], Resource = "arn:aws:s3:::b" }',
    )
    assert messages["TFR-AWS-031"].startswith("statement 1 uses NotAction, allowing every other action")
