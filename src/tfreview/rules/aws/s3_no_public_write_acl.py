"""No S3 bucket ACL that lets everyone, or every AWS account, write to the bucket."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.s3_buckets import on_bucket, public_grants


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield from on_bucket(resource, snapshot, _hits(resource))


def _hits(resource: Resource) -> Iterator[Hit]:
    acl = resource.get("acl")
    if acl == "public-read-write":
        yield Hit("acl", "the canned ACL 'public-read-write' lets anyone write, overwrite and delete objects", acl)
    yield from public_grants(resource, ("WRITE", "WRITE_ACP", "FULL_CONTROL"))


RULE = Rule(
    id="TFR-AWS-002",
    long_id="aws-s3-no-public-write-acl",
    title="S3 bucket ACL allows public write",
    severity=Severity.CRITICAL,
    provider="aws",
    category="networking",
    resource_types=("aws_s3_bucket", "aws_s3_bucket_acl"),
    remediation="Use the `private` ACL, or disable ACLs altogether with `object_ownership = "
    '"BucketOwnerEnforced"` in `aws_s3_bucket_ownership_controls`; give writers an IAM role or a '
    "bucket policy naming their principals.",
    description="With `public-read-write`, or a WRITE, WRITE_ACP or FULL_CONTROL grant to the AllUsers or "
    "AuthenticatedUsers group, anyone can upload, overwrite or delete objects (or rewrite the ACL): "
    "the bucket can host malware, be wiped, or run up the owner's bill. CRITICAL, one step above public "
    "read, because it loses integrity as well as confidentiality. Checked on `aws_s3_bucket` (AWS "
    "provider < 4: `acl`, `grant`) and `aws_s3_bucket_acl` (`acl`, `access_control_policy`); a finding on "
    "an `aws_s3_bucket_acl` is reported on the bucket it names when that bucket is in the configuration "
    "(ADR 0210).",
    references=References(checkov=("CKV_AWS_57",), trivy=("AVD-AWS-0092", "aws-s3-no-public-access-with-acl")),
    check=check,
)
