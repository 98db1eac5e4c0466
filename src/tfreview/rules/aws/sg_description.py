"""Every security group and security-group rule says what it is for."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

PROVIDER_DEFAULT = "Managed by Terraform"  # what the AWS provider writes when `description` is omitted
# EC2-Classic groups (retired, removed in aws provider 5): a `description` with the same default, but `ingress`
# blocks that have no `description` argument at all, so only the group's own description is judged
CLASSIC_GROUPS = ("aws_db_security_group", "aws_elasticache_security_group", "aws_redshift_security_group")
GROUPS = ("aws_security_group", *CLASSIC_GROUPS)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", PROVIDER_DEFAULT))


# hits are frozen: every resource shares the same few (a scan makes hundreds of them)
_GROUP_HIT = Hit("description", "the security group has no description of its own")
_RULE_HIT = Hit("description", "the security group rule has no description of its own")


@lru_cache(maxsize=1024)
def _block_hit(direction: str, index: int) -> Hit:
    return Hit(f"{direction}.{index}.description", f"an {direction} rule has no description")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if _missing(resource.get("description")):
        yield _GROUP_HIT if resource.type in GROUPS else _RULE_HIT
    if resource.type != "aws_security_group":
        return
    for direction in ("ingress", "egress"):
        for index, _ in enumerate(resource.blocks(direction)):
            if _missing(resource.get(f"{direction}.{index}.description")):
                yield _block_hit(direction, index)


RULE = Rule(
    id="TFR-AWS-017",
    long_id="aws-sg-description",
    title="Security group or security group rule has no description",
    severity=Severity.LOW,
    provider="aws",
    category="networking",
    resource_types=(
        "aws_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        *CLASSIC_GROUPS,
    ),
    remediation="Set `description` on the security group and on every `ingress`/`egress` block or rule "
    "resource: who needs this access and why.",
    description="Descriptions make security groups auditable: a reviewer can tell a deliberate opening "
    "from a leftover. LOW: hygiene, no exposure by itself. The provider's default group description "
    f"`{PROVIDER_DEFAULT}` counts as missing, so an omitted description is flagged the same way in HCL "
    "(absent) and in a plan (the default filled in); Trivy does the same, whereas Checkov's CKV_AWS_23 "
    "passes any non-empty group description and then ignores the rules inside. Every block without a "
    "description is named in the one finding per direction. A rule open to the whole internet on every port "
    "is reported once, by TFR-AWS-014, with the missing description as one of its facets. The EC2-Classic DB, "
    "ElastiCache and Redshift security groups default their `description` the same way and are judged on it; "
    "their `ingress` blocks have no `description` argument (Checkov's CKV_AWS_23 fails them for it, which no "
    "configuration can satisfy), so they are not.",
    references=References(
        checkov=("CKV_AWS_23",), trivy=("AVD-AWS-0099", "AVD-AWS-0124", "aws-ec2-add-description-to-security-group")
    ),
    check=check,
)
