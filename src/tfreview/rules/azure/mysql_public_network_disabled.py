"""Azure Database for MySQL servers (single and flexible) must not be reachable from the public internet.

A public endpoint admits no address until a firewall rule does (Azure: "By default, no IP addresses are allowed"):
with no firewall rule of the server in the configuration the hit is MEDIUM, HIGH once one admits addresses or a
rule's server cannot be told (r23-mend).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool

_SINGLE = "public_network_access_enabled"  # azurerm_mysql_server: a boolean, default true
_FLEXIBLE = "public_network_access"  # azurerm_mysql_flexible_server (azurerm 4.x): "Enabled" | "Disabled"
_FIREWALL_RULES = {
    "azurerm_mysql_server": "azurerm_mysql_firewall_rule",
    "azurerm_mysql_flexible_server": "azurerm_mysql_flexible_server_firewall_rule",
}
_NOBODY = " — no firewall rule of this configuration admits an address yet, so nothing reaches it until one is added"


def _admits_nobody(resource: Resource, snapshot: Snapshot) -> bool:
    """No firewall rule of the configuration admits addresses to `resource`, and none may (its server unknown)."""
    kind = _FIREWALL_RULES[resource.type]
    if snapshot.linked(resource, kind, "server_name", ("name",)):
        return False
    for rule in snapshot.present_with(resource, kind):
        server = rule.get("server_name")
        known = isinstance(server, str) or any(ref.startswith(f"{resource.type}.") for ref in rule.refs("server_name"))
        if not known:  # a variable, a value known after apply: it may be this server's
            return False
    return True


def _graded(hit: Hit, resource: Resource, snapshot: Snapshot) -> Hit:
    if not _admits_nobody(resource, snapshot):
        return hit
    return replace(hit, message=f"{hit.message}{_NOBODY}", severity=Severity.MEDIUM)


def _single(resource: Resource) -> Iterator[Hit]:
    value = resource.get(_SINGLE)
    setting = resource.setting_of(_SINGLE, value)
    if setting is Setting.SET and terraform_bool(value) is True:
        yield Hit(_SINGLE, "the MySQL server's public endpoint is enabled", value)
    elif setting is Setting.UNSET:
        yield Hit(
            _SINGLE,
            f"the MySQL server's public endpoint is enabled (`{_SINGLE}` not set: the provider default is true)",
            unset=True,
        )


def _flexible(resource: Resource) -> Iterator[Hit]:
    subnet = resource.get("delegated_subnet_id")
    subnet_setting = resource.setting_of("delegated_subnet_id", subnet)
    access = resource.get(_FLEXIBLE)
    access_setting = resource.setting_of(_FLEXIBLE, access)
    if Setting.UNKNOWN in (subnet_setting, access_setting):
        return  # an expression known only after apply: never judged
    if subnet_setting is Setting.SET:
        return  # VNet integration (private access): the server has no public endpoint
    if access_setting is Setting.SET:
        if isinstance(access, str) and access.lower() == "enabled":
            yield Hit(
                _FLEXIBLE,
                'the MySQL flexible server\'s public endpoint is enabled (`public_network_access = "Enabled"`, '
                "no `delegated_subnet_id`)",
                access,
            )
        return
    yield Hit(
        _FLEXIBLE,
        "the MySQL flexible server's public endpoint is enabled (neither `delegated_subnet_id` nor "
        '`public_network_access` set: the server is created with public access, "Enabled" by default)',
        unset=True,
    )


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    hits = _flexible(resource) if resource.type == "azurerm_mysql_flexible_server" else _single(resource)
    for hit in hits:
        yield _graded(hit, resource, snapshot)


RULE = Rule(
    id="TFR-AZU-116",
    long_id="azure-mysql-public-network-disabled",
    title="MySQL server accepts traffic from the public internet",
    severity=Severity.HIGH,
    provider="azure",
    category="networking",
    resource_types=("azurerm_mysql_server", "azurerm_mysql_flexible_server"),
    remediation="Single server: set `public_network_access_enabled = false` and connect through a private endpoint "
    "(Single Server is retired: plan the move to a flexible server). Flexible server: create it with VNet "
    'integration (`delegated_subnet_id` and `private_dns_zone_id`), or set `public_network_access = "Disabled"` '
    "(azurerm 4.x) and reach it through a private endpoint.",
    description="With the public endpoint on, only firewall rules stand between the internet and the database "
    "login. azurerm defaults `public_network_access_enabled` to true on `azurerm_mysql_server`, so an unset "
    "attribute is flagged. A flexible server has public access unless it is created in a delegated subnet (VNet "
    "integration): azurerm 3.x only reports `public_network_access_enabled` (computed, true without "
    "`delegated_subnet_id`; hashicorp/terraform-provider-azurerm#24641), azurerm 4.x adds `public_network_access`, "
    '"Enabled" by default and "Disabled" required with VNet integration. A flexible server is flagged when it '
    'has no `delegated_subnet_id` and `public_network_access` is not "Disabled". Checkov\'s CKV_AZURE_53 reads only '
    "`public_network_access_enabled`, which a flexible server cannot set on azurerm 3.x, so it also fails "
    "VNet-integrated and `Disabled` flexible servers; this rule passes them. A public endpoint admits no address "
    'until a firewall rule does (Azure: "By default, no IP addresses are allowed"): with no firewall rule of the '
    "server in the configuration (`azurerm_mysql_flexible_server_firewall_rule`, `azurerm_mysql_firewall_rule`, by "
    "reference or by its `server_name`) the finding is Medium — nothing reaches the server yet, but a rule added "
    "here, in another configuration or in the portal opens it; High when a rule of the configuration admits "
    'addresses ("Allow Azure services", 0.0.0.0, included) or a rule\'s server is not known at plan time.',
    defaults=(
        (_SINGLE, "true (azurerm_mysql_server)"),
        (_FLEXIBLE, '"Enabled" (azurerm_mysql_flexible_server without `delegated_subnet_id`)'),
    ),
    references=References(checkov=("CKV_AZURE_53",), trivy=()),
    check=check,
)
