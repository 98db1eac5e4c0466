"""Classic load balancers without access logs."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if not resource.blocks("access_logs"):
        yield Hit("access_logs", "the classic load balancer has no access_logs block")
    elif terraform_bool(resource.get("access_logs.0.enabled")) is False:  # the provider defaults `enabled` to true here
        yield Hit("access_logs.0.enabled", "access logs are switched off (enabled = false)", False)


RULE = Rule(
    id="TFR-AWS-045",
    long_id="aws-elb-access-logs",
    title="Classic load balancer has access logging disabled",
    severity=Severity.LOW,
    provider="aws",
    category="logging",
    resource_types=("aws_elb",),
    remediation="Add an `access_logs` block with `bucket` (an S3 bucket whose policy lets the ELB service write); "
    "leave `enabled` unset or true. Better still, migrate to an application or network load balancer.",
    description="LOW: access logs do not prevent an attack, but without them there is no record of who called "
    "the load balancer, which hampers incident response and forensics. Unlike `aws_lb`, the classic ELB's "
    "`access_logs.enabled` defaults to true, so only a missing block or an explicit `enabled = false` is flagged.",
    references=References(checkov=("CKV_AWS_92",)),
    check=check,
)
