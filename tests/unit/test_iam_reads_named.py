"""Actions AWS's own read-only managed policies grant, whose names do not begin with a read verb, are reads: a
policy allowing CloudWatch Logs Insights queries on every log group is not "write access without constraints"
(TFR-AWS-243). Source: the AWS managed policy CloudWatchLogsReadOnlyAccess (v8), which grants `logs:StartQuery`,
`logs:StopQuery`, `logs:TestMetricFilter`, `logs:FilterLogEvents`, `logs:StartLiveTail` and `logs:StopLiveTail`
(found by r24-recall on the fixtures' `iam-read-only-policy` example)."""

from __future__ import annotations

import pytest

from tfreview.core.findings import Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules
from tfreview.rules.support.iam_access import levels


def _policy(actions: list[str]) -> str:
    quoted = ", ".join(f'"{action}"' for action in actions)
    return f"""
resource "aws_iam_policy" "logs" {{
  name   = "logs"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = [{quoted}], Resource = "*" }}]
  }})
}}
"""


def _rules_reporting(hcl: str) -> set[str]:
    result = review(changeset_from_sources({"main.tf": hcl}, label="t"), load_rules(), Policy())
    return {f.rule_id for f in result.findings if f.status is not Status.RESOLVED}


@pytest.mark.parametrize(
    "action",
    ["logs:StartQuery", "logs:StopQuery", "logs:FilterLogEvents", "logs:TestMetricFilter", "LOGS:startlivetail"],
)
def test_a_read_only_managed_policys_action_is_a_read(action: str) -> None:
    assert levels(action) == frozenset({"read"})


def test_logs_insights_queries_on_every_log_group_are_not_unconstrained_write() -> None:
    reads = ["logs:StartQuery", "logs:StopQuery", "logs:FilterLogEvents", "logs:GetQueryResults"]
    assert "TFR-AWS-243" not in _rules_reporting(_policy(reads))


def test_a_write_beside_them_is_still_reported() -> None:
    assert "TFR-AWS-243" in _rules_reporting(_policy(["logs:StartQuery", "logs:PutLogEvents"]))
