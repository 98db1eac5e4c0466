"""Chaos: the SQLite disk fills up while deliveries arrive, and `serve` refuses to start on a full disk.

`tfreview serve` (embedded workers) runs in its own user and mount namespace (`unshare -Urm`, no privilege needed)
with its data directory on a size-limited tmpfs: filling that file system makes SQLite's own writes fail with
SQLITE_FULL ("database or disk is full") exactly as on a full disk — not an emulation through a page limit or
RLIMIT_FSIZE (whose EFBIG SQLite reports as an I/O error). The test reaches the files through /proc/PID/root, and
reads the database from inside the namespace (`nsenter`: SQLite resolves the /proc/PID/root link to this namespace's
empty directory). GitHub redelivers what was not acknowledged; the ledger must show 0 acked-but-lost, 0 duplicated,
0 stuck, and the database must pass `PRAGMA integrity_check` afterwards. See ADR 0201.

A read-only database is refused at start (tests/integration/test_serve_database.py: exit 2, one line); a read-only
remount under a running service is not possible while SQLite holds its files open for writing (EBUSY), and a chmod
does not touch descriptors already open, so "read-only at run time" has no faithful injection here — the start check
is what guards it."""

from __future__ import annotations

import contextlib
import errno
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chaos.conftest import REPO, open_pulls, stack_env
from tests.chaos.flows import SETTLE_SECONDS, deliver_all, settle_with
from tests.chaos.ledger import SQLITE_PUBLISHING, SQLITE_ROWS, Ledger
from tests.fakes.github import FakeGitHub
from tests.integration.served import START_SECONDS, stop

PULLS = 40
TMPFS_SIZE = "48m"
FAULT_SECONDS = 4.0
LAUNCH = 'mount -t tmpfs -o size={size} tfreview-chaos "$1" && exec "$0" -m tfreview serve --port 0 --data-dir "$1"'


def _namespaces_available() -> str | None:
    """None when `unshare -Urm` can mount a tmpfs here; else why not (the reason the test is skipped)."""
    if shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return "unshare/nsenter (util-linux) are not installed"
    probe = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", "mount -t tmpfs -o size=1m t /mnt 2>&1 || mount -t tmpfs -o size=1m t /tmp"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return None if probe.returncode == 0 else f"no user namespaces with mounts here: {probe.stdout.strip()}"


@contextlib.contextmanager
def _serving_on_tmpfs(data: Path, env: dict[str, str], log_path: Path) -> Iterator[tuple[int, int]]:
    """(pid, port) of `tfreview serve` with `data` on its own tmpfs; SIGTERM at the end."""
    data.mkdir(parents=True, exist_ok=True)
    argv = ["unshare", "-Urm", "sh", "-c", LAUNCH.format(size=TMPFS_SIZE), sys.executable, str(data)]
    with log_path.open("w") as log:
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, (line, log_path.read_text())
        yield process.pid, int(line.split("serving on ", 1)[1].split()[0].rsplit(":", 1)[1])
    finally:
        stop(process)


def _fill(directory: Path) -> int:
    """Write a filler file until the file system is full; the bytes written."""
    written = 0
    chunk = b"\0" * (1 << 20)
    with (directory / "filler").open("wb", buffering=0) as filler:
        while True:
            try:
                written += filler.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                return written


READ_LEDGER = (
    "import json, sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], timeout=30)\n"
    "print(json.dumps([c.execute(sys.argv[2]).fetchall(), c.execute(sys.argv[3]).fetchall(),"
    " c.execute('PRAGMA integrity_check').fetchone()[0]]))\n"
)


def _read(pid: int, database: Path) -> tuple[list[list[Any]], list[list[Any]], str]:
    """(delivery rows, publish rows, integrity_check) read by sqlite3 inside serve's namespaces."""
    argv = ["nsenter", "-t", str(pid), "-U", "-m", sys.executable, "-c", READ_LEDGER, str(database)]
    answer = subprocess.run(
        [*argv, SQLITE_ROWS, SQLITE_PUBLISHING], capture_output=True, text=True, timeout=60, check=True
    )
    rows, publishing, integrity = json.loads(answer.stdout)
    return rows, publishing, str(integrity)


def _wait_for(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + SETTLE_SECONDS
    while not check():
        assert time.monotonic() < deadline, "the deliveries did not progress"
        time.sleep(0.05)


def _progress_after(ledger: Ledger, seen: int) -> Callable[[], bool]:
    return lambda: len(ledger.acked) > seen or len(ledger.acked) >= PULLS


@pytest.mark.chaos
@pytest.mark.slow
def test_sqlite_disk_full_loses_nothing(tmp_path: Path) -> None:
    unavailable = _namespaces_available()
    if unavailable:
        pytest.skip(unavailable)
    ledger = Ledger()
    data = tmp_path / "data"
    log_path = tmp_path / "serve.log"
    figures: list[str] = []
    with FakeGitHub() as github:
        pulls = open_pulls(github, PULLS)
        env = stack_env(github, tmp_path)
        with _serving_on_tmpfs(data, env, log_path) as (pid, port):
            seen = Path(f"/proc/{pid}/root") / data.relative_to("/")  # the data directory as serve sees it
            delivering = threading.Thread(
                target=deliver_all, args=(github, port, pulls, ledger), kwargs={"attempts": 400}
            )
            delivering.start()
            _wait_for(lambda: len(ledger.acked) >= PULLS // 4)

            before = len(ledger.acked)
            filled = _fill(seen)
            time.sleep(FAULT_SECONDS)
            during = len(ledger.acked) - before
            (seen / "filler").unlink()
            freed = time.monotonic()
            _wait_for(_progress_after(ledger, len(ledger.acked)))
            figures.append(
                f"disk full ({filled >> 20} MiB filler) {FAULT_SECONDS:.0f} s: {during} acked meanwhile,"
                f" next ack {time.monotonic() - freed:.2f} s after space was freed"
            )
            log = log_path.read_text(encoding="utf-8", errors="replace")
            full_errors = log.count("database or disk is full")

            delivering.join(SETTLE_SECONDS)
            integrity = ""

            def refresh() -> None:
                nonlocal integrity
                rows, publishing, integrity = _read(pid, data / "tfreview.db")
                ledger.settle_rows(rows, publishing, github, REPO)

            settle_with(ledger, refresh)
            refresh()
    log = log_path.read_text(encoding="utf-8", errors="replace")
    print(
        f"chaos sqlite-disk: {'; '.join(figures)}; {full_errors} log line(s) name the full disk; integrity {integrity}"
    )
    assert len(ledger.acked) == PULLS
    ledger.assert_nothing_lost("sqlite-disk")
    assert integrity == "ok"
    assert "Traceback" not in log, log[-3000:]


FULL_START = (
    'mount -t tmpfs -o size={size} tfreview-chaos "$1" && "$0" -m tfreview db upgrade --data-dir "$1" >/dev/null'
    ' && (cat /dev/zero > "$1/filler" 2>/dev/null; true)'
    ' && exec "$0" -m tfreview serve --port 0 --data-dir "$1"'
)


@pytest.mark.chaos
def test_serve_refuses_to_start_on_a_full_disk_with_one_line(tmp_path: Path) -> None:
    unavailable = _namespaces_available()
    if unavailable:
        pytest.skip(unavailable)
    data = tmp_path / "data"
    data.mkdir()
    with FakeGitHub() as github:
        result = subprocess.run(
            ["unshare", "-Urm", "sh", "-c", FULL_START.format(size="16m"), sys.executable, str(data)],
            env=stack_env(github, tmp_path),
            capture_output=True,
            text=True,
            timeout=START_SECONDS * 2,
            check=False,
        )
    lines = result.stderr.strip().splitlines()
    print(f"chaos sqlite-full-start: exit {result.returncode}: {lines}")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "serving on" not in result.stdout
    assert len(lines) == 1, lines
    assert "refusing to start" in lines[0]
    assert "disk is full" in lines[0] or "disk I/O error" in lines[0], lines[0]  # SQLite: -shm cannot grow
    assert "Traceback" not in result.stderr
