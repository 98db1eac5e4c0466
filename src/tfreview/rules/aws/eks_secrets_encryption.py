"""EKS clusters encrypt Kubernetes secrets with a KMS key."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for index in range(len(resource.blocks("encryption_config"))):
        kinds = resource.get(f"encryption_config.{index}.resources")
        if kinds is UNKNOWN or (isinstance(kinds, list) and "secrets" in kinds):
            return
    yield Hit("encryption_config", "no encryption_config covers the cluster's Kubernetes secrets")


RULE = Rule(
    id="TFR-AWS-042",
    long_id="aws-eks-secrets-encryption",
    title="EKS cluster does not encrypt Kubernetes secrets with KMS",
    severity=Severity.MEDIUM,
    provider="aws",
    category="encryption",
    resource_types=("aws_eks_cluster",),
    remediation='Add `encryption_config { resources = ["secrets"] provider { key_arn = aws_kms_key.eks.arn } }`.',
    description="Without envelope encryption, Secrets are stored in etcd protected only by the EBS-level "
    "encryption AWS applies; with a KMS key, reading them also needs `kms:Decrypt`, and every use is logged. "
    "MEDIUM: etcd is not reachable by tenants, so this is defence in depth for the most sensitive objects in "
    "the cluster.",
    references=References(checkov=("CKV_AWS_58",), trivy=("AVD-AWS-0039", "aws-eks-encrypt-secrets")),
    check=check,
)
