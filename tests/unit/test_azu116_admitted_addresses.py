"""r23-mend item 5: TFR-AZU-116 on a MySQL server whose public endpoint admits no address.

Azure: "Only the IP addresses you allow have permission to access your Azure Database for MySQL Flexible Server
instance. By default, no IP addresses are allowed" (concepts-networking-public); a single server's firewall blocks
every address until a rule admits it. A public endpoint with no firewall rule in the configuration is reported as
MEDIUM (nothing reaches it yet; a rule added here, in another configuration or in the portal opens it), HIGH once a
rule of the configuration admits addresses or a rule's server cannot be told.
"""

from __future__ import annotations

import pytest

from tfreview.core.findings import Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules_for

FLEXIBLE = """
resource "azurerm_mysql_flexible_server" "orders" {
  name                   = "orders-mysql"
  resource_group_name    = "rg"
  location               = "westeurope"
  administrator_login    = "ordersadmin"
  administrator_password = var.mysql_password
  sku_name               = "B_Standard_B1s"
}
"""
SINGLE = """
resource "azurerm_mysql_server" "blog" {
  name                         = "blog-mysql"
  location                     = "westeurope"
  resource_group_name          = "rg"
  sku_name                     = "GP_Gen5_2"
  version                      = "8.0"
  administrator_login          = "myadmin"
  administrator_login_password = var.mysql_password
  ssl_enforcement_enabled      = true
}
"""


def _rule(kind: str, server: str, server_name: str) -> str:
    return f"""
resource "{kind}" "office" {{
  name                = "office"
  resource_group_name = "rg"
  server_name         = {server_name}
  start_ip_address    = "203.0.113.10"
  end_ip_address      = "203.0.113.10"
}}
"""


def _severities(source: str) -> dict[str, Severity]:
    change_set = changeset_from_sources({"main.tf": source})
    result = review(
        change_set, [r for r in load_rules_for(change_set.resource_types()) if r.id == "TFR-AZU-116"], Policy()
    )
    assert not result.diagnostics
    return {f.address: f.severity for f in result.findings if f.status is not Status.RESOLVED}


@pytest.mark.parametrize(
    ("server", "address"),
    [(FLEXIBLE, "azurerm_mysql_flexible_server.orders"), (SINGLE, "azurerm_mysql_server.blog")],
)
def test_a_public_endpoint_that_admits_no_address_is_medium(server: str, address: str) -> None:
    assert _severities(server) == {address: Severity.MEDIUM}


@pytest.mark.parametrize(
    ("server", "address", "kind"),
    [
        (FLEXIBLE, "azurerm_mysql_flexible_server.orders", "azurerm_mysql_flexible_server_firewall_rule"),
        (SINGLE, "azurerm_mysql_server.blog", "azurerm_mysql_firewall_rule"),
    ],
)
def test_a_firewall_rule_of_the_server_makes_it_high(server: str, address: str, kind: str) -> None:
    by_reference = _rule(kind, address, f"{address}.name")
    by_name = _rule(kind, address, '"orders-mysql"' if "flexible" in kind else '"blog-mysql"')
    assert _severities(server + by_reference) == {address: Severity.HIGH}
    assert _severities(server + by_name) == {address: Severity.HIGH}


def test_a_rule_of_another_server_admits_nothing_here() -> None:
    other = _rule("azurerm_mysql_flexible_server_firewall_rule", "", '"another-mysql"')
    assert _severities(FLEXIBLE + other) == {"azurerm_mysql_flexible_server.orders": Severity.MEDIUM}


def test_a_rule_whose_server_is_not_known_is_taken_as_admitting() -> None:
    unknown = _rule("azurerm_mysql_flexible_server_firewall_rule", "", "var.server_name")
    assert _severities(FLEXIBLE + unknown) == {"azurerm_mysql_flexible_server.orders": Severity.HIGH}
