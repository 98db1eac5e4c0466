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

from tests.cli_in_process import tfreview_in_process
from tests.integration.door_requests import delivery, request
from tests.integration.served import START_SECONDS, child_env, serving

PAGE = 4096


def _migrated_with_rows(data: Path) -> Path:
    # the same CLI in this process (ADR 0669): the serve that meets the damage is the process under test
    upgraded = tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env())
    assert upgraded.returncode == 0, upgraded.stderr
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
    assert len(lines) == 1, lines
    assert lines[0].startswith("tfreview: error: refusing to start: SQLite database "), lines
    assert "is damaged (PRAGMA quick_check: " in lines[0], lines
    assert "tfreview backup restore --force" in lines[0], lines
    assert database.read_bytes() == bytes(damaged)


def test_serve_refuses_a_database_sqlite_calls_malformed(tmp_path: Path) -> None:
    """Damage PRAGMA quick_check raises on rather than reports (the root page of the deliveries table)."""
    data = tmp_path / "data"
    # the same CLI in this process (ADR 0669): the serve that meets the damage is the process under test
    upgraded = tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env())
    assert upgraded.returncode == 0, upgraded.stderr
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


METRICS_TOKEN = "metrics-damage-canary-5d1e"


def test_damage_found_while_serving_counts_an_audit_mismatch_and_logs_an_error(tmp_path: Path) -> None:
    """The file damaged under a running serve: each audit pass SQLite refuses counts
    tfreview_audit_mismatches_total{table="database"} (the audit-mismatch alert) and logs an error naming the way
    back; it used to log `WARNING audit failed: DatabaseError` each period, and nothing alerted."""
    data = tmp_path / "data"
    env = child_env(TFREVIEW_BACKUP__AUDIT_INTERVAL_SECONDS="1", TFREVIEW_METRICS__TOKEN=METRICS_TOKEN)
    with serving(data) as served:
        for number in range(8):
            body, headers = delivery(7, number + 1)
            assert request(served.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
    # stopped: the rows are in the file itself (no WAL holds newer copies of their pages), where the damage goes
    with serving(data, env=env) as served:
        database = data / "tfreview.db"
        connection = sqlite3.connect(database)
        roots = [r for (r,) in connection.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'deliveries'")]
        connection.close()
        with database.open("r+b") as file:
            for root in roots:
                file.seek((root - 1) * PAGE + 4)
                (count,) = file.read(1)
                file.seek((root - 1) * PAGE + 4)
                file.write(bytes([count ^ 0x01]))  # the cell count of the table's and its indexes' root pages
        log = served.wait_for_log("audit: the database is damaged (")
        assert "docs/runbooks/audit-mismatch.md" in log
        assert "audit failed: DatabaseError" not in log
        scraped = request(served.port, "GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert scraped.status == 200
        counted = [
            line for line in scraped.body.decode().splitlines()
            if line.startswith('tfreview_audit_mismatches_total{table="database"}')
        ]  # fmt: skip
        assert counted, scraped.body.decode()[-2000:]
        assert float(counted[0].split()[-1]) >= 1, counted


def test_a_stored_text_that_is_no_longer_utf8_counts_as_damage(tmp_path: Path) -> None:
    """A flipped bit in a text column (here written as such: the stored event name's first byte 0xF2): SQLite's
    quick_check does not look at text encodings, and the audit failed on the row with `WARNING audit failed:
    UnicodeDecodeError` each period — nothing alerted. It now counts as damage, as above."""
    data = tmp_path / "data"
    env = child_env(TFREVIEW_BACKUP__AUDIT_INTERVAL_SECONDS="1", TFREVIEW_METRICS__TOKEN=METRICS_TOKEN)
    with serving(data, env=env) as served:
        body, headers = delivery(7, 1)
        assert request(served.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
        connection = sqlite3.connect(data / "tfreview.db", timeout=30)
        connection.execute("UPDATE deliveries SET event = CAST(X'F2' || CAST(event AS BLOB) AS TEXT)")
        connection.commit()
        connection.close()
        log = served.wait_for_log("audit: the database is damaged (a stored text is not UTF-8")
        assert "audit failed: UnicodeDecodeError" not in log
        scraped = request(served.port, "GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert 'tfreview_audit_mismatches_total{table="database"}' in scraped.body.decode()


def test_a_stored_time_that_no_longer_parses_counts_as_damage(tmp_path: Path) -> None:
    """A flipped bit in a stored time ('2026-12-06' → '2026-12-46'): the audit pass failed with `WARNING audit
    failed: ValueError` each period, after quarantining what it had found in that pass without counting it."""
    data = tmp_path / "data"
    env = child_env(TFREVIEW_BACKUP__AUDIT_INTERVAL_SECONDS="1", TFREVIEW_METRICS__TOKEN=METRICS_TOKEN)
    with serving(data, env=env) as served:
        body, headers = delivery(7, 1)
        assert request(served.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
        connection = sqlite3.connect(data / "tfreview.db", timeout=30)
        connection.execute("UPDATE reviews SET created_at = '2026-12-46 16:01:12.064307'")
        connection.commit()
        connection.close()
        log = served.wait_for_log("audit: the database is damaged (a stored value cannot be read back (ValueError))")
        assert "audit failed: ValueError" not in log
        assert "2026-12-46" not in log
        scraped = request(served.port, "GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert 'tfreview_audit_mismatches_total{table="database"}' in scraped.body.decode()
