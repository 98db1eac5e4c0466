"""Database server firewall rules must not admit the whole internet."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

_MAX_ADDRESSES = 2**24  # a /8; anything wider is treated as "the internet"


def _address(value: object) -> int | None:
    try:
        return int(ipaddress.IPv4Address(value)) if isinstance(value, str) else None
    except ValueError:
        return None


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    start, end = resource.get("start_ip_address"), resource.get("end_ip_address")
    low, high = _address(start), _address(end)
    if low is None or high is None or high - low + 1 <= _MAX_ADDRESSES:
        return
    message = f"the rule admits {start} to {end} ({high - low + 1:,} addresses)"
    yield Hit("end_ip_address", message, f"{start}-{end}")


RULE = Rule(
    id="TFR-AZU-008",
    long_id="azure-database-firewall-no-internet-range",
    title="Database firewall rule admits the whole internet (e.g. 0.0.0.0-255.255.255.255)",
    severity=Severity.HIGH,
    provider="azure",
    category="networking",
    resource_types=(
        "azurerm_sql_firewall_rule",
        "azurerm_mssql_firewall_rule",
        "azurerm_postgresql_firewall_rule",
        "azurerm_postgresql_flexible_server_firewall_rule",
        "azurerm_mysql_firewall_rule",
        "azurerm_mysql_flexible_server_firewall_rule",
        "azurerm_mariadb_firewall_rule",
    ),
    remediation="Allow only the client IP ranges that need the database, or disable public network access and "
    "connect through a private endpoint or VNet integration.",
    description="A server-level firewall rule covering the internet leaves the database's login prompt open to "
    "every scanner, so only the password stands between the data and an attacker: High. A range wider than a "
    '/8 (more than 16,777,216 addresses) is flagged. The special rule 0.0.0.0-0.0.0.0, which means "allow '
    'Azure services", is not flagged here.',
    references=References(checkov=("CKV_AZURE_11",), trivy=("AVD-AZU-0029",)),
    check=check,
)
