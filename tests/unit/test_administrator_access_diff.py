"""AdministratorAccess added in an HCL diff is reported as introduced, however it reaches the principal (ADR 0504).

ADR 0488 made TFR-CHG-005 silent on a role's `managed_policy_arns` whose base holds an element tfreview cannot
evaluate (`[aws_iam_policy.app.arn]`): it may have been any ARN. The head's known AdministratorAccess ARN is still a
failure by itself; TFR-AWS-174 judges each known element, finds none in the base, and reports it as introduced.
Each case is a real pair of trees read as `tfreview scan HEAD --base BASE` reads them.
"""

from __future__ import annotations

from pathlib import Path

from tfreview.core.findings import Finding, Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import load_change
from tfreview.rules import find_rule
from tfreview.rules.changes import widens_iam_policy

_RULE = find_rule("TFR-AWS-174")
_ADMIN = '"arn:aws:iam::aws:policy/AdministratorAccess"'

_ROLE = """
resource "aws_iam_policy" "app" {
  name   = "app"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sqs:*", Resource = "*" }] })
}

resource "aws_iam_role" "app" {
  name                = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  managed_policy_arns = %s
}
"""

_EXCLUSIVE = """
resource "aws_iam_policy" "app" {
  name   = "app"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sqs:*", Resource = "*" }] })
}

resource "aws_iam_role_policy_attachments_exclusive" "app" {
  role_name   = "app"
  policy_arns = %s
}
"""


def _findings(tmp_path: Path, base: str, head: str) -> list[Finding]:
    assert _RULE is not None
    for side, text in (("base", base), ("head", head)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    result = review(load_change(tmp_path / "base", tmp_path / "head"), [_RULE, widens_iam_policy.RULE], Policy())
    assert not result.diagnostics, result.diagnostics
    return list(result.findings)


def test_the_issue_s_case_is_reported_as_introduced_by_the_state_rule(tmp_path: Path) -> None:
    """`[aws_iam_policy.app.arn]` → `[aws_iam_policy.app.arn, "…AdministratorAccess"]` on a role: TFR-CHG-005 stays
    silent (ADR 0488), TFR-AWS-174 reports the known ARN the head adds."""
    base = _ROLE % "[aws_iam_policy.app.arn]"
    head = _ROLE % f"[aws_iam_policy.app.arn, {_ADMIN}]"
    [finding] = _findings(tmp_path, base, head)
    assert (finding.rule_id, finding.address, finding.status) == ("TFR-AWS-174", "aws_iam_role.app", Status.INTRODUCED)
    assert finding.evidence.path == "managed_policy_arns.1"
    assert "AdministratorAccess" in finding.message


def test_an_exclusive_attachment_that_adds_it_is_introduced(tmp_path: Path) -> None:
    base = _EXCLUSIVE % "[aws_iam_policy.app.arn]"
    head = _EXCLUSIVE % f"[aws_iam_policy.app.arn, {_ADMIN}]"
    [finding] = _findings(tmp_path, base, head)
    assert (finding.rule_id, finding.status) == ("TFR-AWS-174", Status.INTRODUCED)
    assert finding.address == "aws_iam_role_policy_attachments_exclusive.app"
    assert finding.evidence.path == "policy_arns.1"


def test_kept_beside_a_new_unknown_element_it_is_existing(tmp_path: Path) -> None:
    """The base already attached it: the head adding a policy of its own does not introduce it."""
    base = _ROLE % f"[{_ADMIN}]"
    head = _ROLE % f"[aws_iam_policy.app.arn, {_ADMIN}]"
    statuses = [(f.rule_id, f.status) for f in _findings(tmp_path, base, head)]
    assert statuses == [("TFR-AWS-174", Status.EXISTING)]


def test_removed_from_an_exclusive_attachment_it_is_resolved(tmp_path: Path) -> None:
    base = _EXCLUSIVE % f"[aws_iam_policy.app.arn, {_ADMIN}]"
    head = _EXCLUSIVE % "[aws_iam_policy.app.arn]"
    statuses = [(f.rule_id, f.status) for f in _findings(tmp_path, base, head)]
    assert statuses == [("TFR-AWS-174", Status.RESOLVED)]


def test_a_list_from_a_variable_is_not_judged_on_either_side(tmp_path: Path) -> None:
    """A head whose whole list is unknown may or may not hold it: no finding, and the base's is not "resolved"."""
    variable = 'variable "arns" {\n  type = list(string)\n}\n'
    base = variable + _EXCLUSIVE % f"[{_ADMIN}]"
    head = variable + _EXCLUSIVE % "var.arns"
    assert _findings(tmp_path, base, head) == []
