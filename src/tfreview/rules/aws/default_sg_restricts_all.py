"""The VPC's default security group allows no traffic at all."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for direction in ("ingress", "egress"):
        rules = resource.get(direction)
        if isinstance(rules, list) and rules:
            yield Hit(direction, f"the default security group has {len(rules)} {direction} rule(s)", len(rules))


RULE = Rule(
    id="TFR-AWS-016",
    long_id="aws-default-sg-restricts-all",
    title="Default security group of a VPC allows traffic",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=("aws_default_security_group",),
    remediation="Declare `aws_default_security_group` with no `ingress` and no `egress` blocks (Terraform then "
    "removes every rule) and attach purpose-built security groups to your resources instead.",
    description="Anything launched in the VPC without an explicit security group lands in the default one, "
    "so rules on it grant access silently; CIS AWS 5.4 asks for it to allow nothing. MEDIUM: the default "
    "rules (all traffic from group members, all egress) are not an internet exposure by themselves; an "
    "ingress from 0.0.0.0/0 on it is also reported by TFR-AWS-012..015. Only a default security group "
    "managed by this configuration is checked: unlike Checkov's CKV2_AWS_12, a VPC whose default group is "
    "not under Terraform is not flagged, since the plan cannot say what that group allows.",
    references=References(checkov=("CKV2_AWS_12",), trivy=("AVD-AWS-0173",)),
    check=check,
)
