"""Every S3 bucket has its own public access block."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool
from tfreview.rules.support.s3_buckets import BUCKET, configurations

_SETTINGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    blocks = configurations(resource, snapshot, "aws_s3_bucket_public_access_block")
    if blocks == []:
        yield Hit("", "no aws_s3_bucket_public_access_block refers to this bucket")
    elif blocks and all(_blocks_nothing(block) for block in blocks):
        names = ", ".join(block.address for block in blocks)
        yield Hit("", f"its public access block ({names}) sets every setting false: it blocks nothing")


def _blocks_nothing(block: Resource) -> bool:
    """Every setting false, written or unset (each defaults to false): the same as having no block."""
    return all(terraform_bool(block.get(setting)) in (False, None) for setting in _SETTINGS)


RULE = Rule(
    id="TFR-AWS-007",
    long_id="aws-s3-bucket-has-public-access-block",
    title="S3 bucket has no public access block",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=(BUCKET,),
    remediation="Add an `aws_s3_bucket_public_access_block` with `bucket = aws_s3_bucket.<name>.id` and all "
    "four settings true (`block_public_acls`, `block_public_policy`, `ignore_public_acls`, "
    "`restrict_public_buckets`).",
    description="The bucket's public access block overrides any ACL or policy that would make the bucket "
    "public, so one resource keeps a later mistake from becoming a leak. A block is linked by a "
    "reference to the bucket in its `bucket` argument or by the bucket's name or id. When some block's "
    "`bucket` is known only after apply and comes through a module variable or a local, it may belong "
    "to any bucket, and the rule stays silent rather than guess. An account-wide "
    "`aws_s3_account_public_access_block` does not count, as for Checkov. A block whose four settings are "
    "all false (each defaults to false) blocks nothing, so the bucket is reported as if it had none (the block "
    "itself gets the findings of TFR-AWS-003…006, one per setting). MEDIUM: a missing safety net, "
    "not an exposure by itself.",
    references=References(checkov=("CKV2_AWS_6",), trivy=("AVD-AWS-0094", "aws-s3-specify-public-access-block")),
    check=check,
)
