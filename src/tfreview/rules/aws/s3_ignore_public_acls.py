"""S3 public access blocks set `ignore_public_acls = true`."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.s3_buckets import PUBLIC_ACCESS_BLOCKS, access_block_flag


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield from access_block_flag(
        resource, "ignore_public_acls", "ignore public ACLs already on the bucket and its objects"
    )


RULE = Rule(
    id="TFR-AWS-005",
    long_id="aws-s3-ignore-public-acls",
    title="S3 public access block does not ignore public ACLs",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=PUBLIC_ACCESS_BLOCKS,
    remediation="Set `ignore_public_acls = true` in the `aws_s3_bucket_public_access_block` (or account-wide in "
    "`aws_s3_account_public_access_block`); keep it false only for a bucket meant to be public, with "
    "a suppression that says why.",
    description="Blocking new public ACLs leaves the ones already there in force; ignoring them makes S3 disregard "
    "every public ACL on the bucket and its objects, including those set before the block. "
    "Checked on bucket and account public access blocks; a setting left out defaults to false. MEDIUM: "
    "the block is a safety net against a public ACL or policy, not an exposure by itself (those have "
    "their own HIGH and CRITICAL rules).",
    references=References(checkov=("CKV_AWS_55",), trivy=("AVD-AWS-0091", "aws-s3-ignore-public-acls")),
    check=check,
)
