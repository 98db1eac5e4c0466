"""An update widens who may reach a network: new source CIDRs or a wider port range on ingress."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.rules import Hit, Resource, Rule
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, holds_unknown, mask_under
from tfreview.rules.support.network import SG_TYPES, ingress_of

_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_WORLD = {"0.0.0.0/0", "::/0", "*", "internet", "any"}
_OTHER_TYPES = ("azurerm_network_security_rule", "google_compute_firewall")
# the source of a base-side grant nobody knows (HCL: `cidr_blocks = var.cidrs`): it may be any source (ADR 0488)
_ANY_SOURCE = "(unknown)"


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
    if wide == _ANY_SOURCE or wide.lower() in _WORLD:
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


def _range(protocol_value: Any, from_port: Any, to_port: Any, *, strict: bool) -> tuple[str, int, int] | None:
    """(protocol, low, high) of one permission. Strict (the after side): None where it is not fully known. Lenient
    (before): gaps read as wide."""
    if protocol_value is None or protocol_value is UNKNOWN:
        if strict:
            return None
        protocol = "all"
    else:
        protocol = _PROTOCOLS.get(str(protocol_value).lower(), str(protocol_value).lower())
    low, high = _int(from_port), _int(to_port)
    if protocol == "all":
        return protocol, 0, 65535
    if low is None or high is None:
        return None if strict else (protocol, 0, 65535)
    if protocol in ("tcp", "udp") and low == 0 and high in (0, 65535):
        return protocol, 0, 65535
    return protocol, low, high


def _aws_grants(resource: Resource, *, strict: bool) -> Iterator[Grant]:
    for ingress in ingress_of(resource):
        known = _range(ingress.protocol, ingress.from_port, ingress.to_port, strict=strict)
        if known is not None:
            for cidr in ingress.cidrs:
                yield Grant(ingress.path, cidr, *known)
    if not strict and resource.unknown:
        yield from _unknown_aws_grants(resource)


def _unknown(resource: Resource, path: str) -> bool:
    """The side holds a value nobody knows at `path` or inside it (an HCL side; a plan's state has none)."""
    return holds_unknown(mask_under(resource.unknown, path))


def _unknown_aws_grants(resource: Resource) -> Iterator[Grant]:
    """The before side's ingress whose sources nobody knows (an HCL base: `cidr_blocks = var.cidrs`, a `dynamic`
    block over a variable), each read as the widest grant it may be: any source, on the protocol and ports its
    block states, or on all traffic where they are unknown too (ADR 0488)."""
    if resource.type == "aws_security_group":
        blocks = resource.get("ingress")
        if blocks is UNKNOWN:
            yield Grant("ingress", _ANY_SOURCE, "all", 0, 65535)
            return
        for index, block in enumerate(blocks if isinstance(blocks, list) else []):
            path = f"ingress.{index}"
            if not isinstance(block, Mapping):  # a whole block nobody knows (`ingress = [var.rule]`)
                if _unknown(resource, path):
                    yield Grant(path, _ANY_SOURCE, "all", 0, 65535)
            elif _unknown(resource, f"{path}.cidr_blocks") or _unknown(resource, f"{path}.ipv6_cidr_blocks"):
                known = _range(block.get("protocol"), block.get("from_port"), block.get("to_port"), strict=False)
                yield Grant(path, _ANY_SOURCE, *(known or ("all", 0, 65535)))
        return
    if resource.type == "aws_security_group_rule":
        direction, keys, protocol = resource.get("type"), ("cidr_blocks", "ipv6_cidr_blocks"), "protocol"
        if direction is UNKNOWN:  # may be an ingress rule: its known sources may be granted too
            values = resource.values
            cidrs = [c for key in keys for c in _strings(values.get(key))]
        elif direction != "ingress":
            return
        else:
            cidrs = []
    else:
        keys, protocol, cidrs = ("cidr_ipv4", "cidr_ipv6"), "ip_protocol", []
    if any(_unknown(resource, key) for key in keys):
        cidrs.append(_ANY_SOURCE)
    if cidrs:
        known = _range(resource.get(protocol), resource.get("from_port"), resource.get("to_port"), strict=False)
        for cidr in cidrs:
            yield Grant("", cidr, *(known or ("all", 0, 65535)))


def _strings(value: Any) -> list[str]:
    """The texts of a value that is one text or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _may_be(value: Any, expected: str, *, strict: bool) -> bool:
    """`value` is `expected` (case aside); an unknown one may be, on the lenient (before) side only."""
    return not strict if value is UNKNOWN else str(value).lower() == expected


def _sources_grants(resource: Resource, *, strict: bool) -> Iterator[Grant]:
    """Azure NSG rules and GCP firewalls: compared by source only (ports are not compared)."""
    if resource.type == "azurerm_network_security_rule":
        if not _may_be(resource.get("direction"), "inbound", strict=strict) or not _may_be(
            resource.get("access"), "allow", strict=strict
        ):
            return
        keys: tuple[str, ...] = ("source_address_prefix", "source_address_prefixes")
    else:
        direction = resource.get("direction")
        if direction is not None and not _may_be(direction, "ingress", strict=strict):
            return
        if not resource.blocks("allow") and (strict or not _unknown(resource, "allow")):
            return
        keys = ("source_ranges",)
    for key in keys:
        for source in _strings(resource.get(key)):
            if source:
                yield Grant(key, source, "any", 0, 65535)
        if not strict and resource.unknown and _unknown(resource, key):
            yield Grant(key, _ANY_SOURCE, "any", 0, 65535)


def _grants(resource: Resource, *, strict: bool) -> list[Grant]:
    if resource.type in SG_TYPES:
        return list(_aws_grants(resource, strict=strict))
    return list(_sources_grants(resource, strict=strict))


def check_change(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    if change.kind not in (ChangeKind.UPDATE, ChangeKind.REPLACE) or not change.before or not change.after:
        return
    # the before side with its unknowns: HCL's base mask (ADR 0475), None in plan mode (the state is known)
    before = Resource(change.address, change.type, change.name, change.before, change.before_unknown)
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
    "Sources that are other security groups are not compared, and values known only after apply never count. "
    "In an HCL diff, base sources tfreview cannot evaluate (a variable, a module input, a `dynamic` block over "
    "one) may have been any source on the ports their block states, so the head cannot be said to widen them.",
    check_change=check_change,
    change_kinds=(ChangeKind.UPDATE, ChangeKind.REPLACE),
)
