"""No VPC firewall rule admitting SSH (port 22) from the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.firewall import FIREWALL_TYPES, allows_tcp, world_sources


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    sources = world_sources(resource)
    if sources is None or not allows_tcp(resource, 22):
        return
    origin = ", ".join(sources) if sources else "anywhere (no source set, so GCP applies 0.0.0.0/0)"
    yield Hit("source_ranges", f"SSH (port 22) is allowed from {origin}", list(sources))


RULE = Rule(
    id="TFR-GCP-001",
    long_id="gcp-firewall-no-public-ssh",
    title="VPC firewall allows SSH (port 22) from 0.0.0.0/0",
    severity=Severity.HIGH,
    provider="gcp",
    category="networking",
    resource_types=FIREWALL_TYPES,
    remediation="Restrict `source_ranges` to known networks, or use IAP TCP forwarding "
    '(`source_ranges = ["35.235.240.0/20"]`) or OS Login through a bastion instead of opening port 22.',
    description="Port 22 open to the internet is scanned and brute-forced within minutes. High, as for the AWS and "
    "Azure equivalents. `0.0.0.0/0` or `::/0` in `source_ranges` counts, and so does an ingress rule with no "
    "source at all (GCP then applies 0.0.0.0/0). Protocol `tcp` or `all` with no `ports`, `22` or a range "
    "containing it is flagged; disabled and EGRESS rules are not.",
    references=References(checkov=("CKV_GCP_2",), trivy=("AVD-GCP-0027", "google-compute-no-public-ingress")),
    check=check,
)
