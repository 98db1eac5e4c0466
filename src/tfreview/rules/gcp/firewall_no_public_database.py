"""No VPC firewall rule admitting a database port from the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.firewall import FIREWALL_TYPES, world_sources
from tfreview.rules.support.firewall_ports import listed_tcp_ports

# the default ports of the databases most often self-hosted on Compute Engine
_DATABASES = {
    1433: "SQL Server",
    3306: "MySQL",
    5432: "PostgreSQL",
    6379: "Redis",
    9200: "Elasticsearch",
    27017: "MongoDB",
}


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    sources = world_sources(resource)
    ports = listed_tcp_ports(resource, tuple(_DATABASES)) if sources is not None else []
    if sources is None or not ports:
        return
    origin = ", ".join(sources) if sources else "anywhere (no source set, so GCP applies 0.0.0.0/0)"
    shown = ", ".join(f"{_DATABASES[port]} ({port})" for port in ports)
    yield Hit("source_ranges", f"TCP ports allowed from {origin} include the default port of {shown}", list(sources))


RULE = Rule(
    id="TFR-GCP-224",
    long_id="gcp-firewall-no-public-database",
    title="VPC firewall allows a database port from 0.0.0.0/0",
    severity=Severity.HIGH,
    provider="gcp",
    category="networking",
    resource_types=FIREWALL_TYPES,
    remediation="Admit the database port only from the application's instances (`source_tags` or "
    "`source_service_accounts`) or subnets, or use Cloud SQL / Memorystore with private IP; reach it from outside "
    "through IAP TCP forwarding or a VPN.",
    description="A database listening on the internet is found within minutes by scanners and attacked with "
    "default credentials, brute force and known exploits; many (Redis, Elasticsearch, MongoDB) have no "
    "authentication unless configured. High, as for SSH and RDP open to the world (TFR-GCP-001/002). An enabled "
    "ingress rule is flagged when `source_ranges` holds `0.0.0.0/0` or `::/0` (or no source is set: GCP then "
    "applies 0.0.0.0/0) and an `allow` block for `tcp` or `all` lists a default port of SQL Server (1433), MySQL "
    "(3306), PostgreSQL (5432), Redis (6379), Elasticsearch (9200) or MongoDB (27017), or a range containing one, "
    "in `ports`; a block without `ports` opens every port and is reported by the SSH and RDP rules instead. "
    "Checkov checks only MySQL's port among these (CKV_GCP_88).",
    references=References(checkov=("CKV_GCP_88",), trivy=("AVD-GCP-0027", "google-compute-no-public-ingress")),
    check=check,
)
