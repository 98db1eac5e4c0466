"""No VPC firewall rule admitting RDP (port 3389) from the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.firewall import FIREWALL_TYPES, allows_tcp, world_sources


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    sources = world_sources(resource)
    if sources is None or not allows_tcp(resource, 3389):
        return
    origin = ", ".join(sources) if sources else "anywhere (no source set, so GCP applies 0.0.0.0/0)"
    yield Hit("source_ranges", f"RDP (port 3389) is allowed from {origin}", list(sources))


RULE = Rule(
    id="TFR-GCP-002",
    long_id="gcp-firewall-no-public-rdp",
    title="VPC firewall allows RDP (port 3389) from 0.0.0.0/0",
    severity=Severity.HIGH,
    provider="gcp",
    category="networking",
    resource_types=FIREWALL_TYPES,
    remediation="Restrict `source_ranges` to known networks, or use IAP TCP forwarding "
    '(`source_ranges = ["35.235.240.0/20"]`) instead of opening port 3389 to the internet.',
    description="Internet-facing RDP is a leading ransomware entry point (credential stuffing, RDP exploits), "
    "hence High. `0.0.0.0/0` or `::/0` in `source_ranges` counts, and so does an ingress rule with no source at "
    "all (GCP then applies 0.0.0.0/0). Protocol `tcp` or `all` with no `ports`, `3389` or a range containing it "
    "is flagged; disabled and EGRESS rules are not.",
    references=References(checkov=("CKV_GCP_3",), trivy=("AVD-GCP-0027", "google-compute-no-public-ingress")),
    check=check,
)
