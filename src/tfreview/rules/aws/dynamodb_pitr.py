"""DynamoDB tables without point-in-time recovery."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("point_in_time_recovery.0.enabled") is not True:
        yield Hit("point_in_time_recovery.0.enabled", "point-in-time recovery is not enabled on the table")


RULE = Rule(
    id="TFR-AWS-052",
    long_id="aws-dynamodb-pitr-enabled",
    title="DynamoDB table has point-in-time recovery disabled",
    severity=Severity.MEDIUM,
    provider="aws",
    category="backup",
    resource_types=("aws_dynamodb_table",),
    remediation="Add `point_in_time_recovery { enabled = true }` to the table.",
    description="MEDIUM: without point-in-time recovery a bad deploy, a buggy batch job or a malicious writer can "
    "corrupt or delete items with no way back to the state of a few minutes earlier; on-demand backups only "
    "cover the moments someone took one. It protects integrity and availability, not confidentiality, hence "
    "not higher. A missing block means disabled; plans from old providers that compute the block are skipped.",
    references=("CKV_AWS_28", "AVD-AWS-0024", "aws-dynamodb-enable-recovery"),
    check=check,
)
