"""S3 buckets write server access logs."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.s3_buckets import BUCKET, configurations, inline, is_log_target


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if configurations(resource, snapshot, "aws_s3_bucket_logging") != [] or inline(resource, "logging") is not None:
        return
    if is_log_target(resource, snapshot):
        return  # the bucket holds access logs itself: logging it would only log the log delivery
    yield Hit("", "no aws_s3_bucket_logging refers to this bucket and it has no inline `logging` block")


RULE = Rule(
    id="TFR-AWS-010",
    long_id="aws-s3-bucket-access-logging",
    title="S3 bucket access logging is not enabled",
    severity=Severity.LOW,
    provider="aws",
    category="logging",
    resource_types=(BUCKET,),
    remediation="Add an `aws_s3_bucket_logging` with `bucket = aws_s3_bucket.<name>.id`, a `target_bucket` "
    "that collects access logs and a `target_prefix` (AWS provider < 4: an inline `logging` block).",
    description="Server access logs record every request to the bucket: without them an incident "
    "cannot be traced to who read or changed what. LOW: it costs visibility, it exposes nothing. A bucket "
    "passes with a linked `aws_s3_bucket_logging` or an inline `logging` block. A bucket that itself "
    "receives access logs (ACL `log-delivery-write`, or named as `target_bucket` of a logging "
    "configuration) is exempt, as in Trivy; Checkov flags it. A logging resource whose `bucket` may be "
    "this one but is known only after apply keeps the rule silent.",
    references=References(checkov=("CKV_AWS_18",), trivy=("AVD-AWS-0089", "aws-s3-enable-bucket-logging")),
    check=check,
)
