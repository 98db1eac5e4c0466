"""The shapes of the session-21 held-out batch (issue 12) that tfreview did not judge before.

Each is a module's resource as its defaults leave it: a Data Fusion instance whose `private_instance` is
`var.network_config != null` with `network_config` defaulting to null, a Databricks workspace whose
`public_network_access_enabled` is `try(var.public_network_access_enabled, null)` with the variable defaulting to
true, and an AppSync GraphQL API (created by default) with no WAF web ACL associated.
"""

from __future__ import annotations

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

DATA_FUSION = """
variable "network_config" {
  type = object({
    network       = string
    ip_allocation = string
  })
  default = null
}
resource "google_data_fusion_instance" "instance" {
  name             = "etl"
  region           = "europe-west1"
  type             = "ENTERPRISE"
  private_instance = var.network_config != null
  dynamic "network_config" {
    for_each = var.network_config == null ? [] : [var.network_config]
    content {
      network       = var.network_config.network
      ip_allocation = var.network_config.ip_allocation
    }
  }
}
"""

DATABRICKS = """
variable "public_network_access_enabled" {
  type    = bool
  default = true
}
resource "azurerm_databricks_workspace" "this" {
  name                          = "lake"
  location                      = "westeurope"
  resource_group_name           = "rg"
  sku                           = "premium"
  public_network_access_enabled = try(var.public_network_access_enabled, null)
}
"""

APPSYNC = """
variable "create_graphql_api" {
  default = true
}
variable "visibility" {
  default = null
}
resource "aws_appsync_graphql_api" "this" {
  count               = var.create_graphql_api ? 1 : 0
  name                = "api"
  authentication_type = "API_KEY"
  visibility          = var.visibility
}
"""

WEB_ACL_ASSOCIATION = """
resource "aws_wafv2_web_acl_association" "this" {
  resource_arn = aws_appsync_graphql_api.this[0].arn
  web_acl_arn  = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/abc"
}
"""


def _flagged(text: str, rule_id: str) -> list[str]:
    findings = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    return [f.address for f in findings if f.rule_id == rule_id]


def test_a_data_fusion_instance_without_a_network_config_is_not_private() -> None:
    assert _flagged(DATA_FUSION, "TFR-GCP-233") == ["google_data_fusion_instance.instance"]


def test_a_data_fusion_instance_given_a_network_config_is_private() -> None:
    given = DATA_FUSION.replace("default = null", 'default = { network = "vpc", ip_allocation = "10.0.0.0/22" }')
    assert _flagged(given, "TFR-GCP-233") == []


def test_a_databricks_workspace_left_at_the_module_default_is_public() -> None:
    assert _flagged(DATABRICKS, "TFR-AZU-256") == ["azurerm_databricks_workspace.this"]


def test_a_databricks_workspace_given_false_is_not_public() -> None:
    assert _flagged(DATABRICKS.replace("default = true", "default = false"), "TFR-AZU-256") == []


def test_an_appsync_api_without_a_web_acl_is_reported() -> None:
    assert _flagged(APPSYNC, "TFR-AWS-286") == ["aws_appsync_graphql_api.this[0]"]


def test_an_association_of_the_api_silences_it() -> None:
    assert _flagged(APPSYNC + WEB_ACL_ASSOCIATION, "TFR-AWS-286") == []


def test_a_private_api_is_not_judged() -> None:
    assert _flagged(APPSYNC.replace("default = null", 'default = "PRIVATE"'), "TFR-AWS-286") == []


SYNAPSE = """
variable "managed_virtual_network_enabled" {
  type    = bool
  default = false
}
variable "data_exfiltration_protection_enabled" {
  type    = bool
  default = false
}
resource "azurerm_synapse_workspace" "this" {
  name                                 = "analytics"
  location                             = "westeurope"
  resource_group_name                  = "rg"
  storage_data_lake_gen2_filesystem_id = "https://lake.dfs.core.windows.net/fs"
  managed_virtual_network_enabled      = var.managed_virtual_network_enabled
  data_exfiltration_protection_enabled = var.data_exfiltration_protection_enabled
}
"""


def test_a_synapse_workspace_left_at_the_module_defaults_is_reported_three_times() -> None:
    for rule_id in ("TFR-AZU-258", "TFR-AZU-259", "TFR-AZU-260"):
        assert _flagged(SYNAPSE, rule_id) == ["azurerm_synapse_workspace.this"], rule_id


def test_a_synapse_workspace_isolated_and_audited_is_not() -> None:
    isolated = SYNAPSE.replace("default = false", "default = true") + (
        'resource "azurerm_synapse_workspace_extended_auditing_policy" "this" {\n'
        "  synapse_workspace_id = azurerm_synapse_workspace.this.id\n"
        "}\n"
    )
    for rule_id in ("TFR-AZU-258", "TFR-AZU-259", "TFR-AZU-260"):
        assert _flagged(isolated, rule_id) == [], rule_id
