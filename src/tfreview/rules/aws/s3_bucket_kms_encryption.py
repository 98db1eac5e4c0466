"""S3 buckets encrypt new objects with KMS by default."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN
from tfreview.rules.support.s3_buckets import BUCKET, buckets_of, configurations, inline, is_log_target, on_bucket

SSE = "aws_s3_bucket_server_side_encryption_configuration"
SSE_BLOCK = "server_side_encryption_configuration"
ALGORITHM = "rule.{}.apply_server_side_encryption_by_default.0.sse_algorithm"
KMS = ("aws:kms", "aws:kms:dsse", UNKNOWN)  # an algorithm known only after apply is never blamed


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == SSE:
        rules = resource.get("rule")
        count = len(rules) if isinstance(rules, list) else 0
        algorithms = [resource.get(ALGORITHM.format(i)) for i in range(count)]
        if rules is UNKNOWN or any(a in KMS for a in algorithms):
            return
        if not any(is_log_target(bucket, snapshot) for bucket in buckets_of(resource, snapshot)):
            shown = repr(algorithms[0]) if algorithms and algorithms[0] else "not set"
            hit = Hit(ALGORITHM.format(0) if count else "rule", f"default encryption is {shown}, not aws:kms")
            yield from on_bucket(resource, snapshot, (hit,))  # on the bucket it names, as ADR 0210 (ADR 0280)
        return
    if configurations(resource, snapshot, SSE) != [] or is_log_target(resource, snapshot):
        return  # configured by its own resource, checked there; log buckets cannot use SSE-KMS
    block = inline(resource, SSE_BLOCK)
    algorithm = block if block is UNKNOWN else resource.get(f"{SSE_BLOCK}.0.{ALGORITHM.format(0)}") if block else None
    if algorithm not in KMS:
        shown = f"inline sse_algorithm is {algorithm!r}" if algorithm else "default encryption is SSE-S3 (AES256)"
        yield Hit("", f"no KMS default encryption: {shown}", algorithm)


RULE = Rule(
    id="TFR-AWS-009",
    long_id="aws-s3-bucket-kms-encryption",
    title="S3 bucket is not encrypted with KMS by default",
    severity=Severity.LOW,
    provider="aws",
    category="encryption",
    resource_types=(BUCKET, SSE),
    remediation="Add an `aws_s3_bucket_server_side_encryption_configuration` for the bucket whose rule sets "
    '`sse_algorithm = "aws:kms"` and `kms_master_key_id` to a customer managed key, with '
    "`bucket_key_enabled = true` to cut KMS request costs.",
    description="Since January 2023 S3 encrypts every new object with S3-managed keys (SSE-S3), so the "
    "data is never stored in clear; SSE-KMS adds a key policy that decides who may decrypt, key-usage "
    "audit in CloudTrail and the ability to revoke access by disabling the key. LOW for that reason: it "
    "is defence in depth, not missing encryption. A bucket passes with a linked encryption configuration "
    "(checked itself; its finding is reported on the bucket it names when that bucket is in the "
    "configuration, ADR 0280) or an inline `server_side_encryption_configuration` using `aws:kms` or "
    "`aws:kms:dsse`. Buckets that receive server access logs are exempt: log delivery does not support "
    "SSE-KMS. Trivy's AVD-AWS-0132 further asks for a customer managed key id.",
    references=References(
        checkov=("CKV_AWS_145", "CKV_AWS_19"), trivy=("AVD-AWS-0132", "aws-s3-encryption-customer-key")
    ),
    check=check,
)
