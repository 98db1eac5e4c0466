"""S3 buckets send event notifications."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.s3_buckets import configurations

NOTIFICATION = "aws_s3_bucket_notification"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if configurations(resource, snapshot, NOTIFICATION) == []:
        yield Hit("", "no aws_s3_bucket_notification refers to this bucket: object changes notify nobody")


RULE = Rule(
    id="TFR-AWS-250",
    long_id="aws-s3-bucket-event-notifications",
    title="S3 bucket has no event notifications",
    severity=Severity.INFO,
    provider="aws",
    category="logging",
    resource_types=("aws_s3_bucket",),
    remediation="Add an `aws_s3_bucket_notification` with `bucket = aws_s3_bucket.<name>.id` sending the events "
    "that matter (`s3:ObjectRemoved:*`, `s3:ObjectCreated:*`) to SNS, SQS, Lambda or EventBridge "
    "(`eventbridge = true`).",
    description="Event notifications let deletions and unexpected writes be noticed and acted upon as they happen. "
    "A bucket notifies nobody unless an `aws_s3_bucket_notification` names it (AWS provider documentation). INFO: "
    "whether a bucket needs them depends on what it holds; it is reported so that the choice is made, not forgotten. "
    "Linked by reference or by bucket name, through an index built once per review.",
    references=References(checkov=("CKV2_AWS_62",), trivy=()),
    check=check,
)
