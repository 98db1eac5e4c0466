"""Cloud Storage buckets must use uniform bucket-level access."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, not_a_bool, terraform_bool


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for path in ("uniform_bucket_level_access", "bucket_policy_only"):  # the second is the pre-3.x name
        value = terraform_bool(resource.get(path))
        if value is True or value is UNKNOWN or not_a_bool(value):
            return
    value = terraform_bool(resource.get("uniform_bucket_level_access"))
    detail = "is false" if value is False else "is not set (defaults to false)"
    yield Hit("uniform_bucket_level_access", f"uniform_bucket_level_access {detail}: object ACLs stay in force", value)


RULE = Rule(
    id="TFR-GCP-003",
    long_id="gcp-storage-uniform-bucket-access",
    title="Cloud Storage bucket does not use uniform bucket-level access",
    severity=Severity.MEDIUM,
    provider="gcp",
    category="iam",
    resource_types=("google_storage_bucket",),
    remediation="Set `uniform_bucket_level_access = true` and grant access with bucket IAM bindings only.",
    description="With fine-grained (ACL) access, any object can carry its own ACL, so a single `publicRead` upload "
    "exposes it regardless of the bucket's IAM policy, and audits must inspect every object. Medium: it "
    "enables exposure rather than causing it. The provider defaults the attribute to false, so an unset "
    "attribute is flagged; the legacy `bucket_policy_only = true` is accepted.",
    references=References(checkov=("CKV_GCP_29",), trivy=("AVD-GCP-0002",)),
    check=check,
)
