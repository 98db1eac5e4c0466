"""Medium and low findings that said something false about the resource (r16-signal, issue 12 §3).

Found by judging a seeded sample of the medium/low findings on the shared fixtures
(benchmarks/medlow_findings.py): each case below was reported on real material and is wrong by the provider's
documentation, while the case next to it, where the finding is true, is still reported.
"""

from __future__ import annotations

import pytest

from tfreview.core.findings import Finding, Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

RULES = load_rules()


def _findings(hcl: str) -> dict[tuple[str, str], Finding]:
    result = review(changeset_from_sources({"main.tf": hcl}, label="t"), RULES, Policy())
    return {(f.rule_id, f.address): f for f in result.findings if f.status is not Status.RESOLVED}


def _cluster(extra: str) -> str:
    return (
        'resource "aws_rds_cluster" "c" {\n  cluster_identifier = "c"\n  engine = "aurora-mysql"\n'
        f'  master_username = "app"\n  manage_master_user_password = true\n{extra}}}\n'
    )


@pytest.mark.parametrize("extra", ["", "  storage_encrypted = false\n"], ids=["unset", "off"])
def test_an_unencrypted_cluster_is_not_said_to_use_the_aws_managed_key(extra: str) -> None:
    """`storage_encrypted` defaults to false for a provisioned cluster (AWS provider documentation,
    `aws_rds_cluster`): its storage uses no key at all, which TFR-AWS-021 reports; "storage uses the AWS-managed
    key" was false."""
    assert ("TFR-AWS-206", "aws_rds_cluster.c") not in _findings(_cluster(extra))


@pytest.mark.parametrize("extra", ["  storage_encrypted = true\n", '  engine_mode = "serverless"\n'])
def test_an_encrypted_cluster_without_a_key_of_its_own_is_still_reported(extra: str) -> None:
    """Encrypted on request, or by default in serverless mode: without `kms_key_id` the key is `aws/rds`."""
    assert ("TFR-AWS-206", "aws_rds_cluster.c") in _findings(_cluster(extra))


def _instance(instance_type: str) -> str:
    return f'resource "aws_instance" "i" {{\n  ami = "ami-12345"\n  instance_type = "{instance_type}"\n}}\n'


@pytest.mark.parametrize("instance_type", ["t3.micro", "m5.large", "c7g.xlarge", "t2.micro", "m3.medium", "c3.8xlarge"])
def test_an_instance_type_ebs_optimized_by_default_or_never_is_not_reported(instance_type: str) -> None:
    """EC2 User Guide, "Amazon EBS-optimized instance types": current types are EBS-optimized by default (the
    setting has no effect), and some types cannot be (`ebs_optimized = true` fails on a t2.micro)."""
    assert ("TFR-AWS-201", "aws_instance.i") not in _findings(_instance(instance_type))


@pytest.mark.parametrize("instance_type", ["m3.xlarge", "c3.2xlarge", "r3.xlarge", "i2.4xlarge", "m1.large"])
def test_a_type_that_supports_ebs_optimization_but_has_it_off_by_default_is_reported(instance_type: str) -> None:
    assert ("TFR-AWS-201", "aws_instance.i") in _findings(_instance(instance_type))


def _policy(actions: str) -> str:
    return (
        'resource "aws_iam_policy" "p" {\n  name = "p"\n  policy = jsonencode({ Version = "2012-10-17", '
        f'Statement = [{{ Effect = "Allow", Action = {actions}, Resource = "*" }}] }})\n}}\n'
    )


@pytest.mark.parametrize(
    "actions", ['["xray:GetSamplingStatisticSummaries"]', '"ec2:DescribeInstances"', '["EC2:describeregions"]']
)
def test_read_and_list_actions_the_reference_grants_only_on_star_are_not_restrictable(actions: str) -> None:
    """The Service Authorization Reference names no resource type for these Read/List actions: "*" is the only
    resource they take, so TFR-AWS-032 has nothing to ask (terraform-aws-lambda's examples were told to
    restrict `xray:GetSamplingStatisticSummaries`). Its exact table knew only a handful of such names."""
    assert ("TFR-AWS-032", "aws_iam_policy.p") not in _findings(_policy(actions))


def test_a_pattern_that_reaches_one_restrictable_action_is_still_reported() -> None:
    """`ec2:Describe*` reaches DescribeInstanceAttribute, which the reference lets limit to an instance."""
    found = _findings(_policy('["ec2:Describe*", "xray:GetSamplingStatisticSummaries", "logs:DescribeLogStreams"]'))
    assert found["TFR-AWS-032", "aws_iam_policy.p"].message == (
        'statement 0 allows ec2:Describe*, logs:DescribeLogStreams on "*"'
    )
