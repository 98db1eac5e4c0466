"""A `NotAction` statement allows every action but those it names: the IAM rules' messages and the escalation
methods they report say so, instead of treating it as `"*"` (lead, session 13)."""

from __future__ import annotations

from tfreview.core.findings import Finding, Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

NOT_IAM = """
resource "aws_iam_policy" "everything_but_iam" {
  name = "everything-but-iam"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", NotAction = ["iam:*", "STS:AssumeRole"], Resource = "*" }]
  })
}
"""

NOT_ESCALATING = """
resource "aws_iam_policy" "no_escalation" {
  name = "no-escalation"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      NotAction = ["iam:*", "lambda:*", "glue:*", "cloudformation:*", "datapipeline:*", "ec2:*", "sts:*"]
      Resource  = "*"
    }]
  })
}
"""


def _messages(hcl: str) -> dict[str, str]:
    result = review(changeset_from_sources({"main.tf": hcl}, label="t"), load_rules(), Policy())
    live: list[Finding] = [f for f in result.findings if f.status is not Status.RESOLVED]
    return {f.rule_id: f.message for f in live}


def test_the_administrator_message_names_what_not_action_leaves_out_in_the_users_spelling() -> None:
    message = _messages(NOT_IAM)["TFR-AWS-030"]
    assert message == (
        'statement 0 allows every action except `iam:*`, `STS:AssumeRole` (`NotAction`) on every resource ("*")'
    )


def test_escalation_through_not_action_counts_only_the_methods_it_does_not_exclude() -> None:
    message = _messages(NOT_IAM)["TFR-AWS-245"]
    assert "EditExistingLambdaFunctionWithRole" in message  # lambda:UpdateFunctionCode is not excluded
    for method in ("CreateNewPolicyVersion", "CreateAccessKey", "PassExistingRoleToNewLambdaFunction"):
        assert method not in message  # each needs an IAM action, which `iam:*` excludes


def test_a_not_action_that_excludes_every_escalation_service_reports_no_escalation() -> None:
    messages = _messages(NOT_ESCALATING)
    assert "TFR-AWS-245" not in messages
    assert messages["TFR-AWS-030"].startswith("statement 0 allows every action except `iam:*`, `lambda:*`")
