"""The suite's `fresh_sqlite` (tests/contract/conftest.py) hands each test a copy of one database this process
migrated (ADR 0630): the copy must be what running the migrations on a new file gives, and each copy its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.contract.conftest import fresh_sqlite
from tfreview.store.database import Database
from tfreview.store.migrate import current_revision, head_revision, upgrade_database


def _schema(path: Path) -> tuple[list[tuple[str, str, str]], list[tuple[str, ...]], str]:
    connection = sqlite3.connect(path)
    try:
        objects = connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        rows = [
            (name, *map(str, row))
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            for row in connection.execute(f'SELECT * FROM "{name}"')  # names from sqlite_master
        ]
        (journal,) = connection.execute("PRAGMA journal_mode").fetchone()
        return objects, rows, str(journal)
    finally:
        connection.close()


def test_a_fresh_sqlite_copy_is_what_the_migrations_make(tmp_path: Path) -> None:
    migrated = Database(f"sqlite:///{tmp_path / 'migrated' / 'tfreview.db'}")
    try:
        upgrade_database(migrated)
    finally:
        migrated.close()
    copied = fresh_sqlite(tmp_path / "copy")
    try:
        assert current_revision(copied) == head_revision()
    finally:
        copied.close()
    objects, rows, journal = _schema(tmp_path / "copy" / "store" / "tfreview.db")
    assert objects  # the tables, indexes and triggers
    assert (objects, rows, journal) == _schema(tmp_path / "migrated" / "tfreview.db")


def test_each_fresh_sqlite_copy_is_its_own_file(tmp_path: Path) -> None:
    first, second = fresh_sqlite(tmp_path / "a"), fresh_sqlite(tmp_path / "b")
    try:
        with first.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE only_in_the_first (x INTEGER)")
        with second.engine.connect() as connection:
            names = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert "only_in_the_first" not in names
    finally:
        first.close()
        second.close()
