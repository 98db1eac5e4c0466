"""GKE nodes should expose the GKE metadata server, not the Compute Engine one (a node pool's unset mode follows
its cluster's Workload Identity: ADR 0656)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, not_a_bool, terraform_bool

_CLUSTER = "google_container_cluster"
_MODE = "node_config.workload_metadata_config.mode"
_LEGACY = "node_config.workload_metadata_config.node_metadata"
_MESSAGE = "the nodes expose the Compute Engine metadata server to pods"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    mode, legacy = resource.get(_MODE), resource.get(_LEGACY)
    if (mode is UNKNOWN or legacy is UNKNOWN) and Setting.UNKNOWN in (
        resource.setting_of(_MODE, mode),
        resource.setting_of(_LEGACY, legacy),
    ):
        return  # an expression known only after apply
    if mode == "GKE_METADATA" or legacy == "GKE_METADATA_SERVER":
        return
    if mode not in (None, UNKNOWN):
        yield Hit(_MODE, f"{_MESSAGE} (workload_metadata_config.mode is {mode}, not GKE_METADATA)", str(mode))
        return
    if legacy not in (None, UNKNOWN):
        yield Hit(_LEGACY, f"{_MESSAGE} (node_metadata is {legacy}, not GKE_METADATA_SERVER)", str(legacy))
        return
    # the mode is not written: GKE gives the nodes the GKE metadata server only when their cluster runs Workload
    # Identity (Autopilot always does)
    written = resource.setting("node_config") is Setting.SET
    if resource.type == _CLUSTER:
        yield from _cluster(resource, written)
    else:
        yield from _node_pool(resource, snapshot, written)


def _identity(cluster: Resource) -> bool | None:
    """Whether the cluster's nodes get the GKE metadata server by default: Workload Identity or Autopilot."""
    autopilot = terraform_bool(cluster.get("enable_autopilot"))
    pool = cluster.get("workload_identity_config.workload_pool")
    if autopilot is True or (pool is not None and pool is not UNKNOWN and pool != ""):
        return True
    if autopilot is UNKNOWN or cluster.setting("workload_identity_config") is Setting.UNKNOWN or pool is UNKNOWN:
        return None
    return False


def _cluster(cluster: Resource, written: bool) -> Iterator[Hit]:
    identity = _identity(cluster)
    if identity is not False:
        return
    if not written:  # no node_config: the default node pool, unless the cluster removes it
        removed = terraform_bool(cluster.get("remove_default_node_pool"))
        if removed is True or removed is UNKNOWN or not_a_bool(removed):
            return
    yield Hit(
        _MODE,
        f"{_MESSAGE} (`workload_metadata_config.mode` not set, and the cluster has no Workload Identity: "
        "the provider default is GCE_METADATA)",
        unset=True,
    )


def _node_pool(pool: Resource, snapshot: Snapshot, written: bool) -> Iterator[Hit]:
    clusters = snapshot.targets(pool, _CLUSTER, "cluster", ("name", "id"))
    if not clusters:
        if written:  # the cluster is not in this configuration: an unset mode in a written node_config fails
            yield Hit(_MODE, f"{_MESSAGE} (`workload_metadata_config.mode` not set)", unset=True)
        return
    if any(_identity(cluster) is not False for cluster in clusters):
        return
    yield Hit(
        _MODE,
        f"{_MESSAGE} (`workload_metadata_config.mode` not set: the node pool follows its cluster "
        f"{clusters[0].address}, which has no Workload Identity, so the provider default is GCE_METADATA)",
        unset=True,
    )


RULE = Rule(
    id="TFR-GCP-119",
    long_id="gcp-gke-metadata-server",
    title="GKE nodes do not use the GKE metadata server",
    severity=Severity.MEDIUM,
    provider="gcp",
    category="iam",
    resource_types=(_CLUSTER, "google_container_node_pool"),
    remediation='Enable Workload Identity on the cluster and set `workload_metadata_config { mode = "GKE_METADATA" }` '
    "inside `node_config`.",
    description="With the Compute Engine metadata server exposed to pods, any pod can read the node's service "
    "account token and sensitive instance attributes (kube-env, bootstrap credentials): Medium. A mode other than "
    '`GKE_METADATA` fails (the deprecated `node_metadata = "GKE_METADATA_SERVER"` is accepted). Where '
    "`workload_metadata_config` is not written, GKE gives a node pool the GKE metadata server only when its "
    'cluster runs Workload Identity (GKE documentation, "Use Workload Identity Federation for GKE": node pools '
    "of such a cluster use it by default), and the Compute Engine metadata server otherwise. So a cluster "
    "without Workload Identity (`workload_identity_config`) and not Autopilot fails for its own `node_config`, "
    "or, without one, for the default pool it keeps (`remove_default_node_pool` not true; ADR 0436); a node "
    "pool whose cluster is in the same configuration fails when that cluster has no Workload Identity, "
    "`node_config` written or not, and passes when it has (ADR 0656). A node pool whose cluster is not in the "
    "configuration keeps the earlier reading: an unset mode in a written `node_config` fails, as Checkov "
    "CKV_GCP_69 does; without `node_config` it is not judged.",
    defaults=(
        (
            "node_config.workload_metadata_config.mode",
            "GKE_METADATA with Workload Identity on the cluster, else GCE_METADATA",
        ),
    ),
    references=References(checkov=("CKV_GCP_69",), trivy=("google-gke-node-metadata-security",)),
    check=check,
)
