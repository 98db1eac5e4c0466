"""Storage accounts and containers must not allow anonymous public read of blobs."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool
from tfreview.rules.support.renamed import first_set

_ACCOUNT_FLAGS = ("allow_blob_public_access", "allow_nested_items_to_be_public")  # azurerm v2, v3/v4


def _account_forbids(container: Resource, snapshot: Snapshot) -> bool:
    """True when the container's storage account (in this change) explicitly disallows public access."""
    accounts = snapshot.targets(container, "azurerm_storage_account", "storage_account_name", ("name",))
    accounts += snapshot.targets(container, "azurerm_storage_account", "storage_account_id", ("id",))
    if not accounts:
        return False
    first = min(accounts, key=snapshot.position)
    return terraform_bool(first_set(first, *_ACCOUNT_FLAGS)[1]) is False


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == "azurerm_storage_container":
        access = resource.get("container_access_type")
        if access in ("blob", "container") and not _account_forbids(resource, snapshot):
            yield Hit("container_access_type", f'container_access_type = "{access}": anyone can read its blobs', access)
        return
    path, value = first_set(resource, *_ACCOUNT_FLAGS)
    value = terraform_bool(value)
    if value is True:
        yield Hit(path, f"`{path} = true`: containers in this account may be made public", value)
    elif value is None:
        yield Hit(path, f"`{path}` is not set, and the default lets containers be made public")


RULE = Rule(
    id="TFR-AZU-003",
    long_id="azure-storage-no-public-blob-access",
    title="Storage account or container allows anonymous public read of blobs",
    severity=Severity.HIGH,
    provider="azure",
    category="networking",
    resource_types=("azurerm_storage_account", "azurerm_storage_container"),
    remediation="Set `allow_nested_items_to_be_public = false` on the storage account and keep "
    '`container_access_type = "private"`; share data with SAS tokens or Entra ID roles instead.',
    description="Anonymous read access lets anyone on the internet who knows or guesses a URL list and download "
    "blobs: the classic source of storage data leaks, hence High. The account-level switch "
    "(`allow_nested_items_to_be_public`, `allow_blob_public_access` before azurerm v3) defaults to true, so an "
    "account that does not set it is flagged. A public container is flagged unless its account, in the same "
    "change, turns public access off. Checkov 3 checks the account setting twice, as CKV_AZURE_190 and "
    "CKV2_AZURE_47 (storage account configured without blob anonymous access), and the container as "
    "CKV_AZURE_34: all three are referenced.",
    references=References(checkov=("CKV_AZURE_190", "CKV_AZURE_34", "CKV2_AZURE_47"), trivy=("AVD-AZU-0007",)),
    check=check,
)
