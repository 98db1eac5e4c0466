"""Symmetric customer-managed KMS keys rotate automatically."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    spec = resource.get("customer_master_key_spec")
    if spec is UNKNOWN or spec not in (None, "SYMMETRIC_DEFAULT"):
        return  # asymmetric and HMAC keys cannot rotate automatically
    if resource.get("enable_key_rotation") is not True:
        yield Hit("enable_key_rotation", "automatic rotation is off for this symmetric KMS key")


RULE = Rule(
    id="TFR-AWS-034",
    long_id="aws-kms-key-rotation",
    title="KMS key does not rotate automatically",
    severity=Severity.MEDIUM,
    provider="aws",
    category="encryption",
    resource_types=("aws_kms_key",),
    remediation="Set `enable_key_rotation = true` (and optionally `rotation_period_in_days`); rotation keeps old "
    "key material, so existing ciphertext stays readable.",
    description="Rotation limits how much data one version of the key material protects and how long a leaked "
    "copy stays useful; it is free of downtime and required by CIS AWS 3.8. MEDIUM: the key material never "
    "leaves KMS, so missing rotation raises exposure only after another failure. Only symmetric keys "
    "(`customer_master_key_spec` absent or `SYMMETRIC_DEFAULT`) are checked: asymmetric and HMAC keys cannot "
    "rotate automatically.",
    references=("CKV_AWS_7", "AVD-AWS-0065", "aws-kms-auto-rotate-keys"),
    check=check,
)
