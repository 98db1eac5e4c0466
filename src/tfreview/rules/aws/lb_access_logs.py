"""Application and network load balancers without access logs."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, not_a_bool, terraform_bool


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    kind = resource.get("load_balancer_type")
    if kind is UNKNOWN or kind == "gateway":  # gateway load balancers have no access logs
        return
    enabled = terraform_bool(resource.get("access_logs.0.enabled"))
    if enabled is not True and not not_a_bool(enabled):
        yield Hit("access_logs.0.enabled", "access logs are not enabled on the load balancer")


RULE = Rule(
    id="TFR-AWS-044",
    long_id="aws-lb-access-logs",
    title="Application or network load balancer has access logging disabled",
    severity=Severity.LOW,
    provider="aws",
    category="logging",
    resource_types=("aws_lb", "aws_alb"),
    remediation="Add an `access_logs` block with `bucket` (an S3 bucket whose policy lets the ELB service write) "
    "and `enabled = true`.",
    description="LOW: access logs do not prevent an attack, but without them there is no record of who called "
    "the load balancer, which hampers incident response and forensics. The provider leaves logging off unless "
    "`enabled = true`, even when `bucket` is set. Gateway load balancers cannot log and are skipped; a load "
    "balancer with no `load_balancer_type` is an application load balancer.",
    references=References(checkov=("CKV_AWS_91",)),
    check=check,
)
