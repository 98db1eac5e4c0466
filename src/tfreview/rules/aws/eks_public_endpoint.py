"""EKS cluster API endpoints are not public."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

PATH = "vpc_config.0.endpoint_public_access"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    public = resource.get(PATH)
    if public is None or public is True:  # absent means the AWS default, which is public
        shown = "by default" if public is None else "endpoint_public_access = true"
        yield Hit(PATH, f"the Kubernetes API endpoint is reachable from the internet ({shown})")


RULE = Rule(
    id="TFR-AWS-040",
    long_id="aws-eks-no-public-endpoint",
    title="EKS cluster API endpoint is publicly accessible",
    severity=Severity.HIGH,
    provider="aws",
    category="networking",
    resource_types=("aws_eks_cluster",),
    remediation="Set `endpoint_private_access = true` and `endpoint_public_access = false` in `vpc_config`, and "
    "reach the API through the VPC (VPN, bastion, CI runners inside the VPC).",
    description="`endpoint_public_access` defaults to true: the Kubernetes API server answers from anywhere "
    "and only its authentication stands between the internet and the cluster, so a leaked kubeconfig token or "
    "an API-server flaw is directly exploitable. HIGH. If public access is needed, TFR-AWS-041 checks that "
    "`public_access_cidrs` narrows it.",
    references=("CKV_AWS_39", "AVD-AWS-0040", "aws-eks-no-public-cluster-access"),
    check=check,
)
