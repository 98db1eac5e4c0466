"""Every VPC has a flow log."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN


def _unresolved(flow_log: Resource) -> bool:
    """A flow log whose VPC is unknown and not named by a resource reference: it may well be ours."""
    return flow_log.get("vpc_id") is UNKNOWN and not flow_log.refs("vpc_id")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if snapshot.linked(resource, "aws_flow_log", "vpc_id"):
        return
    key = ("vpc-flow-logs", "unresolved", *resource.condition)
    if snapshot.memo(key, lambda: any(map(_unresolved, snapshot.present_with(resource, "aws_flow_log")))):
        return  # never conclude "missing" from a value Terraform does not know yet
    yield Hit("", "no aws_flow_log records this VPC's traffic")


RULE = Rule(
    id="TFR-AWS-039",
    long_id="aws-vpc-flow-logs",
    title="VPC has no flow log",
    severity=Severity.MEDIUM,
    provider="aws",
    category="logging",
    resource_types=("aws_vpc",),
    remediation='Add an `aws_flow_log` with `vpc_id = aws_vpc.<name>.id` and `traffic_type = "ALL"` (or at least '
    '"REJECT"), delivering to CloudWatch Logs or S3.',
    description="Flow logs are the only record of which addresses talked to what inside a VPC; without them "
    "an intrusion or exfiltration cannot be reconstructed (CIS AWS 3.9). MEDIUM: detection and forensics, not "
    "exposure. A flow log counts when its `vpc_id` refers to the VPC in the configuration or equals its id. "
    "Flow logs attached to subnets or interfaces only do not count. When some flow log's `vpc_id` is known only "
    "after apply and names no resource (a module input, say), the rule stays silent rather than guess.",
    references=References(checkov=("CKV2_AWS_11",), trivy=("AVD-AWS-0178",)),
    check=check,
)
