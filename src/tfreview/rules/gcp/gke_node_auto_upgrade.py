"""GKE node pools should upgrade nodes automatically."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.gke_management import management_hits


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield from management_hits(resource, snapshot, "auto_upgrade", "automatic node upgrade is off for this node pool")


RULE = Rule(
    id="TFR-GCP-114",
    long_id="gcp-gke-node-auto-upgrade",
    title="GKE node pool has automatic node upgrade disabled",
    severity=Severity.LOW,
    provider="gcp",
    category="general",
    resource_types=("google_container_node_pool",),
    remediation="Remove `auto_upgrade = false` from the `management` block (it defaults to true from google provider "
    "5.0) or set it to true; with an older provider, set it to true.",
    description="Without auto-upgrade nodes keep their Kubernetes and OS versions, and with them every published "
    "vulnerability, until someone upgrades by hand: Low. "
    "The google provider defaults `management.auto_upgrade` to true since 5.0, so an explicit "
    "false is flagged, and an unset attribute only when the configuration pins the provider below 5.0 "
    '(`version = "~> 4.0"`, `2.5.0`…), whose default was false.',
    references=References(checkov=("CKV_GCP_10",), trivy=("google-gke-enable-auto-upgrade",)),
    check=check,
    defaults=(("management.auto_upgrade", "true (google provider 5.0 and later); false before 5.0"),),
)
