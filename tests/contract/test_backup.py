"""Backups (issue 11 B*): create, list, verify, restore on SQLite (online backup API) and PostgreSQL
(pg_dump -Fc / pg_restore into a scratch database), compared table by table with the manifest."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from tests.contract.conftest import ManualClock, sql_stores
from tests.contract.test_integrity import _populate
from tfreview.core.errors import InputError
from tfreview.store.backup import (
    create_backup,
    find_backup,
    list_backups,
    prune_backups,
    restore_postgres,
    restore_sqlite,
    scratch_database,
    verify_backup,
)
from tfreview.store.backup_manifest import MANIFEST_SUFFIX, compare_digests, table_digests
from tfreview.store.database import Database


def _url(database: Database) -> str:
    return database.url.render_as_string(hide_password=False)


def test_create_list_verify_and_restore_round_trip(sql_database: Database, tmp_path: Path) -> None:
    stores = sql_stores("sql", sql_database, ManualClock())
    _populate(stores)
    directory = tmp_path / "backups"
    manifest = create_backup(_url(sql_database), directory)
    assert manifest.kind == ("sqlite" if sql_database.is_sqlite else "postgresql")
    assert manifest.schema_revision is not None
    assert manifest.tables["reviews"].rows == 1
    assert manifest.tables["deliveries"].rows == 1
    assert (directory / manifest.file).stat().st_size == manifest.size
    assert not list(directory.glob("*.partial"))
    assert [m.file for m in list_backups(directory)] == [manifest.file]
    assert find_backup(directory, None) == manifest
    verify_backup(directory, manifest, scratch_server_url=_url(sql_database))  # raises on any difference

    with sql_database.engine.connect() as conn:
        live = table_digests(conn)
    if sql_database.is_sqlite:
        restored = restore_sqlite(directory / manifest.file, tmp_path / "restored" / "tfreview.db")
        assert compare_digests(live, restored) == []
    else:
        with scratch_database(_url(sql_database), "test") as scratch:
            restored = restore_postgres(directory / manifest.file, scratch, clean=False)
            assert compare_digests(live, restored) == []
            # a second restore over it with --clean gives the same rows again
            again = restore_postgres(directory / manifest.file, scratch, clean=True)
            assert compare_digests(live, again) == []


def test_a_changed_backup_file_fails_verification(sql_database: Database, tmp_path: Path) -> None:
    _populate(sql_stores("sql", sql_database, ManualClock()))
    manifest = create_backup(_url(sql_database), tmp_path)
    path = tmp_path / manifest.file
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="changed since it was written"):
        verify_backup(tmp_path, manifest, scratch_server_url=_url(sql_database))


def test_a_manifest_that_disagrees_with_the_backup_fails_verification(sql_database: Database, tmp_path: Path) -> None:
    _populate(sql_stores("sql", sql_database, ManualClock()))
    manifest = create_backup(_url(sql_database), tmp_path)
    manifest_path = tmp_path / (manifest.file + MANIFEST_SUFFIX)
    document = json.loads(manifest_path.read_text())
    document["tables"]["reviews"]["rows"] = 2
    manifest_path.write_text(json.dumps(document))
    with pytest.raises(InputError, match="reviews: 1 rows, manifest says 2"):
        verify_backup(tmp_path, find_backup(tmp_path, manifest.file), scratch_server_url=_url(sql_database))


def test_retention_keeps_the_newest_and_drops_the_old(sql_database: Database, tmp_path: Path) -> None:
    clock = ManualClock()
    names = []
    for _ in range(4):
        names.append(create_backup(_url(sql_database), tmp_path, clock=clock).file)
        clock.advance(3600)
    removed = prune_backups(tmp_path, keep=3, max_age=timedelta(hours=2, minutes=30), now=clock())
    # 4 backups, 1 h apart; the newest is 1 h old: keep 3 would drop the oldest, age drops the 3 h one too
    assert sorted(removed) == sorted(names[:2])
    assert [m.file for m in list_backups(tmp_path)] == [names[3], names[2]]
    assert prune_backups(tmp_path, keep=1, max_age=timedelta(seconds=1), now=clock() + timedelta(days=9)) == [names[2]]
    assert [m.file for m in list_backups(tmp_path)] == [names[3]]  # never the newest


def test_no_backup_yet_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no backup in"):
        find_backup(tmp_path, None)
    (tmp_path / "x.sqlite3.manifest.json").write_text("{")  # an unreadable manifest is no backup
    with pytest.raises(InputError, match="no backup in"):
        find_backup(tmp_path, "x")


def test_sqlite_backup_is_consistent_while_a_writer_holds_a_transaction(tmp_path: Path) -> None:
    from tests.contract.conftest import fresh_sqlite

    database = fresh_sqlite(tmp_path)
    try:
        _populate(sql_stores("sql", database, ManualClock()))
        writer = sqlite3.connect(database.url.database or "", isolation_level=None)
        try:  # an open, uncommitted write: not in the backup
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("DELETE FROM findings")
            manifest = create_backup(_url(database), tmp_path / "b")
            writer.execute("ROLLBACK")
        finally:
            writer.close()
        assert manifest.tables["findings"].rows == 1
        with pytest.raises(InputError, match="no backup 'nope'"):
            find_backup(tmp_path / "b", "nope")
    finally:
        database.close()
