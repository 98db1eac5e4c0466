"""No network-security-group rule admitting RDP (port 3389) from the internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.nsg import NSG_TYPES, inbound_allows


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for allow in inbound_allows(resource):
        if allow.from_internet and allow.covers(3389, ("tcp", "udp")):
            sources = ", ".join(allow.sources)
            yield Hit(allow.path, f"RDP (port 3389) is allowed inbound from {sources}", list(allow.sources))


RULE = Rule(
    id="TFR-AZU-006",
    long_id="azure-nsg-no-public-rdp",
    title="Network security group allows RDP (port 3389) from the internet",
    severity=Severity.HIGH,
    provider="azure",
    category="networking",
    resource_types=NSG_TYPES,
    remediation="Restrict `source_address_prefix` to known ranges, or reach VMs through Azure Bastion or "
    "just-in-time VM access instead of opening port 3389.",
    description="Internet-facing RDP is one of the most common ransomware entry points (credential stuffing and "
    "RDP vulnerabilities such as BlueKeep), hence High. RDP runs over TCP and UDP 3389, so both protocols count, "
    "as does `*`. Sources `*`, `Internet`, `Any`, `0.0.0.0` and any `/0` count as the internet. Standalone "
    "`azurerm_network_security_rule` resources and inline `security_rule` blocks are both checked.",
    references=References(checkov=("CKV_AZURE_9",), trivy=("AVD-AZU-0048",)),
    check=check,
)
