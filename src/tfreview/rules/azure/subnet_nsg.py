"""Every subnet that can carry one should have a network security group."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_ASSOCIATION = "azurerm_subnet_network_security_group_association"
# subnets Azure reserves for a service that refuses (or manages) a network security group
_RESERVED = frozenset({"gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "routeserversubnet"})
_NO_NSG_DELEGATIONS = frozenset({"microsoft.netapp/volumes"})


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    name = resource.get("name")
    if name is UNKNOWN or (isinstance(name, str) and name.lower() in _RESERVED):
        return
    if _delegated_without_nsg(resource):
        return
    if resource.setting("network_security_group_id") is not Setting.UNSET:
        return  # azurerm 1.x/2.x inline argument
    if snapshot.linked(resource, _ASSOCIATION, "subnet_id"):
        return
    # keyed by the subnet's condition: only an association there whenever the subnet is counts (ADR 0361)
    if snapshot.memo(("subnet-nsg-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # an association whose subnet is known only after apply may be this subnet's: no guess
    yield Hit("", "no network security group is associated with the subnet: nothing filters its traffic")


def _delegated_without_nsg(subnet: Resource) -> bool:
    for delegation in subnet.blocks("delegation"):
        services = delegation.get("service_delegation")
        for service in services if isinstance(services, list) else [services]:
            if isinstance(service, dict) and str(service.get("name", "")).lower() in _NO_NSG_DELEGATIONS:
                return True
    return False


def _has_unlinked(subnet: Resource, snapshot: Snapshot) -> bool:
    return any(
        association.get("subnet_id") is UNKNOWN
        and not any(ref.split(".")[-2:-1] == ["azurerm_subnet"] for ref in association.refs("subnet_id"))
        for association in snapshot.present_with(subnet, _ASSOCIATION)
    )


RULE = Rule(
    id="TFR-AZU-239",
    long_id="azure-subnet-nsg",
    title="Subnet has no network security group",
    severity=Severity.MEDIUM,
    provider="azure",
    category="networking",
    resource_types=("azurerm_subnet",),
    remediation="Create an `azurerm_network_security_group` with the rules the subnet's workloads need and attach it "
    "with `azurerm_subnet_network_security_group_association { subnet_id = azurerm_subnet.<name>.id  "
    "network_security_group_id = ... }`.",
    description="A subnet without a network security group filters nothing: Azure's default rules then allow all "
    "traffic within the virtual network and peered networks, and every VM or NIC later given a public IP there is "
    "reachable on every port from the internet unless its own NIC carries a group (Microsoft cloud security "
    'benchmark NS-1, "Subnets should be associated with a Network Security Group"). azurerm associates no group '
    "by default: only an `azurerm_subnet_network_security_group_association` whose `subnet_id` is the subnet (by "
    "reference or by its id), or the older inline `network_security_group_id`, counts. Subnets that Azure reserves "
    "for a service refusing a group (GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, "
    "RouteServerSubnet) and subnets delegated to Azure NetApp Files are not judged. When some association's "
    "`subnet_id` is known only after apply and comes through a variable, it may be this subnet's and the rule "
    "stays silent. Medium: a missing network control, not an exposure by itself.",
    defaults=(("network_security_group_id", "none: Azure applies only its default allow-in-VNet rules"),),
    references=References(checkov=("CKV2_AZURE_31",)),
    check=check,
)
