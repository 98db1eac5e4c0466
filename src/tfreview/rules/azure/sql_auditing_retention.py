"""Azure SQL server audit logs kept in a storage account should be retained for at least 90 days."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool
from tfreview.rules.azure.sql_server_auditing import check as auditing_missing

_POLICY = "azurerm_mssql_server_extended_auditing_policy"
_MINIMUM = 90


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    # a server that is not audited keeps no audit logs at all: a facet of TFR-AZU-234's finding (ADR 0281)
    missing = list(auditing_missing(resource, snapshot))
    for hit in missing:
        yield Hit(hit.path, f"no audit logs are kept: {hit.message}")
    if missing:
        return
    for index, block in enumerate(resource.blocks("extended_auditing_policy")):
        days = _short(block)
        if days is not None:
            yield Hit(
                f"extended_auditing_policy.{index}.retention_in_days",
                f"audit logs are kept {days} days, fewer than {_MINIMUM}",
                str(days),
            )
    for policy in snapshot.linked(resource, _POLICY, "server_id"):
        days = _short({"enabled": policy.get("enabled"), "retention_in_days": policy.get("retention_in_days")})
        if days is not None:
            yield Hit("", f"its auditing policy ({policy.address}) keeps audit logs {days} days, fewer than {_MINIMUM}")


def _short(policy: Mapping[str, Any]) -> int | None:
    """The retention in days when auditing is on and keeps logs for a limited time under the minimum."""
    if terraform_bool(policy.get("enabled")) is False:
        return None  # auditing off: TFR-AZU-234's finding
    days = policy.get("retention_in_days")
    if isinstance(days, bool) or not isinstance(days, (int, float, str)):
        return None  # unset (0: unlimited) or known only after apply
    try:
        number = int(float(days))
    except ValueError:
        return None
    return number if 0 < number < _MINIMUM else None


RULE = Rule(
    id="TFR-AZU-240",
    long_id="azure-sql-auditing-retention",
    title="Azure SQL server keeps audit logs fewer than 90 days",
    severity=Severity.LOW,
    provider="azure",
    category="logging",
    resource_types=("azurerm_mssql_server", "azurerm_sql_server"),
    remediation="Set `retention_in_days` to 90 or more on the server's `azurerm_mssql_server_extended_auditing_policy` "
    "(or the azurerm 2.x inline `extended_auditing_policy` block), or to 0 to keep the logs without limit.",
    description="Breaches are often found months after they start; audit logs deleted after a few weeks cannot "
    "show who read or changed the data (CIS Microsoft Azure Foundations, SQL Server: \"Ensure that 'Auditing' "
    "Retention is 'greater than 90 days'\"). azurerm documents `retention_in_days` as defaulting to 0, which "
    "Azure reads as unlimited retention, so an unset or 0 retention passes; the rule flags an auditing policy "
    "of the server (inline block, or a linked policy by reference or by the server's id) that is on and keeps "
    "its storage-account logs for 1 to 89 days, and a server with no auditing at all, which keeps none: there "
    "this finding is a facet of TFR-AZU-234's (one cause, one finding; ADR 0281), as Checkov reports both under "
    "CKV_AZURE_24. Low: it shortens an investigation's reach.",
    defaults=(("retention_in_days", "0: unlimited retention"),),
    references=References(checkov=("CKV_AZURE_24",), trivy=("AVD-AZU-0025", "azure-database-retention-period-set")),
    check=check,
)
