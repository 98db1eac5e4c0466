"""Key Vaults must have purge protection enabled."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    value = resource.get("purge_protection_enabled")
    if value is False or value is None:
        yield Hit(
            "purge_protection_enabled",
            "purge protection is off: deleted keys and secrets can be purged before the retention period ends",
            value,
        )


RULE = Rule(
    id="TFR-AZU-007",
    long_id="azure-keyvault-purge-protection",
    title="Key Vault does not have purge protection enabled",
    severity=Severity.MEDIUM,
    provider="azure",
    category="backup",
    resource_types=("azurerm_key_vault",),
    remediation="Set `purge_protection_enabled = true`. It cannot be turned off again, and a purge-protected "
    "vault cannot be deleted before its soft-delete retention ends; plan test environments accordingly.",
    description="Soft delete keeps deleted vault objects recoverable, but without purge protection anyone with "
    "purge permission (or an attacker holding it) can destroy them at once; keys that encrypt storage or "
    "databases are then gone for good, and so is the data. Medium: it takes a privileged identity to exploit, "
    "but the loss is irreversible. azurerm defaults the attribute to false, so an unset attribute is flagged.",
    references=("CKV_AZURE_110", "AVD-AZU-0016"),
    check=check,
)
