"""Actions the AWS Service Authorization Reference lets grant only on "*" (ADR 0428): the generated table, the
lookup of names and patterns in it, and the "without constraints" rules that leave such actions out."""

from __future__ import annotations

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules
from tfreview.rules.support.iam_access import levels, only_on_any_resource
from tfreview.rules.support.iam_unrestrictable_table import UNRESTRICTABLE_PREFIXES


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("glue:CreateDevEndpoint", True),  # the held-out finding that started this: no resource type in the reference
        ("GLUE:createdevendpoint", True),  # names are case-insensitive
        ("glue:CreateDev*", True),  # reaches only CreateDevEndpoint among glue's writes
        ("glue:CreateDevEndpoin?", True),
        ("glue:Create*", False),  # reaches glue:CreateDatabase, which can be limited to a database
        ("glue:CreateDatabase", False),
        ("glue:*", False),
        ("*", False),
        ("gl*:CreateDevEndpoint", False),  # a wildcard in the service is never judged
        ("cloudwatch:PutMetricData", True),
        ("logs:PutResourcePolicy", True),
        ("logs:Put*", False),  # logs:PutLogEvents can be limited to a log stream
        ("iam:UpdateAccountPasswordPolicy", True),
        ("iam:*", False),
        ("iam:PutRolePolicy", False),
        ("bedrock:CreateFlow", True),  # anchored `createflow$`: CreateFlowAlias can be limited
        ("bedrock:CreateFlowAlias", False),
        ("bedrock:CreateFlow*", False),
        ("billing:*", True),  # every write of the service can only be granted on "*"
        ("nosuchservice:CreateThing", False),
    ],
)
def test_only_on_any_resource(action: str, expected: bool) -> None:
    assert only_on_any_resource(action.lower()) is expected


def test_the_table_is_lower_case_sorted_and_has_no_prefix_another_covers() -> None:
    assert len(UNRESTRICTABLE_PREFIXES) > 250
    for service, prefixes in UNRESTRICTABLE_PREFIXES.items():
        assert service == service.lower()
        assert list(prefixes) == sorted(set(prefixes)), service
        for prefix in prefixes:
            assert prefix == prefix.lower(), (service, prefix)
            assert not set(prefix) & set("*?[]"), (service, prefix)
            open_ended = [p for p in prefixes if not p.endswith("$") and p != prefix]
            assert not any(prefix.startswith(p) for p in open_ended), (service, prefix)


POLICIES = """
resource "aws_iam_role_policy" "etl" {
  name = "etl"
  role = "etl"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["glue:CreateDevEndpoint", "cloudwatch:PutMetricData"], Resource = "*" },
      { Effect = "Allow", Action = ["Glue:Create*", "logs:PutResourcePolicy", "ssm:*"], Resource = "*" },
    ]
  })
}

resource "aws_iam_policy" "telemetry" {
  name = "telemetry"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["xray:PutTraceSegments", "logs:PutResourcePolicy"], Resource = "*" }]
  })
}
"""


def test_the_rules_leave_out_actions_granted_only_on_any_resource_and_keep_the_users_spelling() -> None:
    rules = [r for r in load_rules() if r.id in {"TFR-AWS-243", "TFR-AWS-244"}]
    findings = review(changeset_from_sources({"main.tf": POLICIES}), rules, Policy()).findings
    messages = {(f.address, f.rule_id): f.message for f in findings}
    assert sorted(messages) == [("aws_iam_role_policy.etl", "TFR-AWS-243"), ("aws_iam_role_policy.etl", "TFR-AWS-244")]
    write = messages["aws_iam_role_policy.etl", "TFR-AWS-243"]
    # as written; not CreateDevEndpoint, PutMetricData, PutResourcePolicy
    assert write == 'statement 1 allows write actions on "*": Glue:Create*, ssm:*'
    permissions = messages["aws_iam_role_policy.etl", "TFR-AWS-244"]
    assert permissions == 'statement 1 allows permissions management on "*": ssm:*'


def test_an_iam_pattern_reaches_permissions_management_not_writes() -> None:
    """Every IAM write is permissions management (TFR-AWS-244); the reference's ten IAM "Write" actions
    (`iam:UpdateAccountName`…) can only be granted on "*": `iam:*` leaves TFR-AWS-243 nothing to report."""
    assert levels("iam:*") == {"permissions", "read", "tagging"}
    assert levels("iam:put*") == {"permissions"}
    assert "write" in levels("*")
    assert "write" in levels("s3:*")
