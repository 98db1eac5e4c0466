"""S3 public access blocks set `restrict_public_buckets = true`."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.s3_buckets import PUBLIC_ACCESS_BLOCKS, access_block_flag


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield from access_block_flag(
        resource,
        "restrict_public_buckets",
        "restrict access under a public bucket policy to AWS services and the owner account",
    )


RULE = Rule(
    id="TFR-AWS-006",
    long_id="aws-s3-restrict-public-buckets",
    title="S3 public access block does not restrict public buckets",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=PUBLIC_ACCESS_BLOCKS,
    remediation="Set `restrict_public_buckets = true` in the `aws_s3_bucket_public_access_block` (or account-wide in "
    "`aws_s3_account_public_access_block`); keep it false only for a bucket meant to be public, with "
    "a suppression that says why.",
    description="Without it, a bucket policy that is already public keeps serving anonymous and cross-account "
    "requests; with it, only AWS service principals and the owner account get through. "
    "Checked on bucket and account public access blocks; a setting left out defaults to false. MEDIUM: "
    "the block is a safety net against a public ACL or policy, not an exposure by itself (those have "
    "their own HIGH and CRITICAL rules).",
    references=References(checkov=("CKV_AWS_56",), trivy=("AVD-AWS-0093", "aws-s3-no-public-buckets")),
    check=check,
)
