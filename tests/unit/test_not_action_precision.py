"""A `NotAction` statement allows every action but those it names: the IAM rules' messages and the escalation
methods they report say so, instead of treating it as `"*"` (lead, session 13)."""

from __future__ import annotations

from tfreview.core.findings import Finding, Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules
from tfreview.rules.support.iam_access import RESTRICTABLE_PERMISSIONS

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


# an Allow with NotAction on "*" is TFR-AWS-030's statement: the other rules' words on it are facets of its finding
# (ADR 0730); `alone` reviews without the leading rules, to read each rule's words as a finding of its own
LEADERS = {"TFR-AWS-030", "TFR-AWS-031", "TFR-AWS-253"}


def _messages(hcl: str, *, alone: bool = False) -> dict[str, str]:
    rules = [rule for rule in load_rules() if not (alone and rule.id in LEADERS)]
    result = review(changeset_from_sources({"main.tf": hcl}, label="t"), rules, Policy())
    live: list[Finding] = [f for f in result.findings if f.status is not Status.RESOLVED]
    return {f.rule_id: f.message for f in live}


def test_the_administrator_message_names_what_not_action_leaves_out_in_the_users_spelling() -> None:
    messages = _messages(NOT_IAM)
    assert messages["TFR-AWS-030"].startswith(
        'statement 0 allows every action except `iam:*`, `STS:AssumeRole` (`NotAction`) on every resource ("*") — also '
    )
    assert [rule_id for rule_id in messages if rule_id.startswith("TFR-AWS-")] == ["TFR-AWS-030"]


def test_escalation_through_not_action_counts_only_the_methods_it_does_not_exclude() -> None:
    message = _messages(NOT_IAM, alone=True)["TFR-AWS-245"]
    assert "EditExistingLambdaFunctionWithRole" in message  # lambda:UpdateFunctionCode is not excluded
    for method in ("CreateNewPolicyVersion", "CreateAccessKey", "PassExistingRoleToNewLambdaFunction"):
        assert method not in message  # each needs an IAM action, which `iam:*` excludes


def test_a_not_action_that_excludes_every_escalation_service_reports_no_escalation() -> None:
    messages = _messages(NOT_ESCALATING)
    assert "TFR-AWS-245" not in messages
    assert messages["TFR-AWS-030"].startswith("statement 0 allows every action except `iam:*`, `lambda:*`")


# TFR-AWS-243, 244, 246 and 247 (session 14, issue 12 §3): an Allow statement with NotAction gives a category only
# when its patterns leave one of the category's actions in; the message says what it allows in the user's spelling
CATEGORIES = {
    "TFR-AWS-243": "write actions",
    "TFR-AWS-244": "permissions management",
    "TFR-AWS-246": "actions that return credentials",
    "TFR-AWS-247": "reading every object, parameter or secret",
}


def _policy(*statements: str) -> str:
    return f"""
resource "aws_iam_role_policy" "p" {{
  name   = "p"
  role   = "app"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{", ".join(statements)}] }})
}}
"""


def test_each_category_rule_names_what_a_not_action_statement_allows_wildcards_first() -> None:
    statement = '{ Effect = "Allow", NotAction = ["iam:PassRole", "S3:*"], Resource = "*" }'
    messages, folded = _messages(_policy(statement), alone=True), _messages(_policy(statement))
    for rule_id, what in CATEGORIES.items():
        words = f'statement 0 allows {what} on "*": every action except `S3:*`, `iam:PassRole` (`NotAction`)'
        assert messages[rule_id] == words
        assert f"{rule_id}: {words}" in folded["TFR-AWS-030"]  # the same words, a facet of the leading finding


def test_the_not_action_statement_leads_the_actions_other_statements_allow() -> None:
    messages = _messages(
        _policy(
            '{ Effect = "Allow", Action = ["sqs:SendMessage", "ec2:*"], Resource = "*" }',
            '{ Effect = "Allow", NotAction = ["s3:*"], Resource = "*" }',
        ),
        alone=True,
    )
    assert messages["TFR-AWS-243"] == (
        'statements 0 and 1 allow write actions on "*": every action except `s3:*` (`NotAction`), ec2:*, '
        "sqs:SendMessage"
    )


def test_a_deny_not_action_statement_allows_nothing() -> None:
    guardrail = (
        '{ Effect = "Deny", NotAction = ["iam:*", "sts:*"], Resource = "*",'
        ' Condition = { StringNotEquals = { "aws:RequestedRegion" = ["eu-west-1"] } } }'
    )
    messages = _messages(_policy(guardrail))
    for rule_id in (*CATEGORIES, "TFR-AWS-030", "TFR-AWS-245"):
        assert rule_id not in messages


def test_a_not_action_that_excludes_every_action_allows_no_category() -> None:
    messages = _messages(_policy('{ Effect = "Allow", NotAction = ["*:*"], Resource = "*" }'))
    assert not set(CATEGORIES) & set(messages)


def test_data_reads_excluded_case_insensitively_and_by_wildcard_leave_only_the_other_categories() -> None:
    excluded = '["S3:GETOBJECT", "ssm:getParameter*", "secretsmanager:*"]'
    messages = _messages(_policy(f'{{ Effect = "Allow", NotAction = {excluded}, Resource = "*" }}'), alone=True)
    assert "TFR-AWS-247" not in messages
    for rule_id in ("TFR-AWS-243", "TFR-AWS-244", "TFR-AWS-246"):
        assert "every action except `ssm:getParameter*`, `secretsmanager:*`, `S3:GETOBJECT`" in messages[rule_id]


def test_credentials_are_judged_action_by_action_against_the_exclusions() -> None:
    services = [
        "iam:*", "sts:*", "sso:*", "cognito-identity:*", "rds-db:*", "redshift:*", "ec2:GetPasswordData",
        "lightsail:*", "chime:*", "codepipeline:*", "connect:*", "gamelift:*", "mediapackage:*", "airflow:*",
        "appsync:*", "cloud9:*", "codeartifact:*", "emr-containers:*", "finspace-api:*", "grafana:*",
        "license-manager:*", "redshift-serverless:*",
    ]  # fmt: skip
    quoted = ", ".join(f'"{s}"' for s in services)
    assert "TFR-AWS-246" not in _messages(
        _policy(f'{{ Effect = "Allow", NotAction = [{quoted}], Resource = "*" }}'), alone=True
    )
    # leave one credential action in (sts:AssumeRole, through a narrower pattern): reported again
    narrower = quoted.replace('"sts:*"', '"sts:Get*"')
    assert "TFR-AWS-246" in _messages(
        _policy(f'{{ Effect = "Allow", NotAction = [{narrower}], Resource = "*" }}'), alone=True
    )


def test_permissions_management_is_left_in_until_every_service_that_has_it_is_excluded() -> None:
    assert "TFR-AWS-244" in _messages(
        _policy('{ Effect = "Allow", NotAction = ["iam:*"], Resource = "*" }'), alone=True
    )
    services = sorted({action.split(":")[0] for action in RESTRICTABLE_PERMISSIONS})
    quoted = ", ".join(f'"{service}:*"' for service in services)
    messages = _messages(_policy(f'{{ Effect = "Allow", NotAction = [{quoted}], Resource = "*" }}'), alone=True)
    assert "TFR-AWS-244" not in messages
    assert "TFR-AWS-243" in messages  # writes of the services not named (sqs:SendMessage) remain


def test_a_not_action_that_excludes_every_action_is_no_administrator_statement() -> None:
    for excluded in ('"*"', '["*:*"]'):
        messages = _messages(_policy(f'{{ Effect = "Allow", NotAction = {excluded}, Resource = "*" }}'))
        assert "TFR-AWS-030" not in messages
        assert "TFR-AWS-245" not in messages


def _not_action_policy(patterns: str) -> str:
    return f"""
resource "aws_iam_policy" "p" {{
  name = "p"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", NotAction = [{patterns}], Resource = "arn:aws:iam::123456789012:role/app" }}]
  }})
}}
"""


def test_full_iam_access_reads_not_action_patterns_as_iam_matches_them() -> None:
    def said(patterns: str) -> str:  # TFR-AWS-031 folds 253 into its own finding ("also TFR-AWS-253: …")
        return "\n".join(f"{rule}: {message}" for rule, message in _messages(_not_action_policy(patterns)).items())

    for excluding_some_iam in ('"IAM:PassRole"', '"i?m:*"', '"*:*"', '"Iam:Create*"'):
        assert "TFR-AWS-253" not in said(excluding_some_iam), excluding_some_iam
    for leaving_all_of_iam in ('"s3:*"', '"ec2:*", "sts:AssumeRole"', '"iamx:*"'):
        assert "TFR-AWS-253: statement 0 allows every IAM action (NotAction" in said(leaving_all_of_iam)
