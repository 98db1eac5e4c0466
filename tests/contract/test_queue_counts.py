"""The dead-job count the scrape and the watchdog read is one row kept by triggers (migration 0022, ADR 0473).

On SQLite and PostgreSQL: through the queue's own operations (a permanent failure, out of attempts, a retry) and
through any other writer (a plain UPDATE, DELETE, a bulk insert, PostgreSQL's TRUNCATE) the row always equals
`count(*)` of the dead jobs; the migration counts the jobs already dead. And the read costs the same with 0 or
20,000 dead jobs: SQLite's virtual-machine steps for the whole signals statement are counted (no timing)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import delete, func, insert, select, text, update

from tests.contract.conftest import ManualClock, sql_stores
from tfreview.ports.jobs import NewJob
from tfreview.store.database import Database
from tfreview.store.migrate import alembic_config, current_revision, head_revision, upgrade_database
from tfreview.store.queue_signals import STATEMENT, SqlQueueSignals
from tfreview.store.tables import JobRow, QueueCountRow

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def _counted(database: Database) -> int:
    with database.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(JobRow).where(JobRow.state == "dead")).scalar_one())


def _signalled(database: Database) -> int:
    return SqlQueueSignals(database, timedelta(minutes=15), clock=lambda: NOW)().dead


def _rows(n: int, state: str, prefix: str) -> list[dict[str, object]]:
    return [
        {
            "kind": "review",
            "tenant_id": "github:1",
            "idempotency_key": f"{prefix}:{i}",
            "payload": "{}",
            "state": state,
            "attempts": 1,
            "max_attempts": 1,
            "run_after": NOW,
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(n)
    ]


def test_the_dead_count_follows_every_writer(sql_database: Database) -> None:
    clock = ManualClock(NOW)
    queue = sql_stores("sql", sql_database, clock).queue
    assert _signalled(sql_database) == 0
    jobs = [queue.enqueue(NewJob("review", "github:1", f"k{i}", max_attempts=1))[0] for i in range(4)]
    for _ in jobs[:3]:
        claimed = queue.claim("w1")
        assert claimed is not None
        assert claimed.attempt_token is not None
        queue.fail(claimed.id, claimed.attempt_token, "boom", permanent=claimed.id == jobs[0].id)
    assert _signalled(sql_database) == _counted(sql_database) == 3
    assert queue.retry(jobs[0].id) is not None  # dead -> queued
    assert _signalled(sql_database) == _counted(sql_database) == 2
    with sql_database.engine.begin() as conn:
        conn.execute(insert(JobRow), _rows(50, "dead", "bulk"))
        conn.execute(insert(JobRow), _rows(5, "queued", "live"))
        conn.execute(update(JobRow).where(JobRow.idempotency_key.like("live:%")).values(state="dead"))
        conn.execute(update(JobRow).where(JobRow.idempotency_key == "bulk:0").values(state="dead"))  # dead -> dead
        conn.execute(delete(JobRow).where(JobRow.idempotency_key.like("bulk:1%")))  # 11 dead rows
    assert _signalled(sql_database) == _counted(sql_database) == 2 + 50 + 5 - 11
    with sql_database.engine.begin() as conn:
        conn.execute(delete(JobRow).where(JobRow.state == "dead"))
    assert _signalled(sql_database) == _counted(sql_database) == 0
    if not sql_database.is_sqlite:
        with sql_database.engine.begin() as conn:
            conn.execute(insert(JobRow), _rows(3, "dead", "again"))
            conn.execute(text("TRUNCATE jobs CASCADE"))
        assert _signalled(sql_database) == _counted(sql_database) == 0


def test_the_migration_counts_the_jobs_already_dead(sqlite_dir: Path) -> None:
    database = Database(f"sqlite:///{sqlite_dir / 'before.db'}")
    try:
        upgrade_database(database, "0021_notify_outbox")
        with database.engine.begin() as conn:
            conn.execute(insert(JobRow), _rows(7, "dead", "old") + _rows(2, "queued", "waiting"))
        upgrade_database(database)  # to head: later migrations (0023) keep 0022's triggers and its count
        assert current_revision(database) == head_revision()
        with database.engine.connect() as conn:
            assert conn.execute(select(QueueCountRow.jobs).where(QueueCountRow.state == "dead")).scalar_one() == 7
        assert _signalled(database) == 7
        command.downgrade(alembic_config(database), "0021_notify_outbox")
        with database.engine.connect() as conn:
            names = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master"))}
        assert "queue_counts" not in names
        assert not any(name.startswith("jobs_dead_") for name in names)
        with database.engine.begin() as conn:
            conn.execute(insert(JobRow), _rows(1, "dead", "after"))  # no trigger left behind to fail it
    finally:
        database.close()


def test_reading_the_signals_costs_the_same_whatever_the_dead_jobs(sqlite_dir: Path) -> None:
    database = Database(f"sqlite:///{sqlite_dir / 'steps.db'}")
    try:
        upgrade_database(database)
        steps_at = {}
        for dead in (0, 20_000):
            if dead:
                with database.engine.begin() as conn:
                    conn.execute(insert(JobRow), _rows(dead, "dead", "history"))
            steps_at[dead] = _steps(database)
        assert _signalled(database) == 20_000
        assert steps_at[0] > 0
        assert steps_at[20_000] == steps_at[0], steps_at  # counting them was ~20,000 more steps
    finally:
        database.close()


def _steps(database: Database) -> int:
    """SQLite virtual-machine instructions the signals statement runs (a progress handler called every step)."""
    parameters = {"now": NOW, "cutoff": NOW - timedelta(minutes=15)}
    counted = [0]

    def step() -> int:
        counted[0] += 1
        return 0

    with database.engine.connect() as conn:
        conn.execute(STATEMENT, parameters).one()  # compiled and prepared once before it is counted
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.set_progress_handler(step, 1)
        try:
            conn.execute(STATEMENT, parameters).one()
        finally:
            raw.set_progress_handler(None, 1)
    return counted[0]
