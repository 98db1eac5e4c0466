"""Storage account firewalls must deny by default."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, terraform_bool

_MESSAGE = "default_action = Allow: the storage endpoints accept traffic from every network"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == "azurerm_storage_account_network_rules":
        if str(resource.get("default_action")).lower() == "allow":
            yield Hit("default_action", _MESSAGE, "Allow")
        return
    public = terraform_bool(resource.get("public_network_access_enabled"))
    if public is False or resource.get("network_rules") is UNKNOWN:
        return
    blocks = resource.blocks("network_rules")
    if blocks:
        if str(resource.get("network_rules.0.default_action")).lower() == "allow":
            yield Hit("network_rules.0.default_action", _MESSAGE, "Allow")
        return
    if snapshot.linked(resource, "azurerm_storage_account_network_rules", "storage_account_id"):
        return  # the standalone resource is checked on its own
    yield Hit("network_rules", "no network_rules: the storage endpoints accept traffic from every network")


RULE = Rule(
    id="TFR-AZU-004",
    long_id="azure-storage-network-default-deny",
    title="Storage account network rules allow all networks by default",
    severity=Severity.MEDIUM,
    provider="azure",
    category="networking",
    resource_types=("azurerm_storage_account", "azurerm_storage_account_network_rules"),
    remediation='Add `network_rules { default_action = "Deny" ... }` (or an `azurerm_storage_account_network_rules` '
    "resource) listing the virtual-network subnets and IP ranges that need access, or set "
    "`public_network_access_enabled = false` and use private endpoints.",
    description="With the default action Allow, the account's public endpoints answer any IP on the internet, so a "
    "leaked key or SAS token is usable from anywhere. Medium: requests still need credentials; the network "
    "layer is defence in depth. Accounts with public network access disabled are not flagged, nor accounts "
    "whose rules live in a linked `azurerm_storage_account_network_rules` (that resource is checked itself).",
    references=References(checkov=("CKV_AZURE_35",), trivy=("AVD-AZU-0012",)),
    check=check,
)
