"""No VPC firewall rule admitting plain HTTP (port 80) from the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.firewall import FIREWALL_TYPES, world_sources
from tfreview.rules.support.firewall_ports import listed_tcp_ports


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    sources = world_sources(resource)
    if sources is None or not listed_tcp_ports(resource, (80,)):
        return
    origin = ", ".join(sources) if sources else "anywhere (no source set, so GCP applies 0.0.0.0/0)"
    yield Hit("source_ranges", f"plain HTTP (port 80) is allowed from {origin}", list(sources))


RULE = Rule(
    id="TFR-GCP-222",
    long_id="gcp-firewall-no-public-http",
    title="VPC firewall allows plain HTTP (port 80) from 0.0.0.0/0",
    severity=Severity.MEDIUM,
    provider="gcp",
    category="networking",
    resource_types=FIREWALL_TYPES,
    remediation="Serve the site over HTTPS through an external Application Load Balancer (its `ssl_policy` and an "
    "HTTP-to-HTTPS redirect in the URL map), and admit port 80 on the instances only from Google's load-balancer "
    'and health-check ranges (`source_ranges = ["130.211.0.0/22", "35.191.0.0/16"]`).',
    description="Port 80 carries unencrypted traffic that can be read and altered in transit, and a VM reachable on "
    "it directly bypasses the load balancer, its TLS and its Cloud Armor policy. Medium, not high, as for AWS "
    "security groups (TFR-AWS-015): a public web endpoint is often intended and the usual fix is a redirect. An "
    "enabled ingress rule is flagged when `source_ranges` holds `0.0.0.0/0` or `::/0` (or no source is set at all: "
    "GCP then applies 0.0.0.0/0) and an `allow` block for `tcp` or `all` lists `80` or a range containing it in "
    "`ports`. A block without `ports` opens every port and is reported by the SSH and RDP rules (TFR-GCP-001/002) "
    "rather than once more here.",
    references=References(checkov=("CKV_GCP_106",), trivy=("AVD-GCP-0027", "google-compute-no-public-ingress")),
    check=check,
)
