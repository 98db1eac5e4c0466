"""GKE clusters must not enable legacy ABAC authorization."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("enable_legacy_abac") is True:
        yield Hit("enable_legacy_abac", "legacy ABAC is enabled: it grants broad static permissions beside RBAC", True)


RULE = Rule(
    id="TFR-GCP-007",
    long_id="gcp-gke-no-legacy-abac",
    title="GKE cluster has legacy ABAC authorization enabled",
    severity=Severity.HIGH,
    provider="gcp",
    category="iam",
    resource_types=("google_container_cluster",),
    remediation="Remove `enable_legacy_abac` (it defaults to false) and grant access with Kubernetes RBAC and IAM.",
    description="Legacy ABAC grants broad, statically defined permissions that RBAC cannot narrow (with it on, "
    "service accounts and users can get far more than their RBAC roles say), so a compromised pod can often "
    "take over the cluster: High. Only an explicit `true` is flagged; the default is false.",
    references=("CKV_GCP_7", "AVD-GCP-0062", "google-gke-use-rbac-permissions"),
    check=check,
)
