"""A literal the provider calls sensitive never reaches the database, even where the plan repeats it unmasked.

Terraform writes every literal of the configuration as `constant_value`, whatever the attribute's sensitivity
(internal/command/jsonconfig/expression.go): `value = "…"` of an aws_ssm_parameter is masked in the change
(`after_sensitive`) and plain in `configuration`. A real `tfreview serve`, the real `tfreview submit --wait`,
then every row of the SQLite file read back (stored plans are gzip-compressed) and the serve log grepped."""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.integration.served import child_env, serving, write_token

SSM_VALUE = "CorrectHorseStaple-canary-5e1b"  # secret by the provider's schema only: no secret name, no secret shape
KEY_VAULT_VALUE = "OrchidLampBattery-canary-93d0"
# a write-only argument (Terraform 1.11): null in the change, its literal only in `configuration` (ADR 0518)
WRITE_ONLY_VALUE = "MapleKettleRiver-canary-7c41"
COMMIT = "0ee3a3b7266daf5a1d44a193a0f48ce995fa75eb"


def _resource(address: str, after: dict[str, object], sensitive: dict[str, object]) -> dict[str, object]:
    kind, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": {"id": True},
            "before_sensitive": False,
            "after_sensitive": sensitive,
        },
    }


def _configured(address: str, expressions: dict[str, object]) -> dict[str, object]:
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name, "expressions": expressions}


PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.0",
    "resource_changes": [
        _resource(
            "aws_ssm_parameter.db",
            {"name": "/app/db", "type": "SecureString", "value": SSM_VALUE},
            {"value": True},
        ),
        _resource(
            "azurerm_key_vault_secret.api",
            {"name": "api", "value": KEY_VAULT_VALUE, "key_vault_id": "/subscriptions/x/vaults/v"},
            {"value": True},
        ),
        _resource(
            "aws_db_instance.main",
            {"identifier": "main", "password_wo": None, "password_wo_version": 1},
            {"password_wo": True},
        ),
    ],
    "configuration": {
        "root_module": {
            "resources": [
                _configured(
                    "aws_ssm_parameter.db",
                    {
                        "name": {"constant_value": "/app/db"},
                        "type": {"constant_value": "SecureString"},
                        "value": {"constant_value": SSM_VALUE},
                    },
                ),
                _configured(
                    "azurerm_key_vault_secret.api",
                    {"name": {"constant_value": "api"}, "value": {"constant_value": KEY_VAULT_VALUE}},
                ),
                _configured(
                    "aws_db_instance.main",
                    {"password_wo": {"constant_value": WRITE_ONLY_VALUE}, "password_wo_version": {"constant_value": 1}},
                ),
            ],
            "outputs": {"db": {"sensitive": True, "expression": {"constant_value": SSM_VALUE}}},
        }
    },
}


def _stored_text(database: Path) -> str:
    """Every text and blob of every table, blobs gunzipped where they are gzip."""
    parts: list[str] = []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):  # names from sqlite_master
                for cell in row:
                    if isinstance(cell, bytes):
                        if cell[:2] == b"\x1f\x8b":
                            parts.append(gzip.decompress(cell).decode("utf-8", "replace"))
                        parts.append(cell.decode("utf-8", "replace"))
                    elif isinstance(cell, str):
                        parts.append(cell)
    return "\n".join(parts)


def test_a_provider_sensitive_literal_is_not_stored_from_the_configuration_section(tmp_path: Path) -> None:
    data = tmp_path / "data"
    token = write_token(data, "sensitive-literals")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    with serving(data) as served:
        env = {**child_env(), "TFREVIEW_URL": served.url, "TFREVIEW_TOKEN": token}
        argv = [sys.executable, "-m", "tfreview", "submit", str(plan), "--repository", "octo/infra"]
        done = subprocess.run(
            [*argv, "--commit", COMMIT, "--wait", "--timeout", "120"],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode in (0, 1), (done.stdout, done.stderr)
        assert "verdict:" in done.stdout, done.stdout
        log = served.log()
    stored = _stored_text(data / "tfreview.db")
    assert "aws_ssm_parameter.db" in stored  # the plan is there, read back whole
    assert "(sensitive value)" in stored
    for canary in (SSM_VALUE, KEY_VAULT_VALUE, WRITE_ONLY_VALUE):
        assert canary not in stored
        assert canary not in log
        assert canary not in done.stdout + done.stderr
