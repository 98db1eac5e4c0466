"""Cloud KMS symmetric keys must rotate at least every 90 days."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool

MAX_SECONDS = 90 * 24 * 60 * 60


def _seconds(text: str) -> float | None:
    try:
        return float(text.strip().removesuffix("s"))
    except ValueError:
        return None


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("purpose") not in (None, "ENCRYPT_DECRYPT") or terraform_bool(resource.get("import_only")) is True:
        return  # asymmetric, MAC and import-only keys cannot rotate automatically
    period = resource.get("rotation_period")
    if period is None:
        yield Hit("rotation_period", "no rotation_period: the key is never rotated automatically")
    elif isinstance(period, str) and (seconds := _seconds(period)) is not None and seconds > MAX_SECONDS:
        yield Hit("rotation_period", f"rotation_period = {period} ({seconds / 86400:.0f} days) exceeds 90 days", period)


RULE = Rule(
    id="TFR-GCP-010",
    long_id="gcp-kms-key-rotation-90-days",
    title="Cloud KMS key is not rotated at least every 90 days",
    severity=Severity.MEDIUM,
    provider="gcp",
    category="encryption",
    resource_types=("google_kms_crypto_key",),
    remediation='Set `rotation_period = "7776000s"` (90 days) or shorter on the crypto key.',
    description="Regular rotation bounds how much data one key version protects and how long a leaked version "
    "stays useful. Medium: rotation limits the damage of a compromise but does not prevent one. Keys with no "
    "`rotation_period`, or a period over 90 days, are flagged; asymmetric (`ASYMMETRIC_SIGN`, "
    "`ASYMMETRIC_DECRYPT`), MAC and import-only keys, which cannot rotate automatically, are not.",
    references=References(checkov=("CKV_GCP_43",), trivy=("AVD-GCP-0065",)),
    check=check,
)
