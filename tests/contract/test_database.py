"""The Database boundary: durability check (Q5), lock and outage translation, URL handling."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from tfreview.core.errors import ConfigError, StoreUnavailable
from tfreview.plumbing.clock import utcnow
from tfreview.ports.records import Delivery
from tfreview.store.database import Database, normalise_url
from tfreview.store.intake import SqlIntake
from tfreview.store.migrate import current_revision, head_revision, upgrade_database


def test_a_fresh_sqlite_database_is_durable_and_its_directory_is_created(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'tfreview.db'}")
    try:
        database.check_durability()
        database.ping()
        assert (tmp_path / "nested" / "dir").is_dir()
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        database.close()


@pytest.mark.parametrize(
    ("pragma", "problem"),
    [
        ("PRAGMA synchronous = NORMAL", "synchronous is 1"),
        ("PRAGMA journal_mode = DELETE", "journal_mode is 'delete'"),
        ("PRAGMA busy_timeout = 100", "busy_timeout is 100 ms"),
    ],
)
def test_q5_the_service_refuses_a_database_opened_with_other_pragmas(tmp_path: Path, pragma: str, problem: str) -> None:
    database = Database(f"sqlite:///{tmp_path / 'tfreview.db'}")

    @event.listens_for(database.engine, "connect")
    def drift(dbapi_connection: Any, _record: Any) -> None:  # runs after the store's own hook
        dbapi_connection.execute(pragma)

    try:
        with pytest.raises(ConfigError, match=problem):
            database.check_durability()
    finally:
        database.close()


def test_q5_a_busy_timeout_below_5_seconds_is_refused(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'tfreview.db'}", busy_timeout_ms=1000)
    try:
        with pytest.raises(ConfigError, match="busy_timeout is 1000 ms"):
            database.check_durability()
    finally:
        database.close()


def test_a_lock_held_past_busy_timeout_is_store_unavailable_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "tfreview.db"
    database = Database(f"sqlite:///{path}", busy_timeout_ms=200)  # below the service minimum, for speed
    upgrade_database(database)
    intake = SqlIntake(database)
    other = sqlite3.connect(path, isolation_level=None)
    delivery = Delivery("github", "d-1", "ping", "github:1", "", received_at=utcnow())
    try:
        other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        with pytest.raises(StoreUnavailable, match="locked") as raised:
            intake.accept(delivery, b"{}", None)
        assert isinstance(raised.value.__cause__, Exception)  # chained from the driver error
        other.execute("ROLLBACK")
        assert intake.list().items == []
        assert intake.accept(delivery, b"{}", None)[1]
    finally:
        other.close()
        database.close()


def test_an_unreachable_postgresql_is_store_unavailable() -> None:
    with socket.socket() as probe:  # a free port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = Database(f"postgresql://tfreview:hunter2-canary@127.0.0.1:{port}/tfreview", connect_timeout_seconds=1)
    try:
        with pytest.raises(StoreUnavailable) as raised:
            database.ping()
        assert "hunter2-canary" not in str(raised.value)
        assert "hunter2-canary" not in database.safe_url
    finally:
        database.close()


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///data/t.db", "sqlite+pysqlite"),
    ],
)
def test_urls_are_normalised(url: str, driver: str) -> None:
    assert normalise_url(url).drivername == driver


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite://", "sqlite:///:memory:", "not a url"])
def test_unsupported_urls_are_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError):
        normalise_url(url)


def test_upgrade_records_the_head_revision(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'tfreview.db'}")
    try:
        assert current_revision(database) is None
        upgrade_database(database)
        upgrade_database(database)  # idempotent
        assert current_revision(database) == head_revision()
    finally:
        database.close()


def test_9_6_readiness_writes_a_database_that_answers_reads_but_refuses_writes_is_not_ready(tmp_path: Path) -> None:
    """A running service whose SQLite file became read-only: SELECT still works, so a read probe said "ready"
    while every write failed. The readiness check wired for the database commits a write."""
    from tfreview.settings import DatabaseSettings, Settings
    from tfreview.wiring import build_services

    path = tmp_path / "tfreview.db"
    upgrade_database(writable := Database(f"sqlite:///{path}"))
    writable.close()
    services = build_services(Settings(database=DatabaseSettings(url=f"sqlite:///{path}")))
    try:
        check = next(c for c in services.health_checks if c.name == "database")
        assert check.check() == (True, "ok")
        services.close()  # every connection closed, WAL checkpointed: the file alone holds the data
        header = bytearray(path.read_bytes())
        header[18] = 3  # SQLite now opens the file read-only (as it does a file without write permission)
        path.write_bytes(bytes(header))
        ok, detail = check.check()
        assert not ok
        assert "readonly" in detail or "read-only" in detail, detail
    finally:
        services.close()
