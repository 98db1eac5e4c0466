"""ECR repositories whose image tags can be overwritten."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

IMMUTABLE = ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    mutability = resource.get("image_tag_mutability")
    if mutability not in IMMUTABLE:  # absent means the provider default, MUTABLE
        yield Hit("image_tag_mutability", "image tags in the repository can be overwritten", mutability or "MUTABLE")


RULE = Rule(
    id="TFR-AWS-051",
    long_id="aws-ecr-immutable-tags",
    title="ECR repository allows image tags to be overwritten",
    severity=Severity.LOW,
    provider="aws",
    category="general",
    resource_types=("aws_ecr_repository",),
    remediation='Set `image_tag_mutability = "IMMUTABLE"` (or `"IMMUTABLE_WITH_EXCLUSION"` with '
    "`image_tag_mutability_exclusion_filter` for tags such as `latest` that must move).",
    description="LOW: with mutable tags, anyone who can push may replace the image behind a tag that is already "
    "deployed or trusted (`v1.2.3`), so what runs may not be what was reviewed or scanned. Exploiting it needs "
    "push rights to the registry, and pinning deployments by digest already avoids it, hence LOW.",
    references=("CKV_AWS_51", "AVD-AWS-0031", "aws-ecr-enforce-immutable-repository"),
    check=check,
)
