"""Named TCP ports of GCP VPC firewall rules, for the per-service rules (not a rule: it exports no RULE).

A rule with no `ports` opens every port: the SSH and RDP rules report that case, so the rules about one
service (HTTP, FTP, databases) judge only the ports an `allow` block lists and report a rule once.
"""

from __future__ import annotations

from tfreview.core.rules import Resource
from tfreview.core.values import UNKNOWN
from tfreview.rules.support.port_ranges import range_covers


def listed_tcp_ports(resource: Resource, wanted: tuple[int, ...]) -> list[int]:
    """The `wanted` ports that an `allow` block for `tcp` (or `all`) names in its `ports`, in `wanted`'s order."""
    found: set[int] = set()
    for index, block in enumerate(resource.blocks("allow")):
        if str(block.get("protocol")).lower() not in ("tcp", "all", "6"):
            continue
        ports = resource.get(f"allow.{index}.ports")
        if ports is UNKNOWN or not ports:
            continue
        found.update(port for port in wanted if any(range_covers(str(text), port) for text in ports))
    return [port for port in wanted if port in found]
