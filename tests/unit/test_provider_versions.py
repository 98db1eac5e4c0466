"""Provider version constraints: the highest major version one allows (ADR 0272)."""

from __future__ import annotations

import pytest

from tfreview.rules.support.provider_versions import major_ceiling


@pytest.mark.parametrize(
    ("constraint", "ceiling"),
    [
        ("2.5.0", 2),
        ("= 4.84.0", 4),
        ("~> 4.0", 4),
        ("~> 3.90.1", 3),
        ("< 5.0", 4),
        ("< 5.0.0", 4),
        ("< 5.1", 5),
        ("<= 4.84", 4),
        (">= 3.0, < 5.0", 4),
        (">= 4.0, <= 6.2", 6),
        ("4.80.0-beta1", 4),
        ("v4.1.0", 4),
    ],
)
def test_constraints_that_cap_the_major_version(constraint: str, ceiling: int) -> None:
    assert major_ceiling(constraint) == ceiling


@pytest.mark.parametrize("constraint", ["", ">= 4.0", "> 3", "~> 4", "!= 5.0.0", "latest", "4.x"])
def test_constraints_that_allow_any_later_major(constraint: str) -> None:
    assert major_ceiling(constraint) is None


def test_hcl_reads_required_providers_into_the_provider_block_as_a_plan_has_it() -> None:
    from tfreview.parsing.hcl import changeset_from_sources

    text = """
terraform {
  required_providers {
    google = { source = "hashicorp/google", version = "~> 4.80" }
    aws    = "~> 3.0"
  }
}
provider "google" {
  project = "acme"
}
provider "aws" {
  region  = "eu-west-1"
  version = "3.75.0"
}
"""
    changes = {c.address: c for c in changeset_from_sources({"main.tf": text}).changes}
    assert changes["provider.google"].after["version"] == "~> 4.80"
    assert changes["provider.aws"].after["version"] == "3.75.0"  # the block's own argument is kept


def test_hcl_required_providers_without_a_provider_block_still_reach_the_rules() -> None:
    """No `provider "google"` block: Terraform configures the provider empty and a plan lists it with its
    `version_constraint`; HCL mode gives it the same pseudo resource, so version-dependent defaults apply
    (ADR 0331)."""
    from tfreview.core.policy import Policy
    from tfreview.parsing.hcl import changeset_from_sources
    from tfreview.rules import load_rules
    from tfreview.service.assessment import assess

    text = """
terraform {
  required_providers {
    google = { source = "hashicorp/google", version = "~> 4.0" }
  }
}
resource "google_container_node_pool" "pool" {
  name     = "pool"
  cluster  = "primary"
  location = "europe-west1"
}
"""
    change_set = changeset_from_sources({"versions.tf": text})
    changes = {c.address: c for c in change_set.changes}
    assert changes["provider.google"].after == {"version": "~> 4.0"}
    rules = [r for r in load_rules() if r.id in {"TFR-GCP-113", "TFR-GCP-114"}]
    findings = assess(change_set, rules, Policy(), None).review.findings
    assert sorted((f.rule_id, f.address) for f in findings) == [
        ("TFR-GCP-113", "google_container_node_pool.pool"),
        ("TFR-GCP-114", "google_container_node_pool.pool"),
    ]


def test_hcl_without_a_constraint_adds_no_provider() -> None:
    from tfreview.parsing.hcl import changeset_from_sources

    text = 'terraform {\n  required_providers {\n    google = { source = "hashicorp/google" }\n  }\n}\n'
    assert [c.address for c in changeset_from_sources({"versions.tf": text}).changes] == []


def test_schema_removed_in_a_major_caps_the_provider_era() -> None:
    """A configuration that writes AKS `addon_profile` (removed in azurerm 3.0) only runs on azurerm 2.x,
    whatever `version = ">= 2.0.0"` allows (ADR 0333)."""
    from tfreview.core.policy import Policy
    from tfreview.parsing.hcl import changeset_from_sources
    from tfreview.rules import load_rules
    from tfreview.service.assessment import assess

    storage = """
provider "azurerm" {
  version = ">= 2.0.0"
  features {}
}
resource "azurerm_storage_account" "s" {
  name                     = "s"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
"""
    aks = """
resource "azurerm_kubernetes_cluster" "k" {
  name                = "k"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "k"
  role_based_access_control {
    enabled = true
  }
}
"""
    rules = [r for r in load_rules() if r.id == "TFR-AZU-002"]
    alone = assess(changeset_from_sources({"main.tf": storage}), rules, Policy(), None).review.findings
    assert not alone  # azurerm 3.x and later may run it: the TLS1_2 default applies
    legacy = assess(changeset_from_sources({"main.tf": storage, "aks.tf": aks}), rules, Policy(), None).review
    [finding] = legacy.findings
    assert finding.address == "azurerm_storage_account.s"
    assert "role_based_access_control` of azurerm_kubernetes_cluster.k, removed in 3.0" in (finding.message or "")


def test_hcl_provider_type_comes_from_its_source_not_its_local_name() -> None:
    """`gcp = { source = "hashicorp/google" }`: the `gcp` provider is the google provider, so its pseudo resource
    is a `google_provider` (as a plan's `provider_config` names it) and version-dependent rules read its
    constraint (ADR 0365)."""
    from tfreview.core.policy import Policy
    from tfreview.parsing.hcl import changeset_from_sources
    from tfreview.rules import load_rules
    from tfreview.service.assessment import assess

    versions = """
terraform {
  required_providers {
    gcp = { source = "hashicorp/google", version = "~> 4.0" }
  }
}
"""
    block = 'provider "gcp" {\n  project = "acme"\n}\n'
    pool = """
resource "google_container_node_pool" "pool" {
  provider = gcp
  name     = "pool"
  cluster  = "primary"
  location = "europe-west1"
}
"""
    rules = [r for r in load_rules() if r.id in {"TFR-GCP-113", "TFR-GCP-114"}]
    for sources in (
        {"versions.tf": versions, "pool.tf": pool},
        {"a.tf": block, "versions.tf": versions, "pool.tf": pool},
    ):
        change_set = changeset_from_sources(sources)
        [provider] = [c for c in change_set.changes if c.address == "provider.gcp"]
        assert provider.type == "google_provider"
        assert provider.after["version"] == "~> 4.0"
        findings = assess(change_set, rules, Policy(), None).review.findings
        assert sorted(f.rule_id for f in findings) == ["TFR-GCP-113", "TFR-GCP-114"]


def test_hcl_a_called_modules_own_versions_file_decides_the_provider_era() -> None:
    """The constraint may live only in a called module's `versions.tf`: it still reaches the rules."""
    from tfreview.core.policy import Policy
    from tfreview.parsing.hcl import changeset_from_sources
    from tfreview.rules import load_rules
    from tfreview.service.assessment import assess

    root = 'module "pg" {\n  source = "./pg"\n}\n'
    versions = (
        'terraform {\n  required_providers {\n    azurerm = { source = "hashicorp/azurerm", version = "~> 2.0" }\n'
        "  }\n}\n"
    )
    server = """
resource "azurerm_postgresql_server" "server" {
  name                    = "pg"
  location                = "westeurope"
  resource_group_name     = "rg"
  sku_name                = "GP_Gen5_2"
  version                 = "11"
  ssl_enforcement_enabled = true
}
"""
    change_set = changeset_from_sources({"main.tf": root, "pg/main.tf": server, "pg/versions.tf": versions})
    changes = {c.address: c for c in change_set.changes}
    assert changes["provider.azurerm"].type == "azurerm_provider"
    assert changes["provider.azurerm"].after == {"version": "~> 2.0"}
    rules = [r for r in load_rules() if r.id == "TFR-AZU-207"]  # azurerm 2.x: TLSEnforcementDisabled (ADR 0366)
    [finding] = assess(change_set, rules, Policy(), None).review.findings
    assert finding.address == "module.pg.azurerm_postgresql_server.server"
