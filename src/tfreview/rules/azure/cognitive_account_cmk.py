"""Cognitive Services (Azure AI services, Azure OpenAI) accounts should encrypt data with a customer-managed key."""

from __future__ import annotations

from tfreview.core.rules import References, Rule
from tfreview.core.severity import Severity
from tfreview.rules.support.azure_cmk import customer_managed_key_check

_KEY = "azurerm_cognitive_account_customer_managed_key"


check = customer_managed_key_check("azurerm_cognitive_account", _KEY, "cognitive_account_id")


RULE = Rule(
    id="TFR-AZU-254",
    long_id="azure-cognitive-account-cmk",
    title="Cognitive Services account is not encrypted with a customer-managed key",
    severity=Severity.LOW,
    provider="azure",
    category="encryption",
    resource_types=("azurerm_cognitive_account",),
    remediation="Add a `customer_managed_key { key_vault_key_id = …  identity_client_id = … }` block, or an "
    f"`{_KEY}` with `cognitive_account_id = azurerm_cognitive_account.<name>.id`, pointing at a Key Vault key the "
    "account's managed identity may wrap and unwrap with.",
    description="Azure AI services (Cognitive Services, including Azure OpenAI) encrypt customer data at rest — "
    "fine-tuning files, custom models, stored prompts and results — with Microsoft-managed keys unless a "
    'customer-managed key is configured (Azure AI services documentation, "Customer-managed keys for '
    'encryption"; azurerm documentation, `azurerm_cognitive_account`: the `customer_managed_key` block is optional '
    f"and absent by default, and `{_KEY}` is the alternative; the two must not be combined). A customer-managed key "
    "lets you revoke access to the data and audit every use of the key. Low, as for the other customer-managed-key "
    f"rules: the data is already encrypted. The key counts when it is inline or when an `{_KEY}` points at the "
    "account (by reference or by its id); when some such key's account is known only after apply and comes "
    "through a module variable or a local, it may be this account's, and the rule stays silent rather than guess. "
    "Checkov's CKV2_AZURE_22 accepts only the separate resource.",
    defaults=(("customer_managed_key", "none: Microsoft-managed keys"),),
    references=References(checkov=("CKV2_AZURE_22",)),
    check=check,
)
