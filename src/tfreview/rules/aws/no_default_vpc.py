"""The default VPC managed by Terraform."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield Hit("", "the configuration manages (and, if missing, creates) the region's default VPC")


RULE = Rule(
    id="TFR-AWS-055",
    long_id="aws-no-default-vpc",
    title="Configuration uses the default VPC",
    severity=Severity.LOW,
    provider="aws",
    category="networking",
    resource_types=("aws_default_vpc",),
    remediation="Create a dedicated `aws_vpc` with private subnets and deliberate routing; delete the default VPC "
    "in each region you use. If `aws_default_vpc` is there only to lock the default VPC down, suppress this rule "
    "for that resource with a reason.",
    description="LOW: the default VPC comes with public subnets that assign public IPs and a route to an internet "
    "gateway, so anything placed in it is exposed by default. Managing it is not itself an exposure (the "
    "resources put in it are), hence LOW. `aws_default_vpc` adopts the default VPC and recreates it when "
    "missing.",
    references=References(checkov=("CKV_AWS_148",), trivy=("AVD-AWS-0101", "aws-ec2-no-default-vpc")),
    check=check,
)
