"""Network interfaces should not carry a public IP address: put VMs behind a load balancer, gateway or Bastion."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    # references are recorded per top-level argument: an unknown id counts when the block list refers to a public IP
    names_public_ip = any(ref.split(".")[-2:-1] == ["azurerm_public_ip"] for ref in resource.refs("ip_configuration"))
    for index, _ in enumerate(resource.blocks("ip_configuration")):
        path = f"ip_configuration.{index}.public_ip_address_id"
        value = resource.get(path)
        setting = resource.setting_of(path, value)
        if setting is Setting.SET and isinstance(value, str):
            yield Hit(
                path, "the interface has a public IP address: whatever listens on it is reachable from the internet"
            )
        elif setting is Setting.UNKNOWN and value is UNKNOWN and names_public_ip:
            yield Hit(
                "",
                f"ip_configuration {index} takes a public IP address (`azurerm_public_ip`): whatever listens on it is "
                "reachable from the internet",
            )


RULE = Rule(
    id="TFR-AZU-241",
    long_id="azure-nic-no-public-ip",
    title="Network interface has a public IP address",
    severity=Severity.MEDIUM,
    provider="azure",
    category="networking",
    resource_types=("azurerm_network_interface",),
    remediation="Remove `public_ip_address_id` from the interface's `ip_configuration` and reach the VM through Azure "
    "Bastion, a VPN or ExpressRoute gateway, or publish its service through a load balancer or Application Gateway "
    "(with a WAF); keep a public IP only on a deliberate edge VM, with a network security group allowing only the "
    "ports it serves.",
    description="A public IP on a network interface makes the VM directly addressable from the internet: every port "
    "its network security groups leave open (and every service when no group applies) is exposed to scanning and "
    'brute force (Azure Policy built-in "Network interfaces should not have public IPs"; Microsoft cloud security '
    "benchmark NS-1). azurerm assigns no public IP unless `ip_configuration.public_ip_address_id` is set, so only "
    "an interface that sets it is flagged: a known id, or an expression referring to an `azurerm_public_ip` (an id "
    "from an input variable may be null and is not judged). Medium, as for EC2 instances with a public IP "
    "(TFR-AWS-026).",
    defaults=(("ip_configuration.public_ip_address_id", "none: no public IP"),),
    references=References(checkov=("CKV_AZURE_119",)),
    check=check,
)
