"""Azure Database for MySQL/PostgreSQL single servers must refuse TLS older than 1.2."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.provider_versions import older_than

_ATTRIBUTE = "ssl_minimal_tls_version_enforced"
_MODERN = ("TLS1_2", "TLS1_3")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    version = resource.get(_ATTRIBUTE)
    if isinstance(version, str) and version not in _MODERN:
        yield Hit(_ATTRIBUTE, "the server accepts TLS older than 1.2", version)
    elif resource.setting_of(_ATTRIBUTE, version) is Setting.UNSET and (era := older_than(snapshot, "azurerm", 3)):
        yield Hit(
            _ATTRIBUTE,
            f"`{_ATTRIBUTE}` not set: the {era} defaults it to TLSEnforcementDisabled (TLS1_2 only since "
            "azurerm 3.0), so the server accepts any TLS version",
            unset=True,
        )


RULE = Rule(
    id="TFR-AZU-207",
    long_id="azure-database-min-tls-1-2",
    title="MySQL or PostgreSQL server accepts TLS older than 1.2",
    severity=Severity.MEDIUM,
    provider="azure",
    category="encryption",
    resource_types=("azurerm_mysql_server", "azurerm_postgresql_server"),
    remediation=f'Set `{_ATTRIBUTE} = "TLS1_2"`, or leave it unset on azurerm 3.0 or later (the default there).',
    description='TLS 1.0 and 1.1 are deprecated and have known weaknesses; "TLSEnforcementDisabled" accepts any '
    'version. Medium. azurerm 3.x defaults `ssl_minimal_tls_version_enforced` to "TLS1_2", so an unset '
    "attribute passes and an explicit older version is flagged. azurerm 2.x documented the default as "
    '"TLSEnforcementDisabled" (website/docs/r/mysql_server and postgresql_server, 2.x; changed in 3.0), so an '
    "unset attribute is flagged too when the azurerm provider can only be 2.x: its version constraint caps it, "
    "in the root or in any module read (ADR 0272, 0331, 0365), or the configuration writes schema azurerm 3.0 "
    "removed (ADR 0333).",
    defaults=((_ATTRIBUTE, '"TLS1_2" (azurerm 3.x); "TLSEnforcementDisabled" on azurerm 2.x'),),
    references=References(
        checkov=("CKV_AZURE_54", "CKV_AZURE_147"), trivy=("AVD-AZU-0026", "azure-database-secure-tls-policy")
    ),
    check=check,
)
