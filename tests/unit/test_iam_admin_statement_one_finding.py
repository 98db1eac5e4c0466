"""One cause, one finding for IAM (issue 12 §3, ADR 0730): a statement that allows every action on every resource
is one critical TFR-AWS-030 finding naming every facet (TFR-AWS-031, 032, 243–247, 253) and carrying their
Checkov ids; other statements of the same policy keep findings of their own; narrower statements are not folded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.cli import main
from tfreview.core.findings import Finding, Status
from tfreview.core.policy import Policy, Suppression
from tfreview.core.review import Review, review
from tfreview.core.rules import Resource, Snapshot
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.plan_json import load_plan, plan_from_document
from tfreview.render.sarif import render_sarif
from tfreview.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]

# the rules a `"*"` on `"*"` statement fires, and the Checkov id each stands for
FACETS = {
    "TFR-AWS-031": "CKV_AWS_63",
    "TFR-AWS-032": "CKV_AWS_355",
    "TFR-AWS-243": "CKV_AWS_290",
    "TFR-AWS-244": "CKV_AWS_289",
    "TFR-AWS-245": "CKV_AWS_286",
    "TFR-AWS-246": "CKV_AWS_287",
    "TFR-AWS-247": "CKV_AWS_288",
    "TFR-AWS-253": "CKV2_AWS_40",
}
IAM_IDS = {"TFR-AWS-030", *FACETS}

ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def _hcl(text: str, policy: Policy | None = None) -> Review:
    return review(changeset_from_sources({"main.tf": text}, label="t"), load_rules(), policy or Policy())


def _plan(resources: list[tuple[str, str, dict[str, Any]]]) -> Review:
    changes = [
        {
            "address": f"{kind}.{name}",
            "mode": "managed",
            "type": kind,
            "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": {}},
        }
        for kind, name, values in resources
    ]
    document = {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": changes}
    return review(plan_from_document(document, "plan.json"), load_rules(), Policy())


def _iam(findings: list[Finding], address: str) -> list[Finding]:
    return [f for f in findings if f.address == address and f.rule_id in IAM_IDS and f.status is not Status.RESOLVED]


def _assert_one_admin_finding(found: list[Finding]) -> Finding:
    assert [f.rule_id for f in found] == ["TFR-AWS-030"], [(f.rule_id, f.message) for f in found]
    finding = found[0]
    assert finding.message.startswith('statement 0 allows every action ("*") on every resource ("*") — also ')
    for rule_id, checkov in FACETS.items():
        assert f"{rule_id}: " in finding.message, rule_id
        assert checkov in finding.references, checkov
    assert finding.references[0] == "CKV_AWS_62"  # the leading rule's own ids first
    return finding


def test_the_demo_admin_policy_is_one_finding_in_plan_and_hcl_mode() -> None:
    plan = review(
        load_plan((ROOT / "examples/demo/plan.json").read_bytes(), "plan.json"), load_rules(), Policy()
    ).findings
    hcl = review(
        changeset_from_sources({"main.tf": (ROOT / "examples/demo/main.tf").read_text()}, label="t"),
        load_rules(),
        Policy(),
    ).findings
    in_plan = _assert_one_admin_finding(_iam(plan, "aws_iam_policy.deploy"))
    in_hcl = _assert_one_admin_finding(_iam(hcl, "aws_iam_policy.deploy"))
    assert (in_plan.message, in_plan.references) == (in_hcl.message, in_hcl.references)


@pytest.mark.parametrize(
    ("kind", "values", "path"),
    [
        ("aws_iam_policy", {"name": "p", "policy": ADMIN}, "policy"),
        ("aws_iam_role_policy", {"name": "p", "role": "r", "policy": ADMIN}, "policy"),
        ("aws_iam_user_policy", {"name": "p", "user": "u", "policy": ADMIN}, "policy"),
        ("aws_iam_group_policy", {"name": "p", "group": "g", "policy": ADMIN}, "policy"),
        (
            "aws_iam_role",
            {"name": "r", "assume_role_policy": "{}", "inline_policy": [{"name": "p", "policy": ADMIN}]},
            "inline_policy.0.policy",
        ),
        (
            "aws_ssoadmin_permission_set_inline_policy",
            {"instance_arn": "arn:aws:sso:::instance/i", "permission_set_arn": "p", "inline_policy": ADMIN},
            "inline_policy",
        ),
    ],
)
def test_every_policy_bearing_type_gives_one_finding_in_a_plan(kind: str, values: dict[str, Any], path: str) -> None:
    found = _iam(_plan([(kind, "x", values)]).findings, f"{kind}.x")
    assert _assert_one_admin_finding(found).evidence.path == path


def test_a_policy_document_data_source_gives_one_finding_in_hcl_mode() -> None:
    text = """
data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "admin" {
  name   = "admin"
  policy = data.aws_iam_policy_document.admin.json
}
"""
    _assert_one_admin_finding(_iam(_hcl(text).findings, "aws_iam_policy.admin"))


MIXED = """
resource "aws_iam_policy" "mixed" {
  name = "mixed"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["S3:GetObject", "*"], Resource = "*" },
      { Effect = "Allow", Action = "S3:GetObject", Resource = "*" },
    ]
  })
}
"""


def test_another_statement_of_the_policy_keeps_its_own_findings() -> None:
    by_rule = {f.rule_id: f for f in _iam(_hcl(MIXED).findings, "aws_iam_policy.mixed")}
    assert set(by_rule) == {"TFR-AWS-030", "TFR-AWS-032", "TFR-AWS-247"}
    admin = by_rule["TFR-AWS-030"].message
    # the facets name statement 0 alone, in the user's spelling, wildcards first
    assert 'TFR-AWS-032: statement 0 allows *, S3:GetObject on "*"' in admin
    assert 'TFR-AWS-247: statement 0 allows reading every object, parameter or secret on "*": *, S3:GetObject' in admin
    assert "s3:getobject" not in admin
    # statement 1 is a cause of its own: its findings name it alone
    assert by_rule["TFR-AWS-032"].message == 'statement 1 allows S3:GetObject on "*"'
    assert by_rule["TFR-AWS-247"].message == (
        'statement 1 allows reading every object, parameter or secret on "*": S3:GetObject'
    )
    assert "CKV_AWS_355" in by_rule["TFR-AWS-030"].references


NARROWER = """
resource "aws_iam_policy" "narrower" {
  name = "narrower"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:*", "iam:PassRole"], Resource = "*" }]
  })
}
"""


def test_a_narrower_statement_is_not_folded() -> None:
    found = _iam(_hcl(NARROWER).findings, "aws_iam_policy.narrower")
    ids = sorted(f.rule_id for f in found)
    assert "TFR-AWS-030" not in ids
    assert {"TFR-AWS-032", "TFR-AWS-243", "TFR-AWS-244", "TFR-AWS-247"} <= set(ids)
    assert all(" — also " not in f.message for f in found)


def test_suppressing_a_facet_keeps_the_finding_and_suppressing_the_leader_silences_the_cause() -> None:
    text = (ROOT / "examples/demo/main.tf").read_text()
    facet = _hcl(text, Policy(suppressions=(Suppression(rule="CKV_AWS_355", reason="migrated"),)))
    _assert_one_admin_finding(_iam(facet.findings, "aws_iam_policy.deploy"))
    assert not _iam(facet.suppressed, "aws_iam_policy.deploy")
    inline = text.replace(
        'resource "aws_iam_policy" "deploy" {',
        '# tfreview:ignore=TFR-AWS-031 reason\nresource "aws_iam_policy" "deploy" {',  # `=`: a space is no syntax
    )
    _assert_one_admin_finding(_iam(_hcl(inline).findings, "aws_iam_policy.deploy"))
    leader = _hcl(text, Policy(suppressions=(Suppression(rule="TFR-AWS-030", reason="break-glass role"),)))
    assert _iam(leader.findings, "aws_iam_policy.deploy") == []
    _assert_one_admin_finding(_iam(leader.suppressed, "aws_iam_policy.deploy"))


def test_with_the_leading_rule_disabled_every_facet_reports_on_its_own() -> None:
    rules = [rule for rule in load_rules() if rule.id != "TFR-AWS-030"]
    text = (ROOT / "examples/demo/main.tf").read_text()
    found = _iam(review(changeset_from_sources({"main.tf": text}), rules, Policy()).findings, "aws_iam_policy.deploy")
    # 031 still leads for the facet it subsumed before (253): the rest report alone
    assert sorted(f.rule_id for f in found) == sorted(set(FACETS) - {"TFR-AWS-253"})


def test_sarif_has_one_result_for_the_statement_with_the_folded_rules_ids() -> None:
    result = _hcl((ROOT / "examples/demo/main.tf").read_text())
    log = json.loads(render_sarif(result, {rule.id: rule for rule in load_rules()}))
    results = [
        r
        for r in log["runs"][0]["results"]
        if r["properties"]["address"] == "aws_iam_policy.deploy" and r["ruleId"] in IAM_IDS
    ]
    assert [r["ruleId"] for r in results] == ["TFR-AWS-030"]
    assert results[0]["properties"]["related_rules"] == sorted(FACETS)
    assert set(FACETS.values()) <= set(results[0]["properties"]["references"])
    # a finding that stands for no other rule's is written as before
    others = [r for r in log["runs"][0]["results"] if r["ruleId"] == "TFR-AWS-001"]
    assert others
    assert all("related_rules" not in r["properties"] and "references" not in r["properties"] for r in others)


FULL_IAM = """
resource "aws_iam_role_policy" "iam" {
  name = "iam"
  role = "r"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["IAM:*", "iam:PassRole"], Resource = "*" },
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" },
    ]
  })
}

resource "aws_iam_role_policy" "iam_and_s3" {
  name = "iam-and-s3"
  role = "r"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = ["iam:*", "s3:*"], Resource = "*" }] })
}
"""


def test_a_statement_of_every_iam_action_on_every_resource_is_one_full_iam_finding() -> None:
    findings = _hcl(FULL_IAM).findings
    by_rule = {f.rule_id: f for f in _iam(findings, "aws_iam_role_policy.iam")}
    # statement 1 (credentials on "*") keeps its own findings; statement 0's are facets of TFR-AWS-253
    assert set(by_rule) == {"TFR-AWS-253", "TFR-AWS-032", "TFR-AWS-243", "TFR-AWS-246"}
    full = by_rule["TFR-AWS-253"]
    assert full.message.startswith('statement 0 allows every IAM action ("IAM:*") — also ')
    for rule_id in ("TFR-AWS-244", "TFR-AWS-245", "TFR-AWS-246", "TFR-AWS-032"):
        assert f"{rule_id}: " in full.message, rule_id
        assert FACETS[rule_id] in full.references
    assert 'TFR-AWS-032: statement 0 allows IAM:*, iam:PassRole on "*"' in full.message
    assert by_rule["TFR-AWS-032"].message == 'statement 1 allows sts:AssumeRole on "*"'
    assert by_rule["TFR-AWS-246"].message.startswith("statement 1 allows")
    # IAM and S3 in one statement: two causes, no fold
    mixed = {f.rule_id for f in _iam(findings, "aws_iam_role_policy.iam_and_s3")}
    assert {"TFR-AWS-253", "TFR-AWS-244", "TFR-AWS-247", "TFR-AWS-032"} <= mixed
    assert all(" — also " not in f.message for f in _iam(findings, "aws_iam_role_policy.iam_and_s3"))


def test_every_iam_rule_keeps_apart_the_statements_of_the_rules_that_subsume_it() -> None:
    """The statements a rule's hit keeps apart are those of the rules that subsume it, and of no other (ADR 0730)."""
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            ],
        }
    )
    policy = Resource("aws_iam_policy.p", "aws_iam_policy", "p", {"policy": text})
    rules = load_rules()
    for rule in rules:
        if rule.id not in FACETS:
            continue
        assert rule.check is not None
        hits = list(rule.check(policy, Snapshot([policy])))
        assert hits, rule.id
        kept_apart = {leader for hit in hits for leader, _, _ in hit.apart}
        assert kept_apart == {other.id for other in rules if rule.id in other.subsumes}, rule.id


def test_the_demo_summary_counts_the_statement_once(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo's `aws_iam_policy.deploy` gave eight introduced findings (one critical, three high, four medium) of
    the 20 the README's demo command reported: now one critical of 13."""
    demo = ROOT / "examples/demo"
    assert main(["scan", str(demo / "plan.json"), "--source", str(demo), "--soft-fail"]) == 0
    out = capsys.readouterr().out
    assert "Summary: 13 introduced (2 critical, 2 high, 2 medium, 6 low, 1 info), 13 existing" in out
    assert out.count("aws_iam_policy.deploy") == 1
