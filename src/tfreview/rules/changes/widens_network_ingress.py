"""An update widens who may reach a network: new source CIDRs or a wider port range on ingress."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.rules import Hit, Resource, Rule
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN
from tfreview.rules.support.network import SG_TYPES, ingress_of

_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_WORLD = {"0.0.0.0/0", "::/0", "*", "internet", "any"}
_OTHER_TYPES = ("azurerm_network_security_rule", "google_compute_firewall")


@dataclass(frozen=True, slots=True)
class Grant:
    path: str
    source: str
    protocol: str  # all | tcp | udp | icmp | …; "any" where only sources are compared
    low: int
    high: int

    def covers(self, other: Grant) -> bool:
        return (
            _source_covers(self.source, other.source)
            and self.protocol in ("all", "any", other.protocol)
            and self.low <= other.low
            and other.high <= self.high
        )

    def describe(self) -> str:
        if self.protocol == "any":
            return f"source {self.source}"
        if self.protocol == "all":
            return f"{self.source} on all traffic"
        ports = "all ports" if (self.low, self.high) == (0, 65535) else f"{self.low}-{self.high}"
        if self.low == self.high:
            ports = str(self.low)
        return f"{self.source} on {self.protocol} {ports}"


def _source_covers(wide: str, narrow: str) -> bool:
    if wide.lower() in _WORLD:
        return True
    if wide == narrow:
        return True
    try:
        outer, inner = ipaddress.ip_network(wide, strict=False), ipaddress.ip_network(narrow, strict=False)
    except ValueError:
        return False
    return outer.version == inner.version and inner.subnet_of(outer)  # type: ignore[arg-type]  # versions checked first


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None or value is UNKNOWN:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _aws_grants(resource: Resource, *, strict: bool) -> Iterator[Grant]:
    """Strict (the after side): skip what is not fully known. Lenient (before): read gaps as wide."""
    for ingress in ingress_of(resource):
        if ingress.protocol is None or ingress.protocol is UNKNOWN:
            if strict:
                continue
            protocol = "all"
        else:
            protocol = _PROTOCOLS.get(str(ingress.protocol).lower(), str(ingress.protocol).lower())
        low, high = _int(ingress.from_port), _int(ingress.to_port)
        if protocol == "all":
            low, high = 0, 65535
        elif low is None or high is None:
            if strict:
                continue
            low, high = 0, 65535
        elif protocol in ("tcp", "udp") and low == 0 and high in (0, 65535):
            low, high = 0, 65535
        for cidr in ingress.cidrs:
            yield Grant(ingress.path, cidr, protocol, low, high)


def _sources_grants(resource: Resource) -> Iterator[Grant]:
    """Azure NSG rules and GCP firewalls: compared by source only (ports are not compared)."""
    if resource.type == "azurerm_network_security_rule":
        direction, access = resource.get("direction"), resource.get("access")
        if str(direction).lower() != "inbound" or str(access).lower() != "allow":
            return
        keys: tuple[str, ...] = ("source_address_prefix", "source_address_prefixes")
    else:
        direction = resource.get("direction")
        if direction is UNKNOWN or (direction is not None and str(direction).upper() != "INGRESS"):
            return
        if not resource.blocks("allow"):
            return
        keys = ("source_ranges",)
    for key in keys:
        value = resource.get(key)
        for source in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
            if isinstance(source, str) and source:
                yield Grant(key, source, "any", 0, 65535)


def _grants(resource: Resource, *, strict: bool) -> list[Grant]:
    if resource.type in SG_TYPES:
        return list(_aws_grants(resource, strict=strict))
    return list(_sources_grants(resource))


def check_change(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    if change.kind not in (ChangeKind.UPDATE, ChangeKind.REPLACE) or not change.before or not change.after:
        return
    before = Resource(change.address, change.type, change.name, change.before)
    after = Resource(change.address, change.type, change.name, change.after, change.after_unknown)
    old = _grants(before, strict=False)
    added: dict[str, list[Grant]] = {}
    for grant in _grants(after, strict=True):
        if not any(b.covers(grant) for b in old) and grant not in added.get(grant.path, []):
            added.setdefault(grant.path, []).append(grant)
    for path, grants in added.items():
        world = any(g.source.lower() in _WORLD for g in grants)
        shown = "; ".join(g.describe() for g in grants[:5]) + ("; …" if len(grants) > 5 else "")
        lead = "opens ingress to the whole internet" if world else "widens ingress"
        sources = sorted({g.source for g in grants})
        yield Hit(path, f"{lead}: now allows {shown}, which the current rules do not", sources)


RULE = Rule(
    id="TFR-CHG-004",
    long_id="change-widens-network-ingress",
    title="The change widens network ingress (new source ranges or ports)",
    severity=Severity.HIGH,
    provider="change",
    category="networking",
    resource_types=(*SG_TYPES, *_OTHER_TYPES),
    remediation="Check that the new source ranges and ports are intended; prefer the narrowest CIDR, a security "
    "group or prefix-list source, or a load balancer in front instead of opening ingress directly.",
    description="Compares the ingress a security group grants before and after an in-place update (or replace): "
    "a new source CIDR, notably 0.0.0.0/0 or ::/0, or a port range wider than before. Covers inline `ingress` "
    "blocks, `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule`; for "
    "`azurerm_network_security_rule` and `google_compute_firewall` only new source ranges are compared. "
    "Sources that are other security groups are not compared, and values known only after apply never count.",
    check_change=check_change,
    change_kinds=(ChangeKind.UPDATE, ChangeKind.REPLACE),
)
