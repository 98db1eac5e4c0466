"""No security-group egress of all traffic to the whole internet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

_WORLD = ("0.0.0.0/0", "::/0")
_ALL = ("-1", "all", -1)


def _world(block: Mapping[str, Any], *keys: str) -> list[str]:
    found: list[str] = []
    for key in keys:
        value = block.get(key)
        values = value if isinstance(value, list) else [value]
        found += [v for v in values if v in _WORLD]
    return found


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == "aws_security_group":
        for index, block in enumerate(resource.blocks("egress")):
            world = _world(block, "cidr_blocks", "ipv6_cidr_blocks")
            if block.get("protocol") in _ALL and world:
                yield Hit(f"egress.{index}.protocol", f"egress rule {index} allows all traffic to {', '.join(world)}")
        return
    if resource.type == "aws_security_group_rule":
        if resource.get("type") != "egress":
            return
        path, world = "protocol", _world(resource.values, "cidr_blocks", "ipv6_cidr_blocks")
    else:  # aws_vpc_security_group_egress_rule
        path, world = "ip_protocol", _world(resource.values, "cidr_ipv4", "cidr_ipv6")
    if world and resource.get(path) in _ALL:
        yield Hit(path, f"the rule allows all traffic to {', '.join(world)}")


RULE = Rule(
    id="TFR-AWS-248",
    long_id="aws-sg-no-unrestricted-egress",
    title="Security group allows all outbound traffic to the internet",
    severity=Severity.LOW,
    provider="aws",
    category="networking",
    resource_types=("aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_egress_rule"),
    remediation="Allow only the destinations and ports the workload calls (443 to the internet or to VPC endpoints, "
    "the database port to the database's security group), or route outbound traffic through a filtering proxy.",
    description="Egress of every protocol and port to 0.0.0.0/0 or ::/0 lets a compromised workload send data "
    "anywhere and reach command-and-control servers on any port. LOW: it is the AWS default for a new security "
    "group and rarely the only control (NAT, network firewalls); the finding asks to narrow it. Inline `egress` "
    "blocks of `aws_security_group`, `aws_security_group_rule` of type egress and "
    "`aws_vpc_security_group_egress_rule` are checked; a block with protocol `-1` counts whatever its ports say.",
    references=References(checkov=("CKV_AWS_382",), trivy=("AVD-AWS-0104", "aws-ec2-no-public-egress-sgr")),
    check=check,
)
