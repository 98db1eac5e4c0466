"""An upload whose delivery is not accepted leaves no plan row behind (w3-halfwritten, ADR 0612).

The upload path stored the (redacted) plan, then accepted its delivery: when accepting failed (the database
refusing the write, the writer queue full, the door shedding) the answer was an error and the plan row stayed, with
no delivery, job or review, and nothing ever deleted it. From the outside: a real `tfreview serve` on SQLite and on
PostgreSQL, a trigger in the database refusing every new delivery (what a full disk or a failing write looks like
to the service), one upload, plan rows counted before and after; the trigger dropped, the same upload accepted."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.door_requests import request
from tests.integration.live import fresh_postgres_database
from tests.integration.served import Served, child_env, serving, write_token

WAIT = 60.0  # a bound on a loaded machine, not a threshold

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
PLAN = (Path(__file__).parents[1] / "data" / "plans" / "tfjson__actions__plan.json").read_bytes()
# the message SQLite gives for SQLITE_FULL: what a full disk under the delivery's write looks like to the service
SQLITE_REFUSE = (
    "CREATE TRIGGER refuse_deliveries BEFORE INSERT ON deliveries "
    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
)
POSTGRES_REFUSE = (
    "CREATE FUNCTION refuse_deliveries() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'disk full' USING ERRCODE = '53100'; END $$; "
    "CREATE TRIGGER refuse_deliveries BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION refuse_deliveries()"
)
POSTGRES_ALLOW = "DROP TRIGGER refuse_deliveries ON deliveries"
SQLITE_ALLOW = "DROP TRIGGER refuse_deliveries"


def _upload(served: Served, token: str) -> int:
    answer = request(
        served.port,
        "POST",
        "/api/v1/plans?repository=octo/infra",
        body=PLAN,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    return answer.status


def _refused_then_accepted(served: Served, token: str, sql: Callable[[str], int], refuse: str, allow: str) -> None:
    before = sql("SELECT count(*) FROM plans")
    sql(refuse)
    refused = _upload(served, token)
    after = sql("SELECT count(*) FROM plans")
    sql(allow)
    accepted = _upload(served, token)
    assert refused == 503, refused
    assert (before, after) == (0, 0)  # no plan without its delivery
    assert accepted == 202
    assert sql("SELECT count(*) FROM plans") == 1
    assert sql("SELECT count(*) FROM deliveries") == 1


def test_a_refused_upload_leaves_no_plan_on_sqlite(tmp_path: Path) -> None:
    data = tmp_path / "data"
    token = write_token(data, "refused-upload")
    database = data / "tfreview.db"

    def sql(statement: str) -> int:
        with sqlite3.connect(database, isolation_level=None) as connection:
            row = connection.execute(statement).fetchone()
        return int(row[0]) if row else 0

    with serving(data) as served:
        _refused_then_accepted(served, token, sql, SQLITE_REFUSE, SQLITE_ALLOW)
        log = served.log()
    assert "Traceback" not in log, log[-3000:]


def _postgres(tmp_path: Path, url: str) -> tuple[dict[str, str], str, Callable[[str], int]]:
    """The serve environment on the fresh database `url` (migrated), a write token, and a way to run SQL."""
    env = child_env(TFREVIEW_DATABASE__URL=url)
    for argv in (["db", "upgrade"], ["tokens", "create", "--tenant", "github:7", "--scope", "write", "--name", "t"]):
        done = tfreview_in_process(*argv, env=env)  # the same CLI in this process (ADR 0669): serve is under test
        assert done.returncode == 0, done.stderr
    direct = url.replace("postgresql+psycopg://", "postgresql://", 1)

    def sql(statement: str) -> int:
        with psycopg.connect(direct, autocommit=True) as connection:
            cursor = connection.execute(statement)
            row = cursor.fetchone() if cursor.description else None
        return int(row[0]) if row else 0

    return env, done.stdout.strip(), sql


def _postgres_server() -> str:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server")
    return server


def test_a_refused_upload_leaves_no_plan_on_postgres(tmp_path: Path) -> None:
    with fresh_postgres_database(_postgres_server(), f"tfreview_refused_{uuid.uuid4().hex[:10]}") as url:
        env, token, sql = _postgres(tmp_path, url)
        with serving(tmp_path / "data", env=env) as served:
            _refused_then_accepted(served, token, sql, POSTGRES_REFUSE, POSTGRES_ALLOW)
            log = served.log()
    assert "Traceback" not in log, log[-3000:]


HOLD = (  # the delivery's insert waits: the process is killed after the plan is stored, before its delivery is
    "CREATE FUNCTION hold_deliveries() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$; "
    "CREATE TRIGGER hold_deliveries BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION hold_deliveries()"
)
RELEASE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def test_an_upload_killed_before_its_delivery_is_reported_by_the_audit(tmp_path: Path) -> None:
    """SIGKILL between the plan and its delivery: nothing in the process can delete the plan. `tfreview audit`
    reports it (exit 1) once it is older than an upload takes (its created_at moved back, as time passing would)."""
    with fresh_postgres_database(_postgres_server(), f"tfreview_killed_{uuid.uuid4().hex[:10]}") as url:
        env, token, sql = _postgres(tmp_path, url)
        sql(HOLD)
        with serving(tmp_path / "data", env=env) as served:
            upload = threading.Thread(target=_upload, args=(served, token), daemon=True)
            upload.start()
            deadline = time.monotonic() + WAIT
            while sql("SELECT count(*) FROM plans") == 0:
                assert time.monotonic() < deadline, "the upload's plan was never stored"
                time.sleep(0.05)
            served.process.kill()
            served.process.wait(WAIT)
        sql(RELEASE)  # the killed process's sessions, the held insert among them
        sql("DROP TRIGGER hold_deliveries ON deliveries")
        counts = (sql("SELECT count(*) FROM plans"), sql("SELECT count(*) FROM deliveries"))
        fresh = _audit(env)
        sql("UPDATE plans SET created_at = created_at - interval '20 minutes', integrity_hash = NULL")
        settled = _audit(env)
    assert counts == (1, 0)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr  # an upload may still be storing its delivery
    assert settled.returncode == 1, settled.stdout + settled.stderr
    assert "plan is referred to by no review" in settled.stdout, settled.stdout


def _audit(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "audit"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
