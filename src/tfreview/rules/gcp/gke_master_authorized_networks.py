"""GKE control planes must only be reachable from authorized networks."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, terraform_bool

_CONFIG = "master_authorized_networks_config"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    private = terraform_bool(resource.get("private_cluster_config.0.enable_private_endpoint"))
    if private is True or private is UNKNOWN or resource.get(_CONFIG) is UNKNOWN:
        return
    if not resource.blocks(_CONFIG):
        yield Hit(_CONFIG, "no master_authorized_networks_config: the Kubernetes API accepts connections from any IP")
        return
    for index in range(len(resource.blocks(f"{_CONFIG}.0.cidr_blocks"))):
        path = f"{_CONFIG}.0.cidr_blocks.{index}.cidr_block"
        value = resource.get(path)
        if isinstance(value, str) and value.strip().endswith("/0"):
            yield Hit(path, f"authorized network {value} admits the whole internet to the Kubernetes API", value)


RULE = Rule(
    id="TFR-GCP-008",
    long_id="gcp-gke-master-authorized-networks",
    title="GKE control plane is reachable from any IP address",
    severity=Severity.MEDIUM,
    provider="gcp",
    category="networking",
    resource_types=("google_container_cluster",),
    remediation="Add `master_authorized_networks_config` with `cidr_blocks` for the networks that run kubectl "
    "and CI, or make the endpoint private (`private_cluster_config { enable_private_endpoint = true }`).",
    description="Without authorized networks the public Kubernetes API endpoint answers the whole internet, "
    "exposing it to credential attacks and to any API-server vulnerability before a patch lands. Medium: "
    "requests still need valid credentials. Clusters with a private endpoint are not flagged; an authorized "
    "block of `0.0.0.0/0` is flagged like a missing configuration (Checkov's CKV_GCP_18 judges that case alone).",
    references=References(checkov=("CKV_GCP_20", "CKV_GCP_18"), trivy=("AVD-GCP-0061",)),
    check=check,
)
