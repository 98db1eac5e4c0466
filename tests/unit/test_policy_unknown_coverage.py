"""An IAM policy with an element known only after apply (ADR 0635): what is known is judged, and the coverage names
what was not. Before, `jsonencode({...})` holding one unknown value was unknown as a whole in HCL mode, so a
`"Action": "iam:PassRole", "Resource": "*"` statement beside a `Resource = aws_s3_bucket.data.arn` one was never
judged, and neither mode said anything: "reviewed 2 of 2 resources" and no finding on the policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.cli import main

POLICY_TF = """
resource "aws_s3_bucket" "data" {
  bucket = "my-data"
}

resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "s3:GetObject", Resource = aws_s3_bucket.data.arn },
      { Effect = "Allow", Action = "iam:PassRole", Resource = "*" },
    ]
  })
}
"""


def _scan(capsys: pytest.CaptureFixture[str], target: Path) -> dict[str, object]:
    main(["scan", str(target), "-o", "json"])
    document: dict[str, object] = json.loads(capsys.readouterr().out)
    return document


def test_hcl_judges_the_known_statements_and_names_the_unknown_element(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text(POLICY_TF, encoding="utf-8")
    report = _scan(capsys, tmp_path)
    findings = report["findings"]
    assert isinstance(findings, list)
    on_policy = {f["rule_id"]: f["message"] for f in findings if f["address"] == "aws_iam_policy.p"}
    assert on_policy["TFR-AWS-032"] == 'statement 1 allows iam:PassRole on "*"'  # the known statement, judged
    assert all("statement 0" not in message for message in on_policy.values())  # the unknown one, not guessed
    coverage = report["coverage"]
    assert isinstance(coverage, dict)
    assert (
        "aws_iam_policy.p: `policy` has values known only after apply (statement 0 Resource): the policy rules did "
        "not judge those; the rest of the document was judged"
    ) in coverage["notes"]


def test_a_plan_names_a_policy_known_only_after_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A plan writes the policy as one string, unknown as a whole when any value in it is: the note says so."""
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": [
            {
                "address": "aws_iam_policy.p",
                "mode": "managed",
                "type": "aws_iam_policy",
                "name": "p",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {"name": "p", "path": "/"},
                    "after_unknown": {"policy": True, "arn": True, "id": True},
                    "before_sensitive": False,
                    "after_sensitive": {},
                },
            }
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    coverage = _scan(capsys, path)["coverage"]
    assert isinstance(coverage, dict)
    assert (
        "aws_iam_policy.p: `policy` is known only after apply (it is built from values the plan does not know): "
        "the policy rules did not judge it"
    ) in coverage["notes"]


def test_a_known_policy_adds_no_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(POLICY_TF.replace("aws_s3_bucket.data.arn", '"arn:aws:s3:::my-data/*"'))
    coverage = _scan(capsys, tmp_path)["coverage"]
    assert isinstance(coverage, dict)
    assert not [note for note in coverage["notes"] if "aws_iam_policy.p" in note]
