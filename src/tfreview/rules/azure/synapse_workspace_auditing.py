"""An Azure Synapse workspace should have workspace-level (extended) auditing."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_POLICY = "azurerm_synapse_workspace_extended_auditing_policy"
_WORKSPACE = "azurerm_synapse_workspace"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if snapshot.linked(resource, _POLICY, "synapse_workspace_id"):
        return
    # keyed by the workspace's condition: only a policy there whenever the workspace is counts (ADR 0361)
    if snapshot.memo(("synapse-auditing-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # a policy whose workspace is known only after apply may be this workspace's: no guess
    yield Hit("", f"no workspace auditing: no `{_POLICY}` refers to this workspace")


def _has_unlinked(workspace: Resource, snapshot: Snapshot) -> bool:
    return any(
        policy.get("synapse_workspace_id") is UNKNOWN
        and not any(ref.split(".")[-2:-1] == [_WORKSPACE] for ref in policy.refs("synapse_workspace_id"))
        for policy in snapshot.present_with(workspace, _POLICY)
    )


RULE = Rule(
    id="TFR-AZU-260",
    long_id="azure-synapse-workspace-auditing",
    title="Synapse workspace has no auditing",
    severity=Severity.MEDIUM,
    provider="azure",
    category="logging",
    resource_types=(_WORKSPACE,),
    remediation=f"Add an `{_POLICY}` with `synapse_workspace_id = azurerm_synapse_workspace.<name>.id` and a "
    "storage account (`storage_endpoint`) or Log Analytics / Event Hub destination through diagnostic settings "
    "(`log_monitoring_enabled`).",
    description="Workspace-level auditing records the logins, queries and permission changes on the workspace's "
    "dedicated SQL pools; without it a breach or an insider's misuse leaves no trace to investigate, as for an Azure "
    "SQL server without auditing (TFR-AZU-234, CIS \"Ensure that 'Auditing' is set to 'On'\"). A Synapse "
    "workspace is not audited unless it is configured: `azurerm_synapse_workspace` has no auditing argument and the "
    f"provider creates no policy by default; only an `{_POLICY}` whose `synapse_workspace_id` is the workspace's "
    "counts. When some policy's workspace is known only after apply and comes through a variable, it may be this "
    "workspace's and the rule stays silent. Medium: a missing detection control, not an exposure.",
    defaults=(("extended auditing policy", "none: a Synapse workspace is not audited unless configured"),),
    references=References(checkov=("CKV2_AZURE_53",)),
    check=check,
)
