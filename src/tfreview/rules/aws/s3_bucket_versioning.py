"""S3 buckets keep object versions."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, not_a_bool, terraform_bool
from tfreview.rules.support.s3_buckets import BUCKET, configurations, inline

VERSIONING = "aws_s3_bucket_versioning"
STATUS = "versioning_configuration.0.status"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == VERSIONING:
        status = resource.get(STATUS)
        if status != "Enabled" and status is not UNKNOWN:
            yield Hit(STATUS, f"versioning status is {status!r}, not 'Enabled'", status)
        return
    if configurations(resource, snapshot, VERSIONING) != []:
        return  # configured by its own resource, checked there (or perhaps by one whose link is unknown)
    block = inline(resource, "versioning")
    enabled = UNKNOWN if block is UNKNOWN else terraform_bool(resource.get("versioning.0.enabled")) if block else None
    if enabled is not True and enabled is not UNKNOWN and not not_a_bool(enabled):
        shown = "no inline `versioning` enables it" if enabled is None else f"inline `enabled` is {enabled!r}"
        yield Hit("", f"versioning is off: no aws_s3_bucket_versioning refers to this bucket and {shown}", enabled)


RULE = Rule(
    id="TFR-AWS-011",
    long_id="aws-s3-bucket-versioning",
    title="S3 bucket versioning is not enabled",
    severity=Severity.LOW,
    provider="aws",
    category="backup",
    resource_types=(BUCKET, VERSIONING),
    remediation="Add an `aws_s3_bucket_versioning` with `bucket = aws_s3_bucket.<name>.id` and "
    '`versioning_configuration { status = "Enabled" }` (AWS provider < 4: `versioning { enabled = true }`), '
    "with a lifecycle rule that expires noncurrent versions to bound the cost.",
    description="Without versioning an overwrite or a delete, by mistake or by ransomware, destroys the "
    "object for good. LOW: it limits recovery, it exposes nothing. A bucket passes with a linked "
    "`aws_s3_bucket_versioning` (which is then checked itself: `Suspended` fails) or an inline "
    "`versioning` block that enables it. In a plan an inline block left out is known only after apply "
    "(the provider reads back the AWS default, no versioning), so it counts as left out; a status or "
    "`enabled` known only after apply, or a versioning resource whose `bucket` may be this one but is "
    "known only after apply, keeps the rule silent.",
    references=References(checkov=("CKV_AWS_21",), trivy=("AVD-AWS-0090", "aws-s3-enable-versioning")),
    check=check,
)
