"""VPC firewall helpers shared by the GCP network rules (not a rule: it exports no RULE).

An ingress `google_compute_firewall` with no `source_ranges`, `source_tags` or
`source_service_accounts` applies to 0.0.0.0/0, so an absent source is as open as an explicit one.
`direction` is computed by the provider: a plan shows it unknown when the configuration leaves it
out, and the API then defaults it to INGRESS, so an unknown direction is read as ingress.
"""

from __future__ import annotations

from typing import Any

from tfreview.core.rules import Resource
from tfreview.core.values import UNKNOWN, terraform_bool
from tfreview.rules.support.port_ranges import range_covers

FIREWALL_TYPES = ("google_compute_firewall",)
WORLD = ("0.0.0.0/0", "::/0")


def _empty(value: Any) -> bool:
    return value is not UNKNOWN and not value


def world_sources(resource: Resource) -> tuple[str, ...] | None:
    """The source ranges when an enabled ingress rule admits the whole internet (`()` if implicitly), else None."""
    disabled = terraform_bool(resource.get("disabled"))  # `"false"` from a 0.11-era module is false (ADR 0725)
    if resource.get("direction") not in (None, UNKNOWN, "INGRESS") or disabled not in (None, False):
        return None
    ranges = resource.get("source_ranges")
    if ranges is UNKNOWN or not all(isinstance(r, str) for r in ranges or ()):
        return None
    if any(r in WORLD for r in ranges or ()):
        return tuple(ranges)
    if _empty(ranges) and _empty(resource.get("source_tags")) and _empty(resource.get("source_service_accounts")):
        return ()
    return None


def allows_tcp(resource: Resource, port: int) -> bool:
    """True when an `allow` block admits TCP traffic to `port` (no `ports` means every port)."""
    for index, block in enumerate(resource.blocks("allow")):
        if str(block.get("protocol")).lower() not in ("tcp", "all", "6"):
            continue
        ports = resource.get(f"allow.{index}.ports")
        if ports is UNKNOWN:
            continue
        if not ports or any(range_covers(text, port) for text in ports):
            return True
    return False
