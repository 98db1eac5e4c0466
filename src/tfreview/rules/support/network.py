"""Security-group helpers shared by the AWS network rules (not a rule: it exports no RULE).

Ingress can be written three ways, and a plan shows them all: inline `ingress` blocks of
`aws_security_group`, standalone `aws_security_group_rule` with `type = "ingress"`, and
`aws_vpc_security_group_ingress_rule` (one CIDR per rule).

What AWS reads (EC2 `IpPermission`): protocol `-1` (Terraform also takes `all`, and a number in HCL) is every
protocol on every port, with or without `from_port`/`to_port` (the VPC rule has none then); for tcp and udp the
ports are a range (so tcp 0-0 is port 0 alone: the "0 to 0 means everything" reading belongs to protocol -1, whose
ports AWS ignores), and `-1` as a port means "every ICMP type" only, so a tcp rule with -1 opens nothing more. Any
CIDR with prefix length 0 is every address, however it is written (`::/0`, `::0/0`, `0:0:0:0:0:0:0:0/0`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from ipaddress import ip_network
from typing import Any

from tfreview.core.rules import Resource, Snapshot
from tfreview.core.values import UNKNOWN

WORLD_V4 = "0.0.0.0/0"
WORLD_V6 = "::/0"
SG_TYPES = ("aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule")
# SG_TYPES plus the VPC's default security group, whose inline `ingress` blocks read like a group's
SG_TYPES_WITH_DEFAULT = (*SG_TYPES, "aws_default_security_group")
_INLINE_TYPES = ("aws_security_group", "aws_default_security_group")
_ALL_PROTOCOLS = {"-1", "all", -1}
_ALL_PROTOCOL_NAMES = frozenset(str(p) for p in _ALL_PROTOCOLS)  # the protocol as `str(…).lower()` reads it


@dataclass(frozen=True, slots=True)
class Ingress:
    path: str  # attribute path of the CIDR list (or single CIDR) that opens it
    cidrs: tuple[str, ...]
    protocol: Any
    from_port: Any
    to_port: Any

    @property
    def from_world(self) -> bool:
        return any(is_world(c) for c in self.cidrs)

    def covers(self, port: int) -> bool:
        protocol = str(self.protocol).lower()
        if protocol in _ALL_PROTOCOL_NAMES:
            return True
        if protocol not in ("tcp", "6", "udp", "17"):
            return False
        low, high = _port(self.from_port), _port(self.to_port)
        if low is None or high is None:
            return False
        return low <= port <= high

    @property
    def all_traffic(self) -> bool:
        if str(self.protocol).lower() in _ALL_PROTOCOL_NAMES:
            return True
        low, high = _port(self.from_port), _port(self.to_port)
        return low == 0 and high == 65535


def is_world(cidr: str) -> bool:
    """Whether `cidr` is every IPv4 or IPv6 address (prefix length 0, in any spelling)."""
    if cidr in (WORLD_V4, WORLD_V6):
        return True
    if not cidr.endswith("/0"):
        return False
    try:
        return ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _port(value: Any) -> int | None:
    if isinstance(value, bool) or value is UNKNOWN or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _cidrs(block: Mapping[str, Any], *keys: str) -> tuple[str, ...]:
    out: list[str] = []
    for key in keys:
        value = block.get(key)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, str))
    return tuple(out)


def ingress_of(resource: Resource) -> Iterator[Ingress]:
    """Every known ingress permission a security-group resource grants."""
    if resource.type in _INLINE_TYPES:
        for index, block in enumerate(resource.blocks("ingress")):
            for key in ("cidr_blocks", "ipv6_cidr_blocks"):
                cidrs = _cidrs(block, key)
                if cidrs:
                    yield Ingress(
                        f"ingress.{index}.{key}",
                        cidrs,
                        block.get("protocol"),
                        block.get("from_port"),
                        block.get("to_port"),
                    )
    elif resource.type == "aws_security_group_rule":
        if resource.get("type") != "ingress":
            return
        for key in ("cidr_blocks", "ipv6_cidr_blocks"):
            cidrs = _cidrs(resource.values, key)
            if cidrs:
                yield Ingress(key, cidrs, resource.get("protocol"), resource.get("from_port"), resource.get("to_port"))
    elif resource.type == "aws_vpc_security_group_ingress_rule":
        for key in ("cidr_ipv4", "cidr_ipv6"):
            cidrs = _cidrs(resource.values, key)
            if cidrs:
                yield Ingress(
                    key, cidrs, resource.get("ip_protocol"), resource.get("from_port"), resource.get("to_port")
                )


def snapshot_ingress_of(resource: Resource, snapshot: Snapshot) -> tuple[Ingress, ...]:
    """`ingress_of(resource)`, built once per resource and side of a review: the four public-port rules read the
    same permissions (ADR 0464). The memo holds the resource, so its `id` names no other while the snapshot lives."""
    held = snapshot.memo(("sg-ingress", str(id(resource))), lambda: (resource, tuple(ingress_of(resource))))
    return held[1]
