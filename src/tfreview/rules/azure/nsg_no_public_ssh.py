"""No network-security-group rule admitting SSH (port 22) from the internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.nsg import NSG_TYPES, inbound_allows


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for allow in inbound_allows(resource):
        if allow.from_internet and allow.covers(22):
            sources = ", ".join(allow.sources)
            yield Hit(allow.path, f"SSH (port 22) is allowed inbound from {sources}", list(allow.sources))


RULE = Rule(
    id="TFR-AZU-005",
    long_id="azure-nsg-no-public-ssh",
    title="Network security group allows SSH (port 22) from the internet",
    severity=Severity.HIGH,
    provider="azure",
    category="networking",
    resource_types=NSG_TYPES,
    remediation="Restrict `source_address_prefix` to known ranges, or reach VMs through Azure Bastion or "
    "just-in-time VM access instead of opening port 22.",
    description="Port 22 open to the internet is scanned and brute-forced within minutes of exposure. High, as for "
    "the AWS equivalent. Sources `*`, `Internet`, `Any`, `0.0.0.0` and any `/0` count as the internet; "
    "destination ports `22`, ranges such as `20-30` and `*` count; protocol `Tcp` or `*`. Standalone "
    "`azurerm_network_security_rule` resources and inline `security_rule` blocks are both checked.",
    references=References(checkov=("CKV_AZURE_10",), trivy=("AVD-AZU-0050",)),
    check=check,
)
