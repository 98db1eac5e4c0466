"""Cloud SQL instances must refuse unencrypted connections."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, not_a_bool, terraform_bool

IP_CONFIG = "settings.0.ip_configuration.0"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    mode = resource.get(f"{IP_CONFIG}.ssl_mode")
    if mode is UNKNOWN:
        return
    if mode:
        if mode == "ALLOW_UNENCRYPTED_AND_ENCRYPTED":
            yield Hit(f"{IP_CONFIG}.ssl_mode", f"ssl_mode = {mode}: clients may connect without TLS", mode)
        return
    require = terraform_bool(resource.get(f"{IP_CONFIG}.require_ssl"))
    if require is not True and not not_a_bool(require):
        message = "require_ssl = false" if require is False else "neither ssl_mode nor require_ssl is set"
        yield Hit(f"{IP_CONFIG}.require_ssl", f"{message}: clients may connect without TLS", require)


RULE = Rule(
    id="TFR-GCP-005",
    long_id="gcp-sql-require-ssl",
    title="Cloud SQL instance accepts unencrypted connections",
    severity=Severity.MEDIUM,
    provider="gcp",
    category="encryption",
    resource_types=("google_sql_database_instance",),
    remediation='Set `ssl_mode = "ENCRYPTED_ONLY"` (or `"TRUSTED_CLIENT_CERTIFICATE_REQUIRED"`) in '
    "`settings.ip_configuration`; on google provider versions before 5.x use `require_ssl = true`.",
    description="Without it, clients connecting directly to the instance IP may send credentials and query results "
    "in clear text. Medium rather than High: the Cloud SQL Auth Proxy and language connectors encrypt "
    "regardless, so the exposure is limited to direct connections. Cloud SQL's default allows unencrypted "
    "connections, so an instance that sets neither `ssl_mode` nor `require_ssl` is flagged; an `ssl_mode` "
    "known only after apply is not.",
    references=References(checkov=("CKV_GCP_6",), trivy=("AVD-GCP-0015",)),
    check=check,
)
