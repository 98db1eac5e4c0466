"""A legacy Azure SQL server (`azurerm_sql_server`) has no Microsoft Entra ID administrator."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_ADMIN = "azurerm_sql_active_directory_administrator"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if snapshot.linked(resource, _ADMIN, "server_name", ("name",)):
        return
    # keyed by the server's condition: only an administrator there whenever the server is counts (ADR 0361)
    if snapshot.memo(("sql-aad-admin-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # an administrator whose server is known only after apply may be this server's: no guess
    yield Hit("", f"no Microsoft Entra ID administrator: no `{_ADMIN}` refers to this server; SQL logins only")


def _has_unlinked(server: Resource, snapshot: Snapshot) -> bool:
    return any(
        admin.get("server_name") is UNKNOWN
        and not any(ref.split(".")[-2:-1] == ["azurerm_sql_server"] for ref in admin.refs("server_name"))
        for admin in snapshot.present_with(server, _ADMIN)
    )


RULE = Rule(
    id="TFR-AZU-244",
    long_id="azure-sql-server-azuread-administrator",
    title="Azure SQL server (azurerm_sql_server) has no Microsoft Entra ID administrator",
    severity=Severity.LOW,
    provider="azure",
    category="iam",
    resource_types=("azurerm_sql_server",),
    remediation=f"Add an `{_ADMIN}` with `server_name = azurerm_sql_server.<name>.name`, the server's resource group "
    "and the object id of an Entra ID group; better, move to `azurerm_mssql_server` (azurerm 4 removed "
    "`azurerm_sql_server`) and its `azuread_administrator` block.",
    description="The legacy `azurerm_sql_server` resource takes its Microsoft Entra ID (Azure AD) administrator "
    f"from a separate `{_ADMIN}`; without one the server accepts only SQL logins: passwords that do not expire "
    "with the person, are not covered by MFA or conditional access, and are not revoked when someone leaves (CIS "
    'Microsoft Azure Foundations, "Ensure that Azure Active Directory Admin is configured"). Low, as for '
    "`azurerm_mssql_server` (TFR-AZU-232). No administrator exists unless one is configured (azurerm "
    f"documentation of `{_ADMIN}`). The administrator counts when it points at the server by reference or by "
    "the server's name; when some administrator's `server_name` is known only after apply and comes through a "
    "module variable or a local, it may belong to any server, and the rule stays silent rather than guess.",
    references=References(checkov=("CKV2_AZURE_7",)),
    check=check,
)
