"""AKS clusters must keep Kubernetes RBAC enabled."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool

# azurerm >= 2.99 (v3, v4) and the older nested block
_PATHS = ("role_based_access_control_enabled", "role_based_access_control.0.enabled")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for path in _PATHS:
        if terraform_bool(resource.get(path)) is False:
            yield Hit(path, f"`{path} = false`: Kubernetes RBAC is disabled on this cluster", False)
            return


RULE = Rule(
    id="TFR-AZU-010",
    long_id="azure-aks-rbac-enabled",
    title="AKS cluster has Kubernetes RBAC disabled",
    severity=Severity.HIGH,
    provider="azure",
    category="iam",
    resource_types=("azurerm_kubernetes_cluster",),
    remediation="Remove the attribute or set `role_based_access_control_enabled = true` (and prefer "
    "`azure_active_directory_role_based_access_control` for Entra ID users). Changing it recreates the cluster.",
    description="Without RBAC, every identity that can authenticate to the API server is effectively cluster-admin: "
    "one leaked kubeconfig or compromised pod token gives control of every workload and secret. High. RBAC is "
    "on by default, so only an explicit false is flagged (`role_based_access_control_enabled` in azurerm v3/v4, "
    "`role_based_access_control { enabled }` before).",
    references=References(checkov=("CKV_AZURE_5",), trivy=("AVD-AZU-0042",)),
    check=check,
)
