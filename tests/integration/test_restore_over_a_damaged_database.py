"""B2/B3 as an operator meets them: `serve` refuses a damaged SQLite file and says "restore the newest verified
backup" — and `tfreview backup restore --force` then refused too: "SQLite restore failed: file is not a database"
(exit 3), because it folded the old file's WAL into it (a checkpoint) before keeping it, and SQLite will not
checkpoint a file it cannot read. Found from the outside: random bytes over tfreview.db, then the restore. A damaged
database is now kept (a WAL SQLite did not fold in goes beside the kept copy, never under the restored file) and
replaced.

The restore is a real process; the steps before it and the reads after it run the same CLI in this process
(tests/cli_in_process.py, ADR 0669)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import START_SECONDS, child_env


def _tfreview(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", *argv],
        env=child_env(), capture_output=True, text=True, timeout=START_SECONDS, check=False,
    )  # fmt: skip


def _here(*argv: str) -> subprocess.CompletedProcess[str]:
    return tfreview_in_process(*argv, env=child_env())


def _not_a_database(database: Path) -> None:
    database.write_bytes(bytes(range(256)) * 64)  # no SQLite header: SQLITE_NOTADB


def _header_page_damaged(database: Path) -> None:
    with database.open("r+b") as file:  # the schema's root page (page 1, past the 100-byte header): SQLITE_CORRUPT
        file.seek(100)
        file.write(b"\xff" * 200)


@pytest.mark.parametrize("damage", [_not_a_database, _header_page_damaged])
def test_a_restore_replaces_a_database_sqlite_cannot_read_and_keeps_it(tmp_path: Path, damage: object) -> None:
    data = tmp_path / "data"
    created = _here("tokens", "create", "--tenant", "github:7", "--scope", "read", "--name", "ci",
                    "--data-dir", str(data))  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert _here("backup", "create", "--data-dir", str(data)).returncode == 0
    database = data / "tfreview.db"
    wal = data / "tfreview.db-wal"
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    with connection:
        connection.execute("UPDATE api_tokens SET name = 'after-the-backup'")
    frames = wal.read_bytes()  # the last close folds the WAL in and removes it: put it back, as a crash leaves it
    connection.close()
    wal.write_bytes(frames)
    assert callable(damage)
    damage(database)
    damaged = database.read_bytes()

    restored = _tfreview("backup", "restore", "--force", "--data-dir", str(data))

    assert restored.returncode == 0, restored.stderr
    assert "Traceback" not in restored.stderr
    # its revocations could not be read: said on stderr, and kept in the audit trail (ADR 0611)
    assert "token revocations of the database being replaced could not be read" in restored.stderr
    audit = _here("audit-log", "--action", "backup.restore", "-o", "json", "--data-dir", str(data))
    assert audit.returncode == 0, audit.stderr
    (entry,) = json.loads(audit.stdout)
    assert entry["detail"]["revocations_read"] is False
    kept = [p for p in data.iterdir() if p.name.startswith("tfreview.db.before-restore-") and "-wal" not in p.name]
    assert len(kept) == 1, sorted(p.name for p in data.iterdir())
    # kept for whoever investigates: as it was, or with its WAL folded in or beside it (SQLite folds a WAL into the
    # file when the last connection to it closes, even one that found the file damaged)
    kept_wal = data / f"{kept[0].name}-wal"
    assert kept[0].read_bytes() == damaged or kept[0].stat().st_size == len(damaged)
    assert not kept_wal.exists() or kept_wal.read_bytes() == frames
    assert _reads_back(database)  # the old WAL was never replayed onto the restored file
    listed = _here("tokens", "list", "--data-dir", str(data))
    assert listed.returncode == 0, listed.stderr
    assert " ci" in listed.stdout  # the backup's row, not the damaged file's WAL replayed onto it
    assert "after-the-backup" not in listed.stdout


def _reads_back(database: Path) -> bool:
    with sqlite3.connect(database) as connection:
        return connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
