"""Storage accounts must not accept TLS 1.0 or 1.1."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.provider_versions import older_than

_OUTDATED = ("TLS1_0", "TLS1_1")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    version = resource.get("min_tls_version")
    if isinstance(version, str) and version.upper() in _OUTDATED:
        yield Hit("min_tls_version", f"min_tls_version = {version} lets clients connect with an outdated TLS", version)
    elif resource.setting_of("min_tls_version", version) is Setting.UNSET and (
        era := older_than(snapshot, "azurerm", 3)
    ):
        yield Hit(
            "min_tls_version",
            f"`min_tls_version` not set: the {era} defaults it to TLS1_0 (TLS1_2 only since azurerm 3.0)",
            unset=True,
        )
    elif _absent_from_plan(resource, "min_tls_version"):
        yield Hit(
            "min_tls_version",
            "min_tls_version is not in the plan at all: the azurerm provider in use predates it and sends no "
            "minimum, which Azure Storage interprets as TLS 1.0",
        )


def _absent_from_plan(resource: Resource, attribute: str) -> bool:
    """An attribute that is neither a value nor computed in an object the provider wrote: a plan's `after` and
    `before` (the state, upgraded to the same schema) list every attribute of the provider's schema, null when unset,
    so the provider's schema does not have it. Such an object always holds the resource's `id`, known or computed;
    HCL values hold what the user wrote, never `id`. Judged alike on both sides, so a no-op or an update of an
    account from such a provider reads as existing, not introduced (ADR 0489)."""
    values = resource.values
    if not values or attribute in values:
        return False
    unknown = resource.unknown
    if unknown is True:
        return False
    marked = isinstance(unknown, Mapping)
    if marked and attribute in unknown:
        return False
    return "id" in values or (marked and unknown.get("id") is True)


RULE = Rule(
    id="TFR-AZU-002",
    long_id="azure-storage-min-tls-1-2",
    title="Storage account accepts TLS versions older than 1.2",
    severity=Severity.MEDIUM,
    provider="azure",
    category="encryption",
    resource_types=("azurerm_storage_account",),
    remediation='Set `min_tls_version = "TLS1_2"` (or remove it: TLS1_2 is the default since azurerm v3).',
    description="TLS 1.0 and 1.1 have known weaknesses (BEAST, POODLE-style downgrades) and Azure is retiring them. "
    "Medium: the traffic is still encrypted, and exploiting old TLS needs a network position between client "
    "and service. An explicit TLS1_0 or TLS1_1 is flagged; an unset attribute takes the TLS1_2 default of "
    "azurerm v3 and v4. A plan made with an azurerm provider that predates `min_tls_version` (the attribute is "
    "missing from the plan altogether) is flagged too: that provider sends no minimum, and Azure Storage "
    "interprets an unset minimum as TLS 1.0. An unset attribute is flagged too when the azurerm provider can only be "
    "2.x (its version constraint caps it, or the configuration writes schema azurerm 3.0 removed, ADR 0333): azurerm "
    "2.x defaulted it to TLS1_0 (hashicorp/terraform-provider-azurerm#9333 moved the default to 3.0).",
    defaults=(("min_tls_version", '"TLS1_2" (azurerm v3 and v4); TLS 1.0 when the provider predates it'),),
    references=References(checkov=("CKV_AZURE_44",), trivy=("AVD-AZU-0011",)),
    check=check,
)
