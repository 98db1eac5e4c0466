"""Issue 11 B* as an operator runs it, with real `tfreview` processes, on SQLite and PostgreSQL:
backup create / list / verify / restore, audit, audit-log --verify, drill dr — and a backup never holds a
secret in clear (canaries: an API token's secret, webhook / metrics / dashboard secrets set in the
environment, a password inside an uploaded plan), checked by grepping the backup's bytes."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.contract.test_records_contract import AWS_KEY, CANARY, canary_plan
from tests.integration.live import fresh_postgres_database
from tfreview.cli import main
from tfreview.ports.records import Delivery, Scope
from tfreview.settings import Settings
from tfreview.wiring import build_services

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
SECRETS = {
    "TFREVIEW_GITHUB__WEBHOOK_SECRETS": '[{"value": "canary-webhook-secret-41c7"}]',
    "TFREVIEW_METRICS__TOKEN": "canary-metrics-token-93ab",
    "TFREVIEW_DASHBOARD__SESSION_SECRET": "canary-session-secret-77de",
}
SECRET_VALUES = ["canary-webhook-secret-41c7", "canary-metrics-token-93ab", "canary-session-secret-77de"]


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Cli:
    """`tfreview …` through its real entry point (`tfreview.cli.main`), in this process for speed — the
    drill still starts a real `tfreview serve` process."""

    capsys: pytest.CaptureFixture[str]
    data_dir: Path
    url: str

    def run(self, *args: str) -> Ran:
        self.capsys.readouterr()
        code = main([*args, "--data-dir", str(self.data_dir)])
        out, err = self.capsys.readouterr()
        return Ran(code, out, err)


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Cli]:
    server = os.environ.get(POSTGRES_ENV)
    for name in [k for k in os.environ if k.startswith("TFREVIEW_")]:
        monkeypatch.delenv(name)
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        yield Cli(capsys, data_dir, f"sqlite:///{data_dir / 'tfreview.db'}")
        return
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    with fresh_postgres_database(server, f"tfreview_cli_{uuid.uuid4().hex[:10]}") as url:
        monkeypatch.setenv("TFREVIEW_DATABASE__URL", url)
        yield Cli(capsys, data_dir, url)


def _store_data(cli: Cli) -> str:
    """What a service stores: a token, a delivery, a plan with a password in it. Returns the token's secret."""
    assert cli.run("db", "upgrade").returncode == 0
    services = build_services(Settings.model_validate({"database": {"url": cli.url}}))
    try:
        _, secret = services.tokens.create("github:1", Scope.WRITE, "ci", None)
        services.plans.put("github:1", canary_plan(), "plan_json", {"stack": "net", "api_key": AWS_KEY})
        delivery = Delivery("github", "d-1", "pull_request.opened", "github:1", "", datetime.now(UTC))
        services.intake.accept(delivery, b'{"action": "opened"}', None)
    finally:
        services.close()
    return secret


def _backup_text(cli: Cli, backup: Path) -> bytes:
    """The backup's bytes as a reader would grep them (a PostgreSQL dump as its plain SQL), plus every stored
    plan decompressed (they are gzip inside)."""
    if backup.suffix == ".pgdump":
        dump = subprocess.run(["pg_restore", "-f", "-", str(backup)], capture_output=True, check=True, timeout=120)
        data = dump.stdout
        plans = b"" if b"COPY public.plans" not in data else data
        return data + plans
    data = backup.read_bytes()
    connection = sqlite3.connect(backup)
    try:
        plans = b"".join(gzip.decompress(row[0]) for row in connection.execute("SELECT content FROM plans"))
    finally:
        connection.close()
    return data + plans


def test_backup_audit_restore_and_drill_as_an_operator_runs_them(cli: Cli, tmp_path: Path) -> None:
    token_secret = _store_data(cli)

    created = cli.run("backup", "create")
    assert created.returncode == 0, created.stderr
    assert "written and verified" in created.stdout
    listed = json.loads(cli.run("backup", "list", "-o", "json").stdout)
    assert len(listed) == 1
    backup = cli.data_dir / "backups" / listed[0]["file"]
    assert listed[0]["tables"]["plans"]["rows"] == 1

    grep = _backup_text(cli, backup)
    for canary in [token_secret, CANARY, AWS_KEY, *SECRET_VALUES]:
        assert canary.encode() not in grep, f"{canary[:12]}… is in the backup in clear"
    assert b"api_tokens" in grep  # the grep did read the tables

    verified = cli.run("backup", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "is intact" in verified.stdout

    audit = cli.run("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "no mismatch" in audit.stdout
    log = cli.run("audit-log", "--verify")
    assert log.returncode == 0
    assert "hash chain verified" in log.stdout
    actions = [e["action"] for e in json.loads(cli.run("audit-log", "-o", "json").stdout)]
    assert "backup.create" in actions

    refused = cli.run("backup", "restore")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "--force" in refused.stderr
    restored = cli.run("backup", "restore", "--force")
    assert restored.returncode == 0, restored.stderr
    assert "schema migrated" in restored.stdout
    assert "backup.restore" in cli.run("audit-log", "--action", "backup.restore").stdout

    report = tmp_path / "dr.md"
    drill = cli.run("drill", "dr", "--report", str(report))
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "RPO" in drill.stdout
    assert "RTO" in drill.stdout
    assert "PASSED" in report.read_text()


def test_a_tampered_backup_and_a_tampered_audit_log_are_caught(cli: Cli) -> None:
    _store_data(cli)
    assert cli.run("backup", "create").returncode == 0
    assert cli.run("audit").returncode == 0  # the audit log has 1 entry; the chain needs 2 to show a removal
    build = build_services(Settings.model_validate({"database": {"url": cli.url}}))
    try:
        build.audit.record("token.revoke", actor="cli:test", target="token:x")
    finally:
        build.close()
    listed = json.loads(cli.run("backup", "list", "-o", "json").stdout)
    backup = cli.data_dir / "backups" / listed[0]["file"]
    data = bytearray(backup.read_bytes())
    data[-100] ^= 0x01
    backup.write_bytes(bytes(data))
    verified = cli.run("backup", "verify")
    assert verified.returncode == 2
    assert "changed since it was written" in verified.stderr
    assert "Traceback" not in verified.stderr

    services = build_services(Settings.model_validate({"database": {"url": cli.url}}))
    try:
        database = getattr(services, "database", None)
        assert database is not None
        from sqlalchemy import text

        with database.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)"))
    finally:
        services.close()
    log = cli.run("audit-log", "--verify")
    assert log.returncode == 1
    assert "TAMPERED" in log.stdout
