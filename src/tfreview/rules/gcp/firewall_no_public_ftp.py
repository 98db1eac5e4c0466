"""No VPC firewall rule admitting FTP (ports 20 and 21) from the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.firewall import FIREWALL_TYPES, world_sources
from tfreview.rules.support.firewall_ports import listed_tcp_ports


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    sources = world_sources(resource)
    ports = listed_tcp_ports(resource, (20, 21)) if sources is not None else []
    if sources is None or not ports:
        return
    origin = ", ".join(sources) if sources else "anywhere (no source set, so GCP applies 0.0.0.0/0)"
    shown = " and ".join(str(port) for port in ports)
    yield Hit("source_ranges", f"FTP (port {shown}) is allowed from {origin}", list(sources))


RULE = Rule(
    id="TFR-GCP-223",
    long_id="gcp-firewall-no-public-ftp",
    title="VPC firewall allows FTP (ports 20/21) from 0.0.0.0/0",
    severity=Severity.HIGH,
    provider="gcp",
    category="networking",
    resource_types=FIREWALL_TYPES,
    remediation="Replace FTP with SFTP or a Cloud Storage bucket (signed URLs, `gcloud storage`), or restrict "
    "`source_ranges` to the partners' addresses; never admit ports 20/21 from 0.0.0.0/0.",
    description="FTP sends user names, passwords and files in clear text, and an FTP server on the internet is "
    "scanned and brute-forced continuously; anyone on the path can read the credentials. High, as for SSH and "
    "RDP open to the world (TFR-GCP-001/002). An enabled ingress rule is flagged when `source_ranges` holds "
    "`0.0.0.0/0` or `::/0` (or no source is set: GCP then applies 0.0.0.0/0) and an `allow` block for `tcp` or "
    "`all` lists port 20 or 21 (or a range containing them) in `ports`; a block without `ports` opens every port "
    "and is reported by the SSH and RDP rules instead.",
    references=References(
        checkov=("CKV_GCP_75", "CKV_GCP_77"), trivy=("AVD-GCP-0027", "google-compute-no-public-ingress")
    ),
    check=check,
)
