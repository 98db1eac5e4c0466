"""Storage accounts should encrypt data with a customer-managed key."""

from __future__ import annotations

from tfreview.core.rules import References, Rule
from tfreview.core.severity import Severity
from tfreview.rules.support.azure_cmk import customer_managed_key_check

_KEY = "azurerm_storage_account_customer_managed_key"


check = customer_managed_key_check("azurerm_storage_account", _KEY, "storage_account_id")


RULE = Rule(
    id="TFR-AZU-248",
    long_id="azure-storage-cmk",
    title="Storage account is not encrypted with a customer-managed key",
    severity=Severity.LOW,
    provider="azure",
    category="encryption",
    resource_types=("azurerm_storage_account",),
    remediation=f"Add a `customer_managed_key {{ key_vault_key_id = …  user_assigned_identity_id = … }}` block, or an "
    f"`{_KEY}` with `storage_account_id = azurerm_storage_account.<name>.id`, pointing at a Key Vault key the "
    "account's identity may wrap and unwrap with.",
    description="Azure Storage always encrypts data at rest, with Microsoft-managed keys unless a customer-managed "
    'key is configured (Azure Storage documentation, "Azure Storage encryption for data at rest"; azurerm '
    "documentation, `azurerm_storage_account`: the `customer_managed_key` block is optional and absent by "
    "default). A customer-managed key lets you revoke access to the data and audit every use of the key. Low, "
    "as for the other customer-managed-key rules: the data is already encrypted. The key counts when it is "
    f"inline or when an `{_KEY}` points at the account (by reference or by its id); when some such key's account "
    "is known only after apply and comes through a module variable or a local, it may be this account's, and the "
    "rule stays silent rather than guess.",
    defaults=(("customer_managed_key", "none: Microsoft-managed keys"),),
    references=References(checkov=("CKV2_AZURE_1",)),
    check=check,
)
