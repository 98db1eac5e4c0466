"""Containers should drop NET_RAW (or ALL): the container runtime grants it by default."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN
from tfreview.rules.support.pod_spec import POD_SPEC_PATHS

_DROPS_NET_RAW = frozenset({"ALL", "NET_RAW", "CAP_NET_RAW"})


def _drops_net_raw(dropped: object) -> bool | None:
    """True when a capability list (`drop`, or `add`) names NET_RAW or ALL; None when it is not known before
    apply."""
    if dropped is UNKNOWN:
        return None
    if isinstance(dropped, str):
        dropped = [dropped]
    if not isinstance(dropped, (list, tuple)):
        return False
    if any(item is UNKNOWN for item in dropped):
        return None
    return any(str(item).upper() in _DROPS_NET_RAW for item in dropped)


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    base = POD_SPEC_PATHS.get(resource.type)
    if base is None or resource.get(f"{base}.container") is UNKNOWN:
        return
    for index, _ in enumerate(resource.blocks(f"{base}.container")):
        path = f"{base}.container.{index}.security_context.capabilities.drop"
        dropped = resource.get(path)
        name = resource.get(f"{base}.container.{index}.name")
        shown = f"`{name}`" if isinstance(name, str) else f"#{index}"
        if _drops_net_raw(dropped if dropped is not None else []) is False:
            yield Hit(
                path,
                f"container {shown} keeps NET_RAW (the runtime's default set): it can craft raw packets",
                unset=dropped is None,
            )
            continue
        added_path = f"{base}.container.{index}.security_context.capabilities.add"
        added = resource.get(added_path)
        if added is not None and _drops_net_raw(added):  # `add` names it (or ALL): dropped, then given back
            yield Hit(added_path, f"container {shown} adds NET_RAW back after dropping it: it can craft raw packets")


RULE = Rule(
    id="TFR-K8S-019",
    long_id="kubernetes-drop-net-raw",
    title="Container keeps the NET_RAW capability",
    severity=Severity.LOW,
    provider="kubernetes",
    category="general",
    resource_types=(
        "kubernetes_pod",
        "kubernetes_pod_v1",
        "kubernetes_deployment",
        "kubernetes_deployment_v1",
        "kubernetes_daemonset",
        "kubernetes_daemon_set_v1",
        "kubernetes_stateful_set",
        "kubernetes_stateful_set_v1",
        "kubernetes_job",
        "kubernetes_job_v1",
        "kubernetes_cron_job",
        "kubernetes_cron_job_v1",
    ),
    remediation='Add `security_context { capabilities { drop = ["ALL"] } }` to every container (then `add` back '
    "only what the workload needs, e.g. `NET_BIND_SERVICE`).",
    description="Container runtimes (containerd, CRI-O, Docker) start every container with a default capability "
    "set that includes NET_RAW, and Kubernetes keeps that set unless a container drops it; with NET_RAW a "
    "compromised container can forge packets and spoof or intercept traffic of its neighbours (ARP/DNS "
    "spoofing). Kubernetes' restricted Pod Security Standard requires dropping ALL. Low: defence in depth. A "
    "container whose `security_context.capabilities.drop` names neither `ALL` nor `NET_RAW` is flagged, each "
    "container reported; so is one that drops it but names `NET_RAW` (or `ALL`) in `capabilities.add`, which "
    "gives it back. A drop or add list known only after apply is left alone. Pods, deployments, daemon sets, "
    "stateful sets, jobs and cron jobs (legacy and `_v1` names) are judged through their pod template.",
    defaults=(("security_context.capabilities.drop", "none dropped: the runtime's default set, NET_RAW included"),),
    references=References(checkov=("CKV_K8S_28",)),
    check=check,
)
