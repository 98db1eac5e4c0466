"""Cloud SQL instances must not authorize the whole internet to reach their public IP."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool

IP_CONFIG = "settings.0.ip_configuration.0"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if terraform_bool(resource.get(f"{IP_CONFIG}.ipv4_enabled")) is False:
        return  # no public IP: authorized networks have no effect
    for index in range(len(resource.blocks(f"{IP_CONFIG}.authorized_networks"))):
        path = f"{IP_CONFIG}.authorized_networks.{index}.value"
        value = resource.get(path)
        if isinstance(value, str) and value.strip().endswith("/0"):
            yield Hit(path, f"authorized network {value} lets any address on the internet reach the instance", value)


RULE = Rule(
    id="TFR-GCP-006",
    long_id="gcp-sql-no-world-authorized-network",
    title="Cloud SQL instance authorizes 0.0.0.0/0 on its public IP",
    severity=Severity.HIGH,
    provider="gcp",
    category="networking",
    resource_types=("google_sql_database_instance",),
    remediation="List only the client ranges that need the instance in `authorized_networks`, or set "
    "`ipv4_enabled = false` and connect over private IP or the Cloud SQL Auth Proxy.",
    description="An authorized network ending in `/0` opens the database port on the public IP to every scanner on "
    "the internet, leaving only the database password between an attacker and the data: High. Instances with "
    "`ipv4_enabled = false` are not flagged, since authorized networks then have no effect.",
    references=References(checkov=("CKV_GCP_11",), trivy=("AVD-GCP-0017",)),
    check=check,
)
