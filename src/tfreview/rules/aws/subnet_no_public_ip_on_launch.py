"""Subnets that give every instance a public IP address."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if terraform_bool(resource.get("map_public_ip_on_launch")) is True:
        yield Hit("map_public_ip_on_launch", "instances launched in the subnet get a public IP address", True)


RULE = Rule(
    id="TFR-AWS-054",
    long_id="aws-subnet-no-public-ip-on-launch",
    title="Subnet assigns public IP addresses on launch",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=("aws_subnet",),
    remediation="Set `map_public_ip_on_launch = false` (the default) and give public addresses only where needed: "
    "`associate_public_ip_address` on the instance, an Elastic IP, or a load balancer in front.",
    description="MEDIUM: every instance launched in the subnet becomes reachable from the internet, guarded only by "
    "its security groups, including instances nobody meant to expose. Security groups and NACLs still filter "
    "the traffic, hence not HIGH. Only an explicit `true` is flagged.",
    references=References(checkov=("CKV_AWS_130",), trivy=("AVD-AWS-0164", "aws-ec2-no-public-ip-subnet")),
    check=check,
)
