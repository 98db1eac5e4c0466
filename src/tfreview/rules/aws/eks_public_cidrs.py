"""A public EKS endpoint is not open to the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

PATH = "vpc_config.0.public_access_cidrs"
_WORLD = ("0.0.0.0/0", "::/0")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("vpc_config.0.endpoint_public_access") not in (None, True):
        return  # private endpoint (or not known yet): no public CIDRs to judge
    cidrs = resource.get(PATH)
    if cidrs is None or cidrs == []:
        yield Hit(PATH, "public_access_cidrs is not set, so the public endpoint accepts 0.0.0.0/0")
    elif isinstance(cidrs, list) and any(cidr in _WORLD for cidr in cidrs):
        yield Hit(PATH, "public_access_cidrs lets the whole internet reach the public endpoint")


RULE = Rule(
    id="TFR-AWS-041",
    long_id="aws-eks-no-public-cidr",
    title="EKS public endpoint is open to 0.0.0.0/0",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=("aws_eks_cluster",),
    remediation="Set `public_access_cidrs` in `vpc_config` to the ranges that need the API (office, VPN, CI "
    "egress), or disable the public endpoint.",
    description="With the public endpoint on, `public_access_cidrs` defaults to 0.0.0.0/0. MEDIUM: the "
    "exposure itself is TFR-AWS-040 (HIGH); this rule says whether it is narrowed. In a plan an unset "
    "`public_access_cidrs` is known only after apply, so this rule speaks only when the CIDRs are written "
    "(HCL, or a plan that sets them); TFR-AWS-040 still reports the public endpoint.",
    references=("CKV_AWS_38", "AVD-AWS-0041", "aws-eks-no-public-cluster-access-to-cidr"),
    check=check,
)
