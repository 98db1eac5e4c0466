"""EC2 instances are not given a public IP address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")  # launch templates use strings


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == "aws_launch_template":
        for index, _ in enumerate(resource.blocks("network_interfaces")):
            path = f"network_interfaces.{index}.associate_public_ip_address"
            if _true(resource.get(path)):
                yield Hit(path, f"network interface #{index + 1} gets a public IP address")
    elif _true(resource.get("associate_public_ip_address")):
        yield Hit("associate_public_ip_address", "the instance gets a public IP address")


RULE = Rule(
    id="TFR-AWS-026",
    long_id="aws-ec2-no-public-ip",
    title="EC2 instance is given a public IP address",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=("aws_instance", "aws_launch_template", "aws_launch_configuration"),
    remediation="Set `associate_public_ip_address = false`, run the instance in a private subnet and publish "
    "it through a load balancer; reach it for administration with SSM Session Manager.",
    description="A public IP makes the instance directly reachable from the internet, leaving its security "
    "group as the only barrier. MEDIUM: the address alone opens no port (the public-ingress rules "
    "TFR-AWS-012..015 catch those). Only an explicit true is flagged; when unset, the subnet's "
    "`map_public_ip_on_launch` decides, which this rule does not follow.",
    references=References(checkov=("CKV_AWS_88",), trivy=("AVD-AWS-0009",)),
    check=check,
)
