"""S3 buckets have a lifecycle configuration."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.s3_buckets import configurations, inline

LIFECYCLE = "aws_s3_bucket_lifecycle_configuration"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if inline(resource, "lifecycle_rule") is not None or configurations(resource, snapshot, LIFECYCLE) != []:
        return  # an inline rule (AWS provider < 4), or a configuration resource (perhaps one whose link is unknown)
    yield Hit("", "no lifecycle configuration: objects, noncurrent versions and incomplete uploads are kept forever")


RULE = Rule(
    id="TFR-AWS-249",
    long_id="aws-s3-bucket-lifecycle",
    title="S3 bucket has no lifecycle configuration",
    severity=Severity.LOW,
    provider="aws",
    category="general",
    resource_types=("aws_s3_bucket",),
    remediation="Add an `aws_s3_bucket_lifecycle_configuration` with `bucket = aws_s3_bucket.<name>.id` that expires "
    "or transitions objects, expires noncurrent versions and aborts incomplete multipart uploads.",
    description="Without a lifecycle configuration nothing in the bucket ever expires: data kept for no purpose "
    "stays exposed, noncurrent versions and incomplete multipart uploads accumulate, and the bill grows. A bucket "
    "has no lifecycle rules unless they are written (AWS provider documentation: `aws_s3_bucket_lifecycle_"
    "configuration`, or an inline `lifecycle_rule` before provider v4). Linked by reference or by bucket name, "
    "through an index built once per review. LOW: hygiene, not exposure.",
    references=References(checkov=("CKV2_AWS_61",), trivy=()),
    check=check,
)
