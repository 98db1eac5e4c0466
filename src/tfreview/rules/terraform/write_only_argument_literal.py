"""A write-only argument (`password_wo`, `value_wo`…, Terraform 1.11) holds a value from an ephemeral source, never
a literal: a literal puts the secret in the source the argument exists to keep it out of (ADR 0518)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tfreview.core.redact import REDACTED
from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.placeholders import placeholder_reason

# the write-only arguments of each resource type that has them (hashicorp/aws 5.87+, azurerm 4.x, google 6.x): read by
# name, so a resource costs two look-ups whatever its size
WRITE_ONLY: Mapping[str, tuple[str, ...]] = {
    "aws_db_instance": ("password_wo",),
    "aws_docdb_cluster": ("master_password_wo",),
    "aws_rds_cluster": ("master_password_wo",),
    "aws_redshift_cluster": ("master_password_wo",),
    "aws_secretsmanager_secret_version": ("secret_string_wo",),
    "aws_ssm_parameter": ("value_wo",),
    "azurerm_key_vault_secret": ("value_wo",),
    "azurerm_mssql_server": ("administrator_login_password_wo",),
    "azurerm_mysql_flexible_server": ("administrator_password_wo",),
    "azurerm_postgresql_flexible_server": ("administrator_password_wo",),
    "google_secret_manager_secret_version": ("secret_data_wo",),
    "google_sql_user": ("password_wo",),
}


def _literal(resource: Resource, name: str) -> str | None:
    """The literal string written to `name`: in HCL mode its value; in a plan, where a write-only value is always
    null, the `constant_value` the configuration section gives it."""
    value = resource.get(name)
    if isinstance(value, str):
        return value
    configured = resource.configured
    expression = configured.get(name) if isinstance(configured, Mapping) else None
    literal = expression.get("constant_value") if isinstance(expression, Mapping) else None
    return literal if isinstance(literal, str) else None


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for name in WRITE_ONLY.get(resource.type, ()):
        value = _literal(resource, name)
        if value is None or placeholder_reason(value, name) is not None:
            continue  # unknown, from an ephemeral value or a variable; or `changeme`, `${TOKEN}`, empty
        yield Hit(
            name, f"the write-only argument {name} is written as a literal: the secret is in the source", REDACTED
        )


RULE = Rule(
    id="TFR-TF-002",
    long_id="terraform-write-only-argument-literal",
    title="Write-only argument holds a hard-coded secret",
    severity=Severity.HIGH,
    provider="terraform",
    category="secrets",
    # spelled out, not `tuple(WRITE_ONLY)`: the rule index reads a rule's types from its source without importing it,
    # so a scan loads this rule only when one of them occurs (tests/unit/test_scan_imports.py)
    resource_types=(
        "aws_db_instance",
        "aws_docdb_cluster",
        "aws_rds_cluster",
        "aws_redshift_cluster",
        "aws_secretsmanager_secret_version",
        "aws_ssm_parameter",
        "azurerm_key_vault_secret",
        "azurerm_mssql_server",
        "azurerm_mysql_flexible_server",
        "azurerm_postgresql_flexible_server",
        "google_secret_manager_secret_version",
        "google_sql_user",
    ),
    remediation="Give the argument an ephemeral value: an `ephemeral` resource (`ephemeral.random_password.db."
    "result`, `ephemeral.aws_secretsmanager_secret_version.db.secret_string`) or an `ephemeral = true` input "
    "variable, and bump its `*_wo_version` to send a new value. Rotate the secret that was committed.",
    description="Terraform 1.11 write-only arguments (`password_wo`, `master_password_wo`, `secret_string_wo`, "
    "`value_wo`…, on the 12 resource types that have them) are sent to the provider and never stored: the plan "
    "and the state hold null. That keeps a secret out of state only when it also stays out of the source; "
    "written as a literal, it is in the repository and its history, and in every plan's `configuration` section "
    "(Terraform writes each literal there as `constant_value`). Flagged: a literal string in HCL (also through a "
    "local or a variable's default: the secret is in the source all the same), or a `constant_value` in a plan's "
    "configuration. Not flagged: a value from an ephemeral resource, a variable without a default or any other "
    "expression unknown before apply, and placeholders (`changeme`, an unrendered `${...}`). The message never "
    "shows the value. The `*_wo_version` arguments name no secret and are never read.",
    references=References(),
    check=check,
    reads_configuration=True,  # a plan's `constant_value`: the after side alone has it (ADR 0648)
)
