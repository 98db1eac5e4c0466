"""Azure SQL servers must refuse TLS versions older than 1.2."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.conditions import terraform_text
from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.provider_versions import older_than

_MODERN = ("1.2", "1.3")


def _as_written(value: object) -> object:
    """A number written for the string argument, as Terraform converts it (`1.2` → "1.2", `1.0` → "1"; ADR 0477)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return terraform_text(value)
    return value


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    version = _as_written(resource.get("minimum_tls_version"))
    setting = resource.setting_of("minimum_tls_version", resource.get("minimum_tls_version"))
    if setting is Setting.SET and isinstance(version, str) and version not in _MODERN:
        yield Hit(
            "minimum_tls_version", "the SQL server accepts connections with a TLS version older than 1.2", version
        )
    elif setting is Setting.UNSET and (era := older_than(snapshot, "azurerm", 3)):
        yield Hit(
            "minimum_tls_version",
            f"the SQL server accepts every TLS version (`minimum_tls_version` not set: the {era} sends no "
            "minimum, and Azure SQL then allows TLS 1.0 and 1.1; azurerm 3.0 made 1.2 the default)",
            unset=True,
        )


RULE = Rule(
    id="TFR-AZU-104",
    long_id="azure-mssql-min-tls-1-2",
    title="Azure SQL server accepts TLS older than 1.2",
    severity=Severity.MEDIUM,
    provider="azure",
    category="encryption",
    resource_types=("azurerm_mssql_server",),
    remediation='Set `minimum_tls_version = "1.2"` (or leave it unset on azurerm 3.x and later: the provider '
    'default is 1.2). Check that old client drivers support TLS 1.2 before tightening a server that used "1.0" '
    'or "Disabled".',
    description='TLS 1.0 and 1.1 have known weaknesses and are deprecated; "Disabled" ("None") accepts any '
    'version. azurerm 3.x and later default `minimum_tls_version` to "1.2", so an unset attribute passes and '
    '"1.3" passes too. When the provider can only be azurerm 2.x (its version constraint caps it, or the '
    "configuration writes schema azurerm 3.0 removed, ADR 0333), an unset attribute is flagged: 2.x sent no "
    "minimum and the Azure SQL API then allows every TLS version (hashicorp/terraform-provider-azurerm#16595).",
    defaults=(("minimum_tls_version", '"1.2" (azurerm 3.x and later); no minimum (every TLS version) on 2.x'),),
    references=References(checkov=("CKV_AZURE_52",), trivy=("AVD-AZU-0026",)),
    check=check,
)
