"""No S3 bucket ACL that lets everyone, or every AWS account, read the bucket."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.s3_buckets import on_bucket, public_grants

PUBLIC_READ_ACLS = ("public-read", "public-read-write", "authenticated-read")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield from on_bucket(resource, snapshot, _hits(resource))


def _hits(resource: Resource) -> Iterator[Hit]:
    acl = resource.get("acl")
    if acl in PUBLIC_READ_ACLS:
        yield Hit("acl", f"the canned ACL {acl!r} lets anyone list and read the bucket", acl)
    yield from public_grants(resource, ("READ", "FULL_CONTROL"))


RULE = Rule(
    id="TFR-AWS-001",
    long_id="aws-s3-no-public-read-acl",
    title="S3 bucket ACL allows public read",
    severity=Severity.HIGH,
    provider="aws",
    category="networking",
    resource_types=("aws_s3_bucket", "aws_s3_bucket_acl"),
    remediation='Use the `private` ACL (or none: set `object_ownership = "BucketOwnerEnforced"` in '
    "`aws_s3_bucket_ownership_controls` to disable ACLs) and serve public content through CloudFront "
    "with origin access control instead.",
    description="A `public-read` or `public-read-write` canned ACL, or a READ / FULL_CONTROL grant to the "
    "AllUsers group, lets anyone on the internet list the bucket; `authenticated-read` and grants to "
    "AuthenticatedUsers open it to every AWS account in the world, which is no smaller an audience. "
    "Public buckets are a leading cause of data leaks, hence HIGH. Checked on the `acl` and `grant` of "
    "`aws_s3_bucket` (AWS provider < 4) and on `aws_s3_bucket_acl` (`acl` and "
    "`access_control_policy`); a finding on an `aws_s3_bucket_acl` is reported on the bucket it names when "
    "that bucket is in the configuration (ADR 0210). A public access block that ignores public ACLs neutralises this "
    "finding in AWS but is reported by its own rules.",
    references=References(checkov=("CKV_AWS_20",), trivy=("AVD-AWS-0092", "aws-s3-no-public-access-with-acl")),
    check=check,
)
