"""Containers must not run as root: run_as_non_root or a non-zero run_as_user, on the container or its pod."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN
from tfreview.rules.support.pod_spec import POD_SPEC_PATHS


def _verdict(resource: Resource, context: str) -> bool | None:
    """True: this security context keeps the container off root; False: it puts it on root; None: says nothing
    (or depends on a value known only after apply, which counts as not root: a rule never guesses)."""
    non_root = resource.get(f"{context}.run_as_non_root")
    user = resource.get(f"{context}.run_as_user")
    if non_root is UNKNOWN or user is UNKNOWN:
        return True
    if user is not None and str(user).strip() != "":
        try:
            return int(user) != 0
        except (TypeError, ValueError):
            return True  # not a number the provider would accept: leave it to the provider
    if non_root is True or str(non_root).lower() == "true":
        return True
    return False if non_root is False or str(non_root).lower() == "false" else None


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    base = POD_SPEC_PATHS.get(resource.type)
    if base is None or resource.get(f"{base}.container") is UNKNOWN:
        return
    pod = _verdict(resource, f"{base}.security_context")
    for index, _ in enumerate(resource.blocks(f"{base}.container")):
        path = f"{base}.container.{index}.security_context"
        own = _verdict(resource, path)
        verdict = own if own is not None else pod
        if verdict is not True:
            why = "is set to run as root" if verdict is False else "may run as root (the image's user applies)"
            yield Hit(f"{path}.run_as_non_root", f"the container {why}", unset=verdict is None)


RULE = Rule(
    id="TFR-K8S-018",
    long_id="kubernetes-run-as-non-root",
    title="Container may run as root",
    severity=Severity.MEDIUM,
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
    remediation="Set `security_context { run_as_non_root = true run_as_user = 10001 }` on the pod (or on each "
    "container), and build the image with a non-root `USER`.",
    description="A container without `run_as_non_root = true` or a non-zero `run_as_user` runs as the image's "
    "user, which is root for most images: a process escaping the container lands as root on the node's "
    "kernel interface, and root inside makes most escapes easier. Medium. The container's security context "
    "wins over the pod's, as in Kubernetes; an explicit `run_as_non_root = false` or `run_as_user = 0` is "
    "reported as root, an absent setting as 'may run as root'. Kubernetes has no default, so unset counts.",
    references=References(checkov=("CKV_K8S_6", "CKV_K8S_23")),
    check=check,
)
