"""S3 buckets replicate to another region."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN
from tfreview.rules.support.s3_buckets import configurations, inline

REPLICATION = "aws_s3_bucket_replication_configuration"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    block = inline(resource, "replication_configuration")
    if block is not None:  # inline replication (AWS provider < 4), or a dynamic block we cannot read
        blocks = resource.blocks("replication_configuration")
        if block is not UNKNOWN and all(_disabled(config, "rules") for config in blocks):
            yield Hit("replication_configuration", "every replication rule is `Disabled`: nothing is replicated")
        return
    linked = configurations(resource, snapshot, REPLICATION)
    if linked == []:
        yield Hit("", "no replication configuration: the bucket's objects exist in one region only")
    elif linked and all(_disabled(config.values, "rule") for config in linked):
        shown = ", ".join(config.address for config in linked)
        yield Hit("", f"every rule of {shown} has status `Disabled`: nothing is replicated")


def _disabled(configuration: Mapping[str, Any], key: str) -> bool:
    """True when every rule of a replication configuration is known to be `Disabled` (the API's other status is
    `Enabled`; a rule whose status is unknown or not a string may replicate)."""
    rules = configuration.get(key)
    if not isinstance(rules, list) or not rules:
        return False
    return all(isinstance(rule, Mapping) and rule.get("status") == "Disabled" for rule in rules)


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
    "says so (AWS provider documentation). A replication configuration that names the bucket as its source counts, "
    'unless every one of its rules has `status = "Disabled"` (S3 then replicates nothing). '
    "LOW: many buckets hold data that can be rebuilt.",
    references=References(checkov=("CKV_AWS_144",), trivy=()),
    check=check,
)
