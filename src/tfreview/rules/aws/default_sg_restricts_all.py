"""The VPC's default security group allows no traffic at all."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

DEFAULT_SG = "aws_default_security_group"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == "aws_vpc":
        if not snapshot.linked(resource, DEFAULT_SG, "vpc_id") and not snapshot.memo(
            ("TFR-AWS-016", "unlinked default groups", *resource.condition), lambda: _unlinked(resource, snapshot)
        ):
            yield Hit(
                "default_security_group_id",
                "no `aws_default_security_group` manages this VPC's default group: AWS creates it allowing all "
                "traffic between its members and all egress",
                unset=True,
            )
        return
    for direction in ("ingress", "egress"):
        rules = resource.get(direction)
        if isinstance(rules, list) and rules:
            yield Hit(direction, f"the default security group has {len(rules)} {direction} rule(s)", len(rules))


def _unlinked(vpc: Resource, snapshot: Snapshot) -> bool:
    """A managed default group whose VPC is unknown and refers to no VPC we see (a module variable): it may
    be any VPC's."""
    return any(
        sg.get("vpc_id") is UNKNOWN and not any(".aws_vpc." in f".{ref}" for ref in sg.refs("vpc_id"))
        for sg in snapshot.present_with(vpc, DEFAULT_SG)
    )


RULE = Rule(
    id="TFR-AWS-016",
    long_id="aws-default-sg-restricts-all",
    title="Default security group of a VPC allows traffic",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=("aws_default_security_group", "aws_vpc"),
    remediation="Declare `aws_default_security_group` with no `ingress` and no `egress` blocks (Terraform then "
    "removes every rule) and attach purpose-built security groups to your resources instead.",
    description="Anything launched in the VPC without an explicit security group lands in the default one, "
    "so rules on it grant access silently; CIS AWS 5.4 asks for it to allow nothing. MEDIUM: the default "
    "rules (all traffic from group members, all egress) are not an internet exposure by themselves; an "
    "ingress from 0.0.0.0/0 on it is also reported by TFR-AWS-012..015. A managed "
    "`aws_default_security_group` is judged by its rules; an `aws_vpc` whose default group no "
    "`aws_default_security_group` of the configuration manages keeps the group AWS creates with every VPC "
    "(all traffic from its members, all egress: the AWS default) and is flagged as not set.",
    references=References(checkov=("CKV2_AWS_12",), trivy=("AVD-AWS-0173",)),
    check=check,
    defaults=(("default_security_group_id", "no aws_default_security_group: all traffic from members, all egress"),),
)
