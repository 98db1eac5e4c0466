"""Arguments a provider's schema marks `Sensitive: true` although their names do not say so.

In a plan, Terraform masks these values itself (`after_sensitive`, from the provider's schema). Terraform source
has no schema: an uploaded tarball's `value = "…"` of an `aws_ssm_parameter` is the secret, under a name that is
no secret name (`is_secret_name` catches `password`, `secret_key`, `token`…). Only arguments the user sets are
listed (computed-only secrets such as `aws_iam_access_key.secret` are never in source), and only those whose
names `is_secret_name` misses; each is `Sensitive: true` in its provider's resource schema (ADR 0472). A provider
block is read as the pseudo resource `provider.<name>` of type `<name>_provider`: the credentials its configuration
reference takes under such names are listed the same way (ADR 0490). An argument of a nested block is listed by its
path of block names (`boot_disk.disk_encryption_key_raw`, `set_sensitive.value`: ADR 0495).

`source_mask` gives a change read from source (HCL mode) the mask a plan's schema would: these arguments and the
secret-named ones, where they are written (ADR 0490).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from tfreview.core.redact import is_secret_name

PROVIDER_SENSITIVE: Final[Mapping[str, frozenset[str]]] = {
    # hashicorp/aws
    "aws_ssm_parameter": frozenset({"value"}),
    "aws_secretsmanager_secret_version": frozenset({"secret_string", "secret_binary"}),
    "aws_kms_ciphertext": frozenset({"plaintext"}),
    "aws_glue_connection": frozenset({"connection_properties"}),
    "aws_amplify_app": frozenset({"basic_auth_credentials", "auto_branch_creation_config.basic_auth_credentials"}),
    "aws_amplify_branch": frozenset({"basic_auth_credentials"}),
    # a set of strings named `passwords`, no secret name (review22b, ADR 0718)
    "aws_elasticache_user": frozenset({"passwords", "authentication_mode.passwords"}),
    "aws_memorydb_user": frozenset({"authentication_mode.passwords"}),
    "aws_vpn_connection": frozenset({"tunnel1_preshared_key", "tunnel2_preshared_key"}),
    "aws_api_gateway_api_key": frozenset({"value"}),
    "aws_transfer_server": frozenset({"host_key"}),
    # hashicorp/azurerm
    "azurerm_key_vault_secret": frozenset({"value"}),
    "azurerm_linux_virtual_machine": frozenset({"custom_data"}),
    "azurerm_windows_virtual_machine": frozenset({"custom_data"}),
    "azurerm_linux_virtual_machine_scale_set": frozenset({"custom_data", "extension.protected_settings"}),
    "azurerm_windows_virtual_machine_scale_set": frozenset({"custom_data", "extension.protected_settings"}),
    "azurerm_virtual_machine_extension": frozenset({"protected_settings"}),
    "azurerm_virtual_machine_scale_set_extension": frozenset({"protected_settings"}),
    "azurerm_container_group": frozenset({"container.secure_environment_variables"}),
    "azurerm_container_app": frozenset({"secret.value"}),
    "azurerm_application_gateway": frozenset({"ssl_certificate.data"}),
    "azurerm_virtual_network_gateway_connection": frozenset({"shared_key"}),
    "azurerm_express_route_circuit_peering": frozenset({"shared_key"}),
    # a Stream Analytics job's inputs and outputs: a storage account's, an Event Hub's or Service Bus policy's, a
    # Cosmos DB account's key under names no secret name covers (r23-mend, ADR 0741)
    "azurerm_stream_analytics_output_blob": frozenset({"storage_account_key"}),
    "azurerm_stream_analytics_output_table": frozenset({"storage_account_key"}),
    "azurerm_stream_analytics_stream_input_blob": frozenset({"storage_account_key"}),
    "azurerm_stream_analytics_reference_input_blob": frozenset({"storage_account_key"}),
    "azurerm_stream_analytics_job_storage_account": frozenset({"storage_account_key"}),
    "azurerm_stream_analytics_stream_input_eventhub": frozenset({"shared_access_policy_key"}),
    "azurerm_stream_analytics_stream_input_eventhub_v2": frozenset({"shared_access_policy_key"}),
    "azurerm_stream_analytics_stream_input_iothub": frozenset({"shared_access_policy_key"}),
    "azurerm_stream_analytics_output_eventhub": frozenset({"shared_access_policy_key"}),
    "azurerm_stream_analytics_output_servicebus_queue": frozenset({"shared_access_policy_key"}),
    "azurerm_stream_analytics_output_servicebus_topic": frozenset({"shared_access_policy_key"}),
    "azurerm_stream_analytics_output_cosmosdb": frozenset({"cosmosdb_account_key"}),
    # an App Service app's connection strings (the `ConnectionStringSchema` the web and function apps share)
    "azurerm_linux_web_app": frozenset({"connection_string.value"}),
    "azurerm_windows_web_app": frozenset({"connection_string.value"}),
    "azurerm_linux_web_app_slot": frozenset({"connection_string.value"}),
    "azurerm_windows_web_app_slot": frozenset({"connection_string.value"}),
    "azurerm_linux_function_app": frozenset({"connection_string.value"}),
    "azurerm_windows_function_app": frozenset({"connection_string.value"}),
    "azurerm_linux_function_app_slot": frozenset({"connection_string.value"}),
    "azurerm_windows_function_app_slot": frozenset({"connection_string.value"}),
    # hashicorp/google
    "google_secret_manager_secret_version": frozenset({"secret_data"}),
    "google_kms_secret_ciphertext": frozenset({"plaintext"}),
    "google_compute_instance": frozenset(
        {"boot_disk.disk_encryption_key_raw", "attached_disk.disk_encryption_key_raw"}
    ),
    "google_compute_disk": frozenset({"disk_encryption_key.raw_key", "disk_encryption_key.rsa_encrypted_key"}),
    "google_compute_snapshot": frozenset({"snapshot_encryption_key.raw_key", "source_disk_encryption_key.raw_key"}),
    # hashicorp/helm, hashicorp/local
    "helm_release": frozenset({"set_sensitive.value"}),
    "local_file": frozenset({"sensitive_content"}),
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
    # provider blocks: the service-account key file's contents (hashicorp/google, google-beta), the client's TLS
    # private key (hashicorp/kubernetes)
    "google_provider": frozenset({"credentials"}),
    "google-beta_provider": frozenset({"credentials"}),
    "kubernetes_provider": frozenset({"client_key"}),
    "helm_provider": frozenset({"kubernetes.client_key"}),
    "datadog_provider": frozenset({"app_key"}),
    "grafana_provider": frozenset({"auth", "http_headers"}),  # `user:password` or a token; headers (review22b)
}


def is_provider_sensitive(resource_type: str, argument: str) -> bool:
    """True when `argument` of a `resource_type` resource is sensitive by its provider's schema."""
    return argument in PROVIDER_SENSITIVE.get(resource_type, ())


def with_provider_sensitive(resource_type: str, mask: Any, values: Any = None) -> Any:
    """A plan-style sensitive mask (`True`, an object, None) with the provider-sensitive arguments of `resource_type`
    marked too: what Terraform's plan marks from the schema, for a change read from source (HCL mode). An argument
    of a nested block is marked where `values` holds it."""
    names = PROVIDER_SENSITIVE.get(resource_type)
    if not names or mask is True:
        return mask
    merged = dict(mask) if isinstance(mask, Mapping) else {}
    merged.update(dict.fromkeys((name for name in names if "." not in name), True))
    nested = _nested_marks(values, names) if isinstance(values, Mapping) else None
    return merged_mask(merged, nested) if nested else merged


def _nested_marks(values: Mapping[str, Any], names: frozenset[str]) -> dict[str, Any] | None:
    """The mask marking `names` (paths of block names to an argument) where `values` holds them."""
    marks: dict[str, Any] = {}
    for name in names:
        block, _, rest = name.partition(".")
        if not rest or block not in values:
            continue
        inner = frozenset(n.partition(".")[2] for n in names if n.startswith(f"{block}.") and n.partition(".")[2])
        items = values[block] if isinstance(values[block], list) else [values[block]]
        found = [_block_marks(item, inner) for item in items]
        if any(found):
            marks[block] = [item or False for item in found] if isinstance(values[block], list) else found[0]
    return marks or None


def _block_marks(item: Any, names: frozenset[str]) -> dict[str, Any] | None:
    if not isinstance(item, Mapping):
        return None
    marks: dict[str, Any] = {name: True for name in names if "." not in name and item.get(name) is not None}
    deeper = _nested_marks(item, names)
    return {**marks, **deeper} if deeper else (marks or None)


def source_mask(resource_type: str, values: Any) -> Any:
    """The sensitive mask a plan's schema gives `values` of a `resource_type` read from source (HCL mode): True on
    the provider-sensitive arguments and on the secret-named ones (`password`, `secret_key`, `auth_token`…),
    top-level or in nested blocks (a secret-named one when it holds a text or a number: Terraform converts a
    number to the string it masks); None when there is none. Keys of a map (`environment.variables`) are data, not
    arguments: a plan does not mark them, and a rule that judges a literal there (TFR-AWS-028) must still see it
    unmarked."""
    if not isinstance(values, Mapping):
        return None
    names = PROVIDER_SENSITIVE.get(resource_type, frozenset())
    return _arguments_mask(values, names)


def _arguments_mask(values: Mapping[str, Any], names: frozenset[str]) -> dict[str, Any] | None:
    marks: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key in names or (_secret_literal(value) and is_secret_name(key)):
            marks[key] = True
        elif isinstance(value, list) and any(isinstance(item, Mapping) for item in value):  # nested blocks
            inner = frozenset(name[len(key) + 1 :] for name in names if name.startswith(f"{key}."))
            items = [_arguments_mask(item, inner) if isinstance(item, Mapping) else None for item in value]
            if any(items):
                marks[key] = [item or False for item in items]
    return marks or None


def _secret_literal(value: Any) -> bool:
    """A value a secret-named argument holds as a secret: a text (not a reference left as `${…}`) or a number; a
    flag (`manage_master_user_password = true`) is no secret."""
    if isinstance(value, str):
        return not value.startswith("${")
    return isinstance(value, int | float) and not isinstance(value, bool)


def merged_mask(first: Any, second: Any) -> Any:
    """Two plan-style sensitive masks of the same value as one: what either marks is marked (None: nothing)."""
    if not first:
        return second or None
    if not second:
        return first
    if first is True or second is True:
        return True
    if isinstance(first, Mapping) and isinstance(second, Mapping):
        keys = dict.fromkeys([*first, *second])  # in order: the same masks merge to the same mask
        marks = {key: mark for key in keys if (mark := merged_mask(first.get(key), second.get(key)))}
        return marks or None
    if isinstance(first, list) and isinstance(second, list):
        longer, shorter = (first, second) if len(first) >= len(second) else (second, first)
        return [
            merged_mask(item, shorter[index] if index < len(shorter) else None) or False
            for index, item in enumerate(longer)
        ]
    return first
