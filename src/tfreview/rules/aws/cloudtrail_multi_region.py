"""CloudTrail trails record every region."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("is_multi_region_trail") is not True:
        yield Hit("is_multi_region_trail", "the trail records only the region it is created in")


RULE = Rule(
    id="TFR-AWS-036",
    long_id="aws-cloudtrail-multi-region",
    title="CloudTrail trail is not multi-region",
    severity=Severity.MEDIUM,
    provider="aws",
    category="logging",
    resource_types=("aws_cloudtrail",),
    remediation="Set `is_multi_region_trail = true` (and keep `include_global_service_events = true`).",
    description="The Terraform resource defaults to a single-region trail, unlike the console. Attackers "
    "favour regions nobody watches (crypto-mining fleets, persistence), and API calls there would go "
    "unrecorded. MEDIUM: it blinds detection and forensics rather than exposing anything (CIS AWS 3.1).",
    references=("CKV_AWS_67", "AVD-AWS-0014"),
    check=check,
)
