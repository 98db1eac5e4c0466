"""B3 against a real `tfreview serve`: a SQLite file with damaged pages (bytes flipped in its b-tree page headers,
as a bad disk or a torn copy leaves them) is refused at start — exit 2, one line naming the problem and the way
back (a restore) — instead of served writable: it used to start, acknowledge deliveries into the damaged file
with 202, and say nothing but "audit failed: DatabaseError". Damage in row contents is the audit's (content
hashes); damage SQLite reports by raising is refused too.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.integration.served import START_SECONDS, child_env

PAGE = 4096


def _migrated_with_rows(data: Path) -> Path:
    upgrade = [sys.executable, "-m", "tfreview", "db", "upgrade", "--data-dir", str(data)]
    subprocess.run(upgrade, env=child_env(), capture_output=True, timeout=START_SECONDS, check=True)
    database = data / "tfreview.db"
    connection = sqlite3.connect(database)
    try:
        connection.execute("CREATE TABLE filler (x TEXT)")  # pages enough to damage; the schema's tables are empty
        connection.executemany("INSERT INTO filler VALUES (?)", [(f"{i:04d}" * 250,) for i in range(600)])
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert connection.execute("PRAGMA page_size").fetchone()[0] == PAGE
    finally:
        connection.close()
    return database


def _quick_check(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        return [row[0] for row in connection.execute("PRAGMA quick_check")]
    finally:
        connection.close()


def _serve(data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data)],
        env=child_env(), capture_output=True, text=True, timeout=START_SECONDS, check=False,
    )  # fmt: skip


def test_serve_refuses_a_database_whose_pages_quick_check_finds_damaged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = _migrated_with_rows(data)
    damaged = bytearray(database.read_bytes())
    rng = random.Random(0)
    for page in rng.sample(range(2, len(damaged) // PAGE), 3):  # page 1 holds the file header
        damaged[(page - 1) * PAGE + 4] ^= 0x01  # the page's cell count, one bit
    database.write_bytes(bytes(damaged))
    assert _quick_check(database) != ["ok"]  # what the test injected is damage SQLite can see

    result = _serve(data)

    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr[-2000:])
    assert "serving on" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tfreview: error: refusing to start: SQLite database "), lines
    assert "is damaged (PRAGMA quick_check: " in lines[0] and "tfreview backup restore --force" in lines[0], lines
    assert database.read_bytes() == bytes(damaged)


def test_serve_refuses_a_database_sqlite_calls_malformed(tmp_path: Path) -> None:
    """Damage PRAGMA quick_check raises on rather than reports (the root page of the deliveries table)."""
    data = tmp_path / "data"
    upgrade = [sys.executable, "-m", "tfreview", "db", "upgrade", "--data-dir", str(data)]
    subprocess.run(upgrade, env=child_env(), capture_output=True, timeout=START_SECONDS, check=True)
    database = data / "tfreview.db"
    connection = sqlite3.connect(database)
    (root,) = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'deliveries'").fetchone()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    damaged = bytearray(database.read_bytes())
    damaged[(root - 1) * PAGE] = 0  # no b-tree page type
    database.write_bytes(bytes(damaged))

    result = _serve(data)

    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr[-2000:])
    assert "serving on" not in result.stdout
    assert result.stderr.strip().splitlines() == [
        f"tfreview: error: refusing to start: SQLite database sqlite:///{database} is unusable: "
        "database disk image is malformed"
    ]
    assert database.read_bytes() == bytes(damaged)
