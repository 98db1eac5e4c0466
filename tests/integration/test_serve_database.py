"""Issue 9 items 6 and 7 against a real `tfreview serve` process and its SQLite file.

- 6: a database the process cannot write (a read-only file; root is made to respect file permissions by
  dropping CAP_DAC_OVERRIDE) is refused at start — exit 2, one line — instead of served as "ready";
- 7: while another process holds SQLite's write lock, every signed delivery is answered 503 with
  Retry-After, and the server's whole wait for the lock (its threads' queue plus SQLite's busy handler)
  stays within busy_timeout + 1 s — it used to add the two, ~10 s, GitHub's cutoff.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import GITHUB_SECRET, START_SECONDS, child_env, serving
from tests.web import deliveries
from tfreview.settings import DatabaseSettings

BUSY_TIMEOUT_MS = DatabaseSettings().busy_timeout_ms


def as_unprivileged(argv: list[str]) -> list[str]:
    """`argv` run so that file permissions bind it: as is for a normal user; for root, without the capabilities
    that bypass them (skipped with the reason where that cannot be done)."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): cannot make a file un-writable for the server")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *argv]


def test_serve_refuses_a_database_it_cannot_write(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # the same CLI in this process (ADR 0669): the serve that is refused is the process under test
    upgraded = tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env())
    assert upgraded.returncode == 0, upgraded.stderr
    database = data / "tfreview.db"
    for path in (database, database.with_name("tfreview.db-wal"), database.with_name("tfreview.db-shm")):
        if path.exists():
            path.chmod(0o444)
    before = database.read_bytes()
    result = subprocess.run(
        as_unprivileged([sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data)]),
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
        check=False,
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "serving on" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "refusing to start" in lines[0]
    assert "readonly" in lines[0] or "read-only" in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == before


def test_serve_refuses_a_file_that_is_no_database(tmp_path: Path) -> None:
    """A data directory whose tfreview.db is not SQLite (a failed restore, a copy of the wrong file): exit 2 with
    one line naming it, as service-unreachable's runbook says — it was exit 3, "internal error" and a link."""
    data = tmp_path / "data"
    data.mkdir()
    database = data / "tfreview.db"
    database.write_bytes(b"this is not a database\n" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data)],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
        check=False,
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "serving on" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"tfreview: error: refusing to start: SQLite database sqlite:///{database} is unusable: file is not a database"
    ], lines
    assert database.read_bytes() == b"this is not a database\n" * 100


def test_a_locked_database_is_503_with_retry_after_within_busy_timeout_plus_one_second(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving(data, env=child_env(TFREVIEW_LOG_LEVEL="INFO")) as served:
        holder = sqlite3.connect(data / "tfreview.db", isolation_level=None, timeout=30)
        try:
            holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock, for longer than busy_timeout

            def deliver(n: int) -> httpx.Response:
                pull = deliveries.pull_request(head_sha=f"{n:040x}")
                signed = deliveries.github("pull_request", pull, secret=GITHUB_SECRET)
                url = f"{served.url}/webhooks/github"
                return httpx.post(url, content=signed.body, headers=signed.headers, timeout=60)

            with ThreadPoolExecutor(max_workers=8) as pool:
                answers = list(pool.map(deliver, range(8)))
        finally:
            with contextlib.suppress(sqlite3.Error):
                holder.execute("ROLLBACK")
            holder.close()
        assert [a.status_code for a in answers] == [503] * 8, [a.text for a in answers]
        assert all(a.headers.get("retry-after") for a in answers)
        text = served.wait_for_log("on /webhooks/github: answering 503", count=8)
    refusals = [line for line in text.splitlines() if "on /webhooks/github: answering 503" in line]
    # the server's own account of each request's wait for the lock (its threads' queue, then SQLite's handler)
    waits = [int(ms) for line in refusals for ms in re.findall(r"database is locked \(waited (\d+) ms", line)]
    assert len(waits) == len(refusals) == 8, refusals
    assert max(waits) <= BUSY_TIMEOUT_MS + 1000, waits
    assert "Traceback" not in text


def test_serve_refuses_a_data_directory_it_cannot_write(tmp_path: Path) -> None:
    """Issue 11: the database file is writable but its directory is not (SQLite cannot create its -wal and -shm
    files beside it): exit 2 with one line, the database untouched."""
    data = tmp_path / "data"
    # the same CLI in this process (ADR 0669): the serve that is refused is the process under test
    upgraded = tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env())
    assert upgraded.returncode == 0, upgraded.stderr
    database = data / "tfreview.db"
    for leftover in (database.with_name("tfreview.db-wal"), database.with_name("tfreview.db-shm")):
        leftover.unlink(missing_ok=True)  # a clean shutdown leaves none
    before = database.read_bytes()
    data.chmod(0o555)
    try:
        result = subprocess.run(
            as_unprivileged([sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data)]),
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=START_SECONDS,
            check=False,
        )
    finally:
        data.chmod(0o755)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "serving on" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "refusing to start" in lines[0] or "cannot" in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == before
