"""Arguments a provider's schema marks `Sensitive: true` although their names do not say so.

In a plan, Terraform masks these values itself (`after_sensitive`, from the provider's schema). Terraform source
has no schema: an uploaded tarball's `value = "…"` of an `aws_ssm_parameter` is the secret, under a name that is
no secret name (`is_secret_name` catches `password`, `secret_key`, `token`…). Only arguments the user sets are
listed (computed-only secrets such as `aws_iam_access_key.secret` are never in source), and only those whose
names `is_secret_name` misses; each is `Sensitive: true` in its provider's resource schema (ADR 0472).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

PROVIDER_SENSITIVE: Final[Mapping[str, frozenset[str]]] = {
    # hashicorp/aws
    "aws_ssm_parameter": frozenset({"value"}),
    "aws_secretsmanager_secret_version": frozenset({"secret_string", "secret_binary"}),
    "aws_kms_ciphertext": frozenset({"plaintext"}),
    "aws_glue_connection": frozenset({"connection_properties"}),
    # hashicorp/azurerm
    "azurerm_key_vault_secret": frozenset({"value"}),
    "azurerm_linux_virtual_machine": frozenset({"custom_data"}),
    "azurerm_windows_virtual_machine": frozenset({"custom_data"}),
    "azurerm_linux_virtual_machine_scale_set": frozenset({"custom_data"}),
    "azurerm_windows_virtual_machine_scale_set": frozenset({"custom_data"}),
    # hashicorp/google
    "google_secret_manager_secret_version": frozenset({"secret_data"}),
    "google_kms_secret_ciphertext": frozenset({"plaintext"}),
    # hashicorp/kubernetes
    "kubernetes_secret": frozenset({"data", "binary_data"}),
    "kubernetes_secret_v1": frozenset({"data", "binary_data"}),
    # integrations/github
    "github_actions_secret": frozenset({"plaintext_value", "encrypted_value"}),
    "github_actions_environment_secret": frozenset({"plaintext_value", "encrypted_value"}),
    "github_actions_organization_secret": frozenset({"plaintext_value", "encrypted_value"}),
    # hashicorp/vault
    "vault_generic_secret": frozenset({"data_json"}),
    "vault_kv_secret_v2": frozenset({"data_json"}),
}


def is_provider_sensitive(resource_type: str, argument: str) -> bool:
    """True when `argument` of a `resource_type` resource is sensitive by its provider's schema."""
    return argument in PROVIDER_SENSITIVE.get(resource_type, ())


def with_provider_sensitive(resource_type: str, mask: Any) -> Any:
    """A plan-style sensitive mask (`True`, an object, None) with the provider-sensitive arguments of `resource_type`
    marked too: what Terraform's plan marks from the schema, for a change read from source (HCL mode)."""
    names = PROVIDER_SENSITIVE.get(resource_type)
    if not names or mask is True:
        return mask
    merged = dict(mask) if isinstance(mask, Mapping) else {}
    merged.update(dict.fromkeys(names, True))
    return merged
