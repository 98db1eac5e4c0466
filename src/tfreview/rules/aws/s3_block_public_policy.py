"""S3 public access blocks set `block_public_policy = true`."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.s3_buckets import PUBLIC_ACCESS_BLOCKS, access_block_flag


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield from access_block_flag(resource, "block_public_policy", "reject bucket policies that grant public access")


RULE = Rule(
    id="TFR-AWS-004",
    long_id="aws-s3-block-public-policy",
    title="S3 public access block does not block public bucket policies",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=PUBLIC_ACCESS_BLOCKS,
    remediation="Set `block_public_policy = true` in the `aws_s3_bucket_public_access_block` (or account-wide in "
    "`aws_s3_account_public_access_block`); keep it false only for a bucket meant to be public, with "
    "a suppression that says why.",
    description="Without it, anyone with `s3:PutBucketPolicy` can attach a policy granting access to `*`, and S3 "
    "accepts it. "
    "Checked on bucket and account public access blocks; a setting left out defaults to false. MEDIUM: "
    "the block is a safety net against a public ACL or policy, not an exposure by itself (those have "
    "their own HIGH and CRITICAL rules).",
    references=References(checkov=("CKV_AWS_54",), trivy=("AVD-AWS-0087", "aws-s3-block-public-policy")),
    check=check,
)
