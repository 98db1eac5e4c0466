"""Azure SQL logical servers must have server-level auditing on."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, terraform_bool

_POLICY = "azurerm_mssql_server_extended_auditing_policy"
_SERVERS = ("azurerm_mssql_server", "azurerm_sql_server")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    inline = resource.get("extended_auditing_policy")
    setting = resource.setting_of("extended_auditing_policy", inline)
    if setting is Setting.UNKNOWN:
        return  # written, but not known (a `dynamic` block we cannot expand)
    blocks = resource.blocks("extended_auditing_policy") if setting is Setting.SET else []
    if blocks:
        if all(terraform_bool(block.get("enabled")) is False for block in blocks):
            yield Hit("extended_auditing_policy.0.enabled", "server auditing is switched off (`enabled = false`)")
        return
    policies = snapshot.linked(resource, _POLICY, "server_id")
    if policies:
        if all(terraform_bool(policy.get("enabled")) is False for policy in policies):
            names = ", ".join(policy.address for policy in policies)
            yield Hit("", f"its auditing policy ({names}) is switched off (`enabled = false`)")
        return
    # keyed by the server's condition: only a policy there whenever the server is counts (ADR 0361)
    if snapshot.memo(("sql-auditing-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # a policy whose server is known only after apply may be this server's: no guess
    yield Hit("", f"no server auditing: no `extended_auditing_policy` block and no `{_POLICY}` refers to this server")


def _has_unlinked(server: Resource, snapshot: Snapshot) -> bool:
    return any(
        policy.get("server_id") is UNKNOWN and not any(_names_a_server(ref) for ref in policy.refs("server_id"))
        for policy in snapshot.present_with(server, _POLICY)
    )


def _names_a_server(ref: str) -> bool:
    """`azurerm_mssql_server.orders` (or the same inside a module's address)."""
    parts = ref.split(".")
    return len(parts) >= 2 and parts[-2] in _SERVERS


RULE = Rule(
    id="TFR-AZU-234",
    long_id="azure-sql-server-auditing",
    title="Azure SQL server has no auditing",
    severity=Severity.MEDIUM,
    provider="azure",
    category="logging",
    resource_types=_SERVERS,
    remediation=f"Add an `{_POLICY}` with `server_id = azurerm_mssql_server.<name>.id` and a storage account, "
    "Log Analytics workspace or Event Hub as the destination (or, on azurerm 2.x, an `extended_auditing_policy` "
    "block on the server).",
    description="Server-level auditing records the logins, queries and permission changes of every database on "
    "the server; without it a breach or an insider's misuse leaves no trace to investigate (CIS Microsoft Azure "
    "Foundations, SQL Server: \"Ensure that 'Auditing' is set to 'On'\"). Azure SQL has no auditing unless it "
    "is configured: the provider creates none by default. Medium: a missing detection control, not an "
    "exposure. Auditing counts when the server has an `extended_auditing_policy` block (azurerm 2.x) or an "
    f"`{_POLICY}` points at it (by reference or by the server's id), and is not switched off "
    "(`enabled = false`). When some policy's `server_id` is known only after apply and comes through a module "
    "variable or a local, it may belong to any server, and the rule stays silent rather than guess. "
    "Database-level auditing does not count, as for Checkov.",
    defaults=(("extended_auditing_policy", "none: Azure SQL servers are not audited unless configured"),),
    references=References(checkov=("CKV_AZURE_23",), trivy=("AVD-AZU-0027", "azure-database-enable-audit")),
    # one cause, one finding: a server without auditing keeps no audit logs either (ADR 0281)
    subsumes=("TFR-AZU-240",),
    check=check,
)
