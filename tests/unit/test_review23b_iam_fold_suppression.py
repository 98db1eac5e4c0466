"""review23b: ADR 0731's suppression semantics on a policy of several statements, inline. The r23-iam test wrote
`# tfreview:ignore TFR-AWS-031 reason` (a space, which no parser reads: `=` or `:`), so its inline case suppressed
nothing and held whatever the fold did. Here the comment is read, and does what ADR 0731 says: the critical finding
of the administrator statement stays (its facet named), the folded rule's finding on another statement is suppressed.
"""

from __future__ import annotations

from tfreview.core.findings import Finding, Status
from tfreview.core.policy import Policy
from tfreview.core.review import Review, review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

TEXT = """
resource "aws_s3_bucket" "b" {
  bucket = var.name
}
variable "name" {
  type = string
}
# tfreview:ignore=%s accepted for the bootstrap role
resource "aws_iam_policy" "x" {
  name = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = "*", Resource = aws_s3_bucket.b.arn },
    { Effect = "Allow", Action = "*", Resource = "*" },
  ] })
}
"""


def _review(suppressed: str) -> Review:
    return review(changeset_from_sources({"main.tf": TEXT % suppressed}, label="t"), load_rules(), Policy())


def _on_policy(findings: list[Finding]) -> dict[str, str]:
    return {
        f.rule_id: f.message or ""
        for f in findings
        if f.address == "aws_iam_policy.x"
        and f.rule_id in ("TFR-AWS-030", "TFR-AWS-031")
        and f.status is not Status.RESOLVED
    }


def test_an_inline_suppression_of_a_folded_rule_keeps_the_leader_and_silences_its_other_statement() -> None:
    result = _review("TFR-AWS-031")
    reported = _on_policy(result.findings)
    assert list(reported) == ["TFR-AWS-030"]
    assert reported["TFR-AWS-030"].startswith("statement 1 allows every action")
    assert "TFR-AWS-031: statement 1" in reported["TFR-AWS-030"]
    assert _on_policy(result.suppressed)["TFR-AWS-031"].startswith("statement 0 allows")


def test_an_inline_suppression_of_the_leader_leaves_the_other_statement_reported() -> None:
    result = _review("TFR-AWS-030")
    assert list(_on_policy(result.findings)) == ["TFR-AWS-031"]
    assert _on_policy(result.findings)["TFR-AWS-031"].startswith("statement 0 allows")
    assert list(_on_policy(result.suppressed)) == ["TFR-AWS-030"]
