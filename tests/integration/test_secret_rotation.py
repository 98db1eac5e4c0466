"""`tfreview secrets status` and `tfreview secrets rotate KIND` (issue 11 K4) as real processes next to a
running `tfreview serve`: the GitHub webhook secret is rotated in its versions document, the service takes
it on SIGHUP, deliveries signed with the new and (during the overlap) the old version are accepted; the
status lists versions, sources, expiries and tokens but never a value; api-token rotation makes a working
token; bad input is one line with exit 2."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.test_secret_references import _serve, _stop
from tests.integration.test_serve_process import tfreview, tfreview_env
from tests.web import deliveries

OLD = "gh-rotate-old-canary-1d8e"
SPACELIFT = "sl-rotate-canary-5c02"
METRICS_TOKEN = "metrics-rotate-canary-0af3"
WAIT_SECONDS = 30.0


def _ping(client: httpx.Client, secret: str) -> int:
    signed = deliveries.github("ping", deliveries.fixture_bytes("github.ping.payload.json"), secret=secret)
    return client.post("/webhooks/github", content=signed.body, headers=signed.headers).status_code


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    versions = tmp_path / "github-webhook.json"
    versions.write_text(json.dumps([{"value": OLD, "name": "first"}]), encoding="utf-8")
    return tfreview_env(
        TFREVIEW_LOG_LEVEL="WARNING",
        TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM=f"file:{versions}",
        TFREVIEW_SPACELIFT__WEBHOOK_SECRETS=json.dumps([{"value": SPACELIFT, "account": "acme"}]),
        TFREVIEW_METRICS__TOKEN=METRICS_TOKEN,
        TFREVIEW_SECRETS__RELOAD_SECONDS="0",
    )


def test_rotate_the_github_webhook_secret_against_a_running_service(tmp_path: Path, env: dict[str, str]) -> None:
    data = str(tmp_path / "data")
    process, url = _serve(tmp_path / "data", env)
    try:
        rotated = tfreview("secrets", "rotate", "github-webhook", "--overlap-hours", "2", "--data-dir", data, env=env)
        assert rotated.returncode == 0, rotated.stderr
        new = rotated.stdout.strip()
        assert len(new) >= 40
        assert "verified: a body signed with the new version is accepted" in rotated.stderr
        assert "verified: the previous version is still accepted until" in rotated.stderr
        assert "step 2: set the GitHub App's webhook secret" in rotated.stderr
        assert OLD not in rotated.stdout + rotated.stderr
        assert new not in rotated.stderr  # printed once, on stdout only
        document = json.loads((tmp_path / "github-webhook.json").read_text())
        assert [v.get("name") for v in document][1] == "first"
        assert document[1]["not_after"]
        assert (tmp_path / "github-webhook.json").stat().st_mode & 0o077 == 0

        with httpx.Client(base_url=url, timeout=30) as client:
            assert _ping(client, new) == 401  # the running service has not reloaded yet
            process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + WAIT_SECONDS
            while _ping(client, new) != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _ping(client, new) == 200
            assert _ping(client, OLD) == 200  # the overlap: the old version until its not_after

        status = tfreview("secrets", "status", "--data-dir", data, env=env)
        assert status.returncode == 0, status.stderr
        table = status.stdout
        for secret in (OLD, new, SPACELIFT, METRICS_TOKEN):
            assert secret not in table + status.stderr
        github_rows = [line for line in table.splitlines() if line.startswith("github_webhook")]
        assert len(github_rows) == 2
        assert "document file" in github_rows[0]
        assert "never" in github_rows[0]
        assert "first" in github_rows[1]
        assert "(in 2h)" in github_rows[1] or "(in 1h)" in github_rows[1]
        assert any(line.startswith("spacelift_webhook") and "account acme" in line for line in table.splitlines())
        assert any(line.startswith("metrics_token") and "set" in line for line in table.splitlines())
    finally:
        _stop(process)
    stored = b"".join(path.read_bytes() for path in (tmp_path / "data").glob("tfreview.db*"))
    assert stored  # the deliveries were stored ...
    for secret in (OLD, new, SPACELIFT, METRICS_TOKEN):
        assert secret.encode() not in stored  # ... and no secret with them


def test_rotate_an_api_token_and_see_it_in_the_status(tmp_path: Path, env: dict[str, str]) -> None:
    data = str(tmp_path / "data")
    created = tfreview_in_process(  # the token to rotate, made in this process: the rotation is the process under test
        "tokens", "create", "--tenant", "github:7", "--scope", "write", "--name", "ci", "--data-dir", data, env=env
    )
    assert created.returncode == 0, created.stderr
    old_secret = created.stdout.strip()
    token_id = created.stderr.split("created token ", 1)[1].split()[0]
    rotated = tfreview("secrets", "rotate", "api-token", "--token", token_id, "--data-dir", data, env=env)
    assert rotated.returncode == 0, rotated.stderr
    new_secret = rotated.stdout.strip()
    assert new_secret.startswith("tfr_")
    assert new_secret != old_secret
    assert "authenticates as github:7 with scope write" in rotated.stderr
    assert f"tfreview tokens revoke {token_id}" in rotated.stderr
    status = tfreview("secrets", "status", "--data-dir", data, env=env)
    rows = [line for line in status.stdout.splitlines() if line.startswith("api_token")]
    assert len(rows) == 1
    assert "github:7 write" in rows[0]
    assert "2 live" in rows[0]
    assert old_secret not in status.stdout
    assert new_secret not in status.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["secrets", "rotate", "api-token"], "needs --token ID"),
        (["secrets", "rotate", "api-token", "--token", "tfr_abc_secret"], "not its secret"),
        (["secrets", "rotate", "api-token", "--token", "nope"], "no live token nope"),
        (["secrets", "rotate", "spacelift-webhook"], "TFREVIEW_SPACELIFT__WEBHOOK_SECRETS_FROM=file:PATH"),
        (["secrets", "rotate", "github-webhook", "--overlap-hours", "0"], "--overlap-hours"),
    ],
)
def test_bad_rotations_are_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str], argv: list[str], message: str
) -> None:
    if "nope" in argv:  # a token id the service's database does not hold (a missing database is its own refusal)
        assert tfreview_in_process("db", "upgrade", "--data-dir", str(tmp_path / "data"), env=env).returncode == 0
    result = tfreview(*argv, "--data-dir", str(tmp_path / "data"), env={**env, "TFREVIEW_LOG_LEVEL": "ERROR"})
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "tfr_abc_secret" not in result.stderr


def test_by_hand_rotations_print_their_steps_and_check_the_references(tmp_path: Path, env: dict[str, str]) -> None:
    key = tmp_path / "model-key"
    key.write_text("model-key-canary-9e11\n")
    providers = json.dumps([{"provider": "openai", "model": "gpt-4o-mini", "api_key": f"file:{key}"}])
    result = tfreview("secrets", "rotate", "model-key", env={**env, "TFREVIEW_ADVISOR__PROVIDERS": providers})
    assert result.returncode == 0, result.stderr
    assert "verified: 1 configured reference(s) resolve" in result.stderr
    assert "step 1: create a new key" in result.stderr
    assert "model-key-canary-9e11" not in result.stdout + result.stderr
    key.unlink()
    missing = tfreview("secrets", "rotate", "model-key", env={**env, "TFREVIEW_ADVISOR__PROVIDERS": providers})
    assert missing.returncode == 2
    assert "refusing to start" in missing.stderr or "cannot be read" in missing.stderr


def test_a_database_without_the_schema_costs_the_audit_entry_never_the_new_secret(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """The versions file was rewritten before the audit entry was written; a database that could not take the entry
    (a file with someone else's table, a PostgreSQL database never upgraded) ended the command with exit 3 and a
    traceback before the new secret, shown only once, was printed (killwrite13's finding)."""
    import sqlite3

    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "tfreview.db") as foreign:
        foreign.execute("CREATE TABLE unrelated (a)")
    unreachable = {**env, "TFREVIEW_DATABASE__URL": "postgresql+psycopg://nobody@127.0.0.1:9/none"}
    for where in (env, unreachable):
        rotated = tfreview("secrets", "rotate", "github-webhook", "--data-dir", str(data), env=where)
        assert rotated.returncode == 0, rotated.stderr
        new = rotated.stdout.strip()
        assert len(new) >= 40
        assert "Traceback" not in rotated.stderr
        assert "internal error" not in rotated.stderr
        document = json.loads((tmp_path / "github-webhook.json").read_text())
        assert document[0]["value"] == new
    assert "audit log: secret.rotate not recorded (" in rotated.stderr  # the unreachable database, said in one line


def test_a_rotation_without_the_services_database_creates_none(tmp_path: Path, env: dict[str, str]) -> None:
    """Run where no database is (no --data-dir, a wrong one): the entry is not recorded, and said so, rather than
    recorded in a fresh database the command made in the current directory (ADR 0533)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "secrets", "rotate", "github-webhook"],
        env=env, cwd=elsewhere, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip()) >= 40  # the new secret, shown
    assert "audit log: secret.rotate not recorded (no SQLite database at " in done.stderr
    assert "Traceback" not in done.stderr
    assert list(elsewhere.iterdir()) == []  # no .tfreview-data/tfreview.db made here
    wrong = tfreview("secrets", "rotate", "github-webhook", "--data-dir", str(tmp_path / "typo"), env=env)
    assert wrong.returncode == 0, wrong.stderr
    assert not (tmp_path / "typo" / "tfreview.db").exists()
