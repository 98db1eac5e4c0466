"""S3 buckets replicate to another region."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.s3_buckets import configurations, inline

REPLICATION = "aws_s3_bucket_replication_configuration"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if inline(resource, "replication_configuration") is not None:
        return  # inline replication (AWS provider < 4), or a dynamic block we cannot read
    if configurations(resource, snapshot, REPLICATION) == []:
        yield Hit("", "no replication configuration: the bucket's objects exist in one region only")


RULE = Rule(
    id="TFR-AWS-251",
    long_id="aws-s3-bucket-replication",
    title="S3 bucket is not replicated to another region",
    severity=Severity.LOW,
    provider="aws",
    category="backup",
    resource_types=("aws_s3_bucket",),
    remediation="Add an `aws_s3_bucket_replication_configuration` (with versioning on both buckets) that replicates "
    "to a bucket in another region, for buckets whose data must survive a regional outage or a deletion.",
    description="Replication keeps a copy of each object in another bucket, usually in another region, so a regional "
    "outage or a mistaken deletion in one place does not lose the data. A bucket is not replicated unless an "
    "`aws_s3_bucket_replication_configuration` (or, before provider v4, an inline `replication_configuration`) "
    "says so (AWS provider documentation). A replication configuration that names the bucket as its source counts. "
    "LOW: many buckets hold data that can be rebuilt.",
    references=References(checkov=("CKV_AWS_144",), trivy=()),
    check=check,
)
