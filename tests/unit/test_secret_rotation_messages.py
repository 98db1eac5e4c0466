"""TFR-AWS-255 and TFR-AWS-182 say what is true of the secret's rotation (ADR 0489).

TFR-AWS-255 said "no `aws_secretsmanager_secret_rotation` refers to it" of a secret whose rotation refers to it but
exists only when a caller sets a variable defaulting to false. TFR-AWS-182 said "longer than 90 days" of a rotation
that states no interval at all (`rotation_rules {}`), which the AWS provider rejects: its documentation requires
`automatically_after_days` or `schedule_expression` in `rotation_rules`.
"""

from __future__ import annotations

import pytest

from tfreview.core.findings import Finding
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

RULES = {rule.id: rule for rule in load_rules() if rule.id in ("TFR-AWS-255", "TFR-AWS-182")}


def _findings(hcl: str, rule_id: str) -> list[Finding]:
    result = review(changeset_from_sources({"main.tf": hcl}), [RULES[rule_id]], Policy())
    assert not result.diagnostics, result.diagnostics
    return list(result.findings)


_SECRET = """
variable "enable_rotation" {
  type    = bool
  default = false
}

variable "create" {
  type    = bool
  default = false
}

resource "aws_secretsmanager_secret" "db" {
%s  name = "prod/db"
}

resource "aws_secretsmanager_secret_rotation" "db" {
%s  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:111122223333:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}
"""
_COUNT = "  count = var.%s ? 1 : 0\n"


def test_a_rotation_gated_by_a_variable_is_named_with_it() -> None:
    [finding] = _findings(_SECRET % ("", _COUNT % "enable_rotation"), "TFR-AWS-255")
    assert finding.address == "aws_secretsmanager_secret.db"
    assert finding.message == (
        "the secret does not rotate unless var.enable_rotation is set: `aws_secretsmanager_secret_rotation.db` "
        "refers to it, but its default leaves that rotation out"
    )
    assert "no `aws_secretsmanager_secret_rotation` refers to it" not in finding.message


def test_a_rotation_gated_like_its_secret_counts() -> None:
    """Both exist only with `var.create`: wherever the secret is, its rotation is too (ADR 0361)."""
    assert _findings(_SECRET % (_COUNT % "create", _COUNT % "create"), "TFR-AWS-255") == []


def test_a_gated_secret_names_only_the_rotation_s_other_variable() -> None:
    both = "  count = var.create && var.enable_rotation ? 1 : 0\n"
    [finding] = _findings(_SECRET % (_COUNT % "create", both), "TFR-AWS-255")
    assert finding.message.startswith("the secret does not rotate unless var.enable_rotation is set:")


def test_no_rotation_at_all_still_says_so() -> None:
    hcl = 'resource "aws_secretsmanager_secret" "db" {\n  name = "prod/db"\n}\n'
    [finding] = _findings(hcl, "TFR-AWS-255")
    assert finding.message == "the secret never rotates: no `aws_secretsmanager_secret_rotation` refers to it"


_CANCELLED = """
variable "enabled" {
  type = bool
}

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db"
}

resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id        = aws_secretsmanager_secret.db.id
  rotation_enabled = %s
}
"""


@pytest.mark.parametrize("written", ["false", '"false"'])
def test_a_rotation_that_cancels_rotation_does_not_count(written: str) -> None:
    """The AWS provider's latest source makes `rotation_enabled` settable: false with no `rotation_rules` calls
    CancelRotateSecret (ADR 0505). HCL converts the string "false" for a bool argument."""
    [finding] = _findings(_CANCELLED % written, "TFR-AWS-255")
    assert finding.address == "aws_secretsmanager_secret.db"
    assert finding.message == (
        "the secret never rotates: `aws_secretsmanager_secret_rotation.db` refers to it with "
        "`rotation_enabled = false`, which cancels its rotation"
    )


def test_a_cancelling_rotation_beside_a_rotating_one_is_outweighed() -> None:
    rotating = """
resource "aws_secretsmanager_secret_rotation" "again" {
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:111122223333:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}
"""
    assert _findings(_CANCELLED % "false" + rotating, "TFR-AWS-255") == []


def test_rotation_enabled_from_a_variable_may_be_true() -> None:
    assert _findings(_CANCELLED % "var.enabled", "TFR-AWS-255") == []


_ROTATION = """
variable "days" {
  type = number
}

resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:111122223333:function:rotate"
%s}
"""
_NO_INTERVAL = (
    "the rotation states no interval: `rotation_rules` sets neither `automatically_after_days` nor "
    "`schedule_expression` (the AWS provider requires one), so nothing rotates the secret every 90 days or less"
)
_LONG = "the secret's rotation interval is longer than 90 days"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("  rotation_rules {}\n", [_NO_INTERVAL]),
        ('  rotation_rules {\n    duration = "3h"\n  }\n', [_NO_INTERVAL]),
        ("", [_NO_INTERVAL]),
        ("  rotation_rules {\n    automatically_after_days = 180\n  }\n", [_LONG]),
        ('  rotation_rules {\n    schedule_expression = "rate(120 days)"\n  }\n', [_LONG]),
        ("  rotation_rules {\n    automatically_after_days = 90\n  }\n", []),
        ('  rotation_rules {\n    schedule_expression = "rate(2160 hours)"\n  }\n', []),
        ('  rotation_rules {\n    schedule_expression = "cron(0 4 1 * ? *)"\n  }\n', []),
        ("  rotation_rules {\n    automatically_after_days = var.days\n  }\n", []),
    ],
    ids=["empty", "duration-only", "no-block", "180-days", "rate-120-days", "90-days", "2160-hours", "cron", "var"],
)
def test_the_interval_rule_says_which_fault(rules: str, expected: list[str]) -> None:
    assert [f.message for f in _findings(_ROTATION % rules, "TFR-AWS-182")] == expected
