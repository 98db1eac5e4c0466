"""Chaos: `tfreview serve` is SIGKILLed while clients present refused credentials; each refusal appends one
`auth.failure` entry to the hash-chained audit log before its 401 is sent (A11, ADR 0540). Killed between a
refusal and its row, or midway through the row's commit, and restarted: the chain still verifies
(`tfreview audit-log --verify`), every 401 a client received has its entry, and the refused credentials (canary
values) are nowhere in the database or the log. CI: 3 lives; `make chaos`: up to 12 (TFREVIEW_KILL_POINTS).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import child_env, raw_request, serving, status_of

pytestmark = [pytest.mark.chaos, pytest.mark.slow]

LIVES = max(3, min(int(os.environ.get("TFREVIEW_KILL_POINTS", "3")), 12))
CLIENTS = 4
SETTLE_SECONDS = 120.0  # a bound on a loaded machine, not a threshold


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", *args, "--data-dir", str(data)], env=child_env(),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def prepared(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The database before the serve, the rows read after it: the same CLI in this process (ADR 0669)."""
    return tfreview_in_process(*args, "--data-dir", str(data), env=child_env())


def test_serve_killed_between_refusals_and_their_audit_rows_keeps_a_chain_that_verifies(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert prepared(data, "db", "upgrade").returncode == 0
    assert prepared(data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", "a").returncode == 0
    canary = f"canary{uuid.uuid4().hex}"
    env = child_env(
        TFREVIEW_DOOR__BLOCK_FAILURES="1000000",  # every attempt reaches the credential check (no block)
        TFREVIEW_DOOR__PER_IP="1000000/minute",
    )
    refused = [0]  # 401s the clients received: each one's entry was committed before the answer
    lock = threading.Lock()

    def attempt(port: int) -> int | None:
        token = f"tfr_{canary}{uuid.uuid4().hex[:8]}"
        request = (
            f"GET /api/v1/reviews HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        try:
            return status_of(raw_request(port, request, timeout=20))
        except OSError:
            return None

    def send(port: int, stop: threading.Event) -> None:
        while not stop.is_set():
            answer = attempt(port)
            if answer is None:
                return  # the server is gone
            assert answer == 401, answer
            with lock:
                refused[0] += 1

    for life in range(LIVES):
        with serving(data, env=env) as served:
            stop = threading.Event()
            threads = [threading.Thread(target=send, args=(served.port, stop)) for _ in range(CLIENTS)]
            for thread in threads:
                thread.start()
            goal = refused[0] + 3 + 7 * life  # killed at a different depth into each life's stream
            while refused[0] < goal and any(t.is_alive() for t in threads):
                time.sleep(0.005)
            served.process.kill()  # SIGKILL with requests in flight
            served.process.wait(30)
            stop.set()
            for thread in threads:
                thread.join(SETTLE_SECONDS)
            log = served.log()
        assert "Traceback" not in log, log[-3000:]
        assert canary not in log
    verified = cli(data, "audit-log", "--verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    with sqlite3.connect(data / "tfreview.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (entries,) = connection.execute("SELECT count(*) FROM audit_log WHERE action = 'auth.failure'").fetchone()
    connection.close()
    assert entries >= refused[0], f"{refused[0]} refusals answered, {entries} entries"
    listed = prepared(data, "audit-log", "--action", "auth.failure", "--limit", "1000", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    shown = {(e["actor"], e["target"], e["detail"]["method"]) for e in json.loads(listed.stdout)}
    assert shown == {("anonymous", "GET /api/v1/reviews", "token")}, shown
    assert canary not in listed.stdout
    for path in data.iterdir():  # the database, its WAL, anything beside it
        if path.is_file():
            assert canary.encode() not in path.read_bytes(), path.name
    print(f"\naudit refusals: {LIVES} lives killed, {refused[0]} refusals answered, {entries} entries, chain ok")
