"""CloudTrail logs are encrypted with a customer-managed KMS key."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    key = resource.get("kms_key_id")
    if key is None or key == "":  # unknown means a key is set, only not created yet
        yield Hit("kms_key_id", "the trail's log files are encrypted with S3-managed keys only")


RULE = Rule(
    id="TFR-AWS-038",
    long_id="aws-cloudtrail-kms-encryption",
    title="CloudTrail logs are not encrypted with a KMS key",
    severity=Severity.LOW,
    provider="aws",
    category="encryption",
    resource_types=("aws_cloudtrail",),
    remediation="Set `kms_key_id` to the ARN of a customer-managed key whose policy lets "
    "`cloudtrail.amazonaws.com` encrypt and only the security team decrypt.",
    description="Log files are always encrypted at rest with SSE-S3; a KMS key adds a second permission "
    "(`kms:Decrypt`) between anyone with read access to the bucket and the account's audit trail, plus its "
    "own audit record (CIS AWS 3.7). LOW, because the logs are already encrypted and the bucket policy is "
    "the first line of defence.",
    references=References(
        checkov=("CKV_AWS_35",), trivy=("AVD-AWS-0015", "aws-cloudtrail-encryption-customer-managed-key")
    ),
    check=check,
)
