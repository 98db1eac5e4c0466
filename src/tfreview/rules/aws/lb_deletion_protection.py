"""Load balancers without deletion protection."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("enable_deletion_protection") is not True:
        yield Hit("enable_deletion_protection", "deletion protection is off for the load balancer")


RULE = Rule(
    id="TFR-AWS-046",
    long_id="aws-lb-deletion-protection",
    title="Load balancer has deletion protection disabled",
    severity=Severity.LOW,
    provider="aws",
    category="general",
    resource_types=("aws_lb", "aws_alb"),
    remediation="Set `enable_deletion_protection = true` (turn it off in a separate change before a planned teardown).",
    description="LOW: without deletion protection a mistaken `terraform destroy`, console click or API call "
    "removes the load balancer and its DNS name at once, taking the service offline; it is an availability "
    "safeguard, not a confidentiality one. The provider default is false.",
    references=("CKV_AWS_150",),
    check=check,
)
