"""Network-security-group helpers shared by the Azure NSG rules (not a rule: it exports no RULE).

Inbound rules are written two ways, and a plan shows both: standalone `azurerm_network_security_rule`
resources and inline `security_rule` blocks of `azurerm_network_security_group`. A plan writes every
attribute of a rule, unused ones as `""` or `null`; values known only after apply are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tfreview.core.rules import Resource
from tfreview.rules.support.port_ranges import range_covers

NSG_TYPES = ("azurerm_network_security_group", "azurerm_network_security_rule")
# Azure's service tag and wildcards for "anywhere"; any `/0` prefix counts too.
_INTERNET = {"*", "any", "internet", "0.0.0.0", "0.0.0.0/0", "::/0"}


@dataclass(frozen=True, slots=True)
class InboundAllow:
    path: str  # attribute path of the source prefix (or prefixes) that admit the traffic
    sources: tuple[str, ...]
    protocol: Any
    ports: tuple[str, ...]  # destination port ranges as written: "22", "20-30", "*"

    @property
    def from_internet(self) -> bool:
        return any(s.strip().lower() in _INTERNET or s.strip().endswith("/0") for s in self.sources)

    def covers(self, port: int, protocols: tuple[str, ...] = ("tcp",)) -> bool:
        protocol = str(self.protocol).lower()
        if protocol not in ("*", "any", *protocols):
            return False
        return any(range_covers(text, port) for text in self.ports)


def _strings(resource: Resource, *paths: str) -> tuple[str, ...]:
    out: list[str] = []
    for path in paths:
        value = resource.get(path)
        if isinstance(value, str) and value:
            out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, str) and v)
    return tuple(out)


def _allows(resource: Resource, prefix: str) -> Iterator[InboundAllow]:
    if str(resource.get(prefix + "direction")).lower() != "inbound":
        return
    if str(resource.get(prefix + "access")).lower() != "allow":
        return
    ports = _strings(resource, prefix + "destination_port_range", prefix + "destination_port_ranges")
    protocol = resource.get(prefix + "protocol")
    for key in ("source_address_prefix", "source_address_prefixes"):
        sources = _strings(resource, prefix + key)
        if sources:
            yield InboundAllow(prefix + key, sources, protocol, ports)


def inbound_allows(resource: Resource) -> Iterator[InboundAllow]:
    """Every known inbound Allow rule an NSG resource defines."""
    if resource.type == "azurerm_network_security_rule":
        yield from _allows(resource, "")
    elif resource.type == "azurerm_network_security_group":
        for index in range(len(resource.blocks("security_rule"))):
            yield from _allows(resource, f"security_rule.{index}.")
