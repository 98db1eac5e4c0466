"""The claim's and settle's writes compiled once per dialect (ADR 0440) store the same bytes as SQLAlchemy's own
execution of the same Core statements, on SQLite and PostgreSQL, and count the rows their fence matched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from tests.contract.conftest import START, ManualClock, empty_postgres, fresh_sqlite, worker_settings
from tfreview.ports.jobs import NewJob
from tfreview.store.database import Database
from tfreview.store.job_statements import COMPLETE, RELEASE, TAKE, Prepared
from tfreview.store.jobs import SqlJobQueue

LEASE_END = START + timedelta(seconds=60)
COLUMNS = "kind, tenant_id, payload, state, attempts, max_attempts, run_after, lease_owner, lease_expires_at, "
COLUMNS += "attempt_token, last_error, created_at, updated_at, finished_at"


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    found = (
        fresh_sqlite(tmp_path) if request.param == "sqlite" else empty_postgres(request.getfixturevalue("postgres_url"))
    )
    try:
        yield found
    finally:
        found.close()


def _two_jobs(database: Database) -> tuple[int, int]:
    queue = SqlJobQueue(database, worker_settings(), clock=ManualClock())
    first, _ = queue.enqueue(NewJob("review", "github:1", "key-1", {"n": 1}, 3))
    second, _ = queue.enqueue(NewJob("review", "github:1", "key-2", {"n": 1}, 3))
    return first.id, second.id


def _stored(conn: Connection, job_id: int) -> tuple[Any, ...]:
    """The row as the database holds it (raw: on SQLite the timestamps' text), without its id and key."""
    return tuple(conn.exec_driver_sql(f"SELECT {COLUMNS} FROM jobs WHERE id = {int(job_id)}").one())


def _both(database: Database, statement: Any, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """The first row through Prepared, the second through SQLAlchemy: the rows each matched."""
    with database.core_transaction() as conn:
        prepared = Prepared(statement).execute(conn, rows[:1])
        plain = conn.execute(statement, rows[1:]).rowcount
    return prepared, plain


def test_a_claim_a_release_and_a_completion_store_what_sqlalchemy_stores(database: Database) -> None:
    first, second = _two_jobs(database)
    take = {"to_state": "running", "to_attempts": 1, "to_lease_owner": "w", "to_lease_expires_at": LEASE_END}
    take["to_updated_at"] = START
    tokens = {first: "a" * 32, second: "b" * 32}
    claimed = [{"job_id": job, "to_attempt_token": "t", **take} for job in (first, second)]
    assert _both(database, TAKE, claimed) == (1, 1)
    with database.core_transaction() as conn:
        assert _stored(conn, first) == _stored(conn, second)
        for job, token in tokens.items():  # each attempt its own token, as a claim gives
            conn.execute(text("UPDATE jobs SET attempt_token = :token WHERE id = :id"), {"token": token, "id": job})

    later = START + timedelta(seconds=7)
    release = {"now": later, "error": "boom", "to_state": "queued", "to_attempts": 1, "to_finished_at": None}
    release["to_run_after"] = later + timedelta(seconds=2.5)
    released = [{"job_id": job, "token": token, **release} for job, token in tokens.items()]
    assert _both(database, RELEASE, released) == (1, 1)
    with database.core_transaction() as conn:
        assert _stored(conn, first) == _stored(conn, second)
        assert _stored(conn, first)[3] == "queued"
        conn.execute(
            text("UPDATE jobs SET state = 'running', attempt_token = 'c' WHERE id IN (:a, :b)"),
            {"a": first, "b": second},
        )

    completed = [{"job_id": job, "token": "c", "now": later + timedelta(microseconds=1)} for job in (first, second)]
    assert _both(database, COMPLETE, completed) == (1, 1)
    with database.core_transaction() as conn:
        assert _stored(conn, first) == _stored(conn, second)
        assert _stored(conn, first)[3] == "succeeded"


def test_a_write_whose_token_is_stale_matches_no_row(database: Database) -> None:
    first, second = _two_jobs(database)
    with database.core_transaction() as conn:
        conn.execute(
            text("UPDATE jobs SET state = 'running', attempt_token = 'current' WHERE id IN (:a, :b)"),
            {"a": first, "b": second},
        )
    rows = [{"job_id": job, "token": token, "now": START} for job, token in ((first, "current"), (second, "stale"))]
    with database.core_transaction() as conn:
        assert Prepared(COMPLETE).execute(conn, rows) == 1
        assert _stored(conn, first)[3] == "succeeded"
        assert _stored(conn, second)[3] == "running"
