"""An IAM user is a long-term identity: people should come in through federation (IAM Identity Center)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

# hits are frozen: every user shares this one (ADR 0449)
_HIT = Hit(
    "",
    "an IAM user is a long-term identity: its password and access keys stay valid until someone rotates or "
    "deletes them",
)


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield _HIT


RULE = Rule(
    id="TFR-AWS-256",
    long_id="aws-iam-user-long-term-identity",
    title="IAM user defined instead of federated access or a role",
    severity=Severity.LOW,
    provider="aws",
    category="iam",
    resource_types=("aws_iam_user",),
    remediation="Give people access through IAM Identity Center (SSO) or another identity provider federated into "
    "IAM roles, and workloads through roles (instance profiles, IRSA/Pod Identity, OIDC federation for CI). Keep an "
    "IAM user only for what cannot assume a role, and suppress the finding there with the reason.",
    description="AWS's IAM security best practices ask that human users reach AWS through federation with an "
    "identity provider and workloads through IAM roles, both with temporary credentials. An IAM user instead holds "
    "long-term credentials (a console password, up to two access keys) that are valid until rotated or deleted, "
    "live outside the company's identity provider (no joiner/leaver process, no central MFA policy) and leak "
    "through laptops, CI variables and repositories. Every `aws_iam_user` is reported, whatever it is given: the "
    "user is the long-term identity, its credentials may be created outside Terraform. Low: a design choice to "
    "review, not an exposure in itself; suppress it for the break-glass or third-party user that truly needs one.",
    references=References(checkov=("CKV_AWS_273", "CKV2_AWS_22")),
    check=check,
)
