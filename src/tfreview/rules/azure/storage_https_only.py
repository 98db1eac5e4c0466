"""Storage accounts must refuse plain-HTTP requests (secure transfer required)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool
from tfreview.rules.support.renamed import first_set


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    path, value = first_set(resource, "enable_https_traffic_only", "https_traffic_only_enabled")
    if terraform_bool(value) is False:
        yield Hit(path, f"`{path} = false`: the storage account accepts plain-HTTP requests", value)


RULE = Rule(
    id="TFR-AZU-001",
    long_id="azure-storage-https-only",
    title="Storage account accepts plain-HTTP requests",
    severity=Severity.HIGH,
    provider="azure",
    category="encryption",
    resource_types=("azurerm_storage_account",),
    remediation="Remove the attribute or set `https_traffic_only_enabled = true` (azurerm v4; "
    "`enable_https_traffic_only = true` in v3).",
    description="Secure transfer is on by default, so turning it off is a deliberate opt-out: blob, file, queue "
    "and table requests, their data and any SAS token in the URL then cross the network in clear text. "
    "High because the exposure is of the data itself and the fix costs nothing. Both the azurerm v3 name "
    "(`enable_https_traffic_only`) and the v4 name (`https_traffic_only_enabled`) are read; an unset attribute "
    "takes the secure default and is not flagged.",
    references=References(checkov=("CKV_AZURE_3",), trivy=("AVD-AZU-0008", "azure-storage-enforce-https")),
    check=check,
)
