"""A SIGHUP that reaches `tfreview serve` while it starts is a reload asked for, not the end of it (ADR 0640).

The rotation how-to sends SIGHUP to every `serve` and `worker`; `systemctl reload` does the same. Before the
reloader ran, SIGHUP had its default action: a process still starting (its database busy, say) died at once,
exit 129, without a line in its log. Here a real `serve` is held in its start-up by the database's writer lock
(a real SQLite lock this test holds), gets the SIGHUP there, and — once the lock is gone — runs, and has
reloaded the webhook secret that was rotated while it started.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli_in_process import tfreview_in_process
from tests.integration.test_secret_references import _stop
from tests.integration.test_serve_process import tfreview_env
from tests.web import deliveries

OLD = "gh-starting-old-canary-5d1e"
NEW = "gh-starting-new-canary-9a3c"
WAIT_SECONDS = 60.0  # a bound on a loaded machine, not a threshold


def _ping(client: httpx.Client, secret: str) -> int:
    signed = deliveries.github("ping", deliveries.fixture_bytes("github.ping.payload.json"), secret=secret)
    return client.post("/webhooks/github", content=signed.body, headers=signed.headers).status_code


def _catches_sighup(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGHUP - 1)))


def test_a_sighup_while_serve_starts_is_a_reload_not_its_end(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = tfreview_env(TFREVIEW_LOG_LEVEL="INFO", TFREVIEW_SECRETS__RELOAD_SECONDS="0")
    # the same CLI in this process (ADR 0669): the serve that gets the SIGHUP is the process under test
    upgraded = tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    versions = tmp_path / "github-webhook.json"
    versions.write_text(json.dumps([{"value": OLD}]), encoding="utf-8")
    env.update(TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM=f"file:{versions}", TFREVIEW_DATABASE__BUSY_TIMEOUT_MS="120000")

    lock = sqlite3.connect(data / "tfreview.db", isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # serve's start-up waits for the writer lock (busy timeout: 2 minutes)
    process = subprocess.Popen(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--no-worker", "--data-dir", str(data)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while process.poll() is None and not _catches_sighup(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # until it is in tfreview's own code (the old code never caught it before it served)
        versions.write_text(json.dumps([{"value": NEW}]), encoding="utf-8")  # rotated while it starts
        process.send_signal(signal.SIGHUP)
        lock.execute("ROLLBACK")
        assert process.stdout is not None
        line = process.stdout.readline()  # "" when it died
        assert "serving on http://127.0.0.1:" in line, f"serve died of a SIGHUP while starting: {process.wait(30)}"
        url = line.split("serving on ", 1)[1].split()[0]
        with httpx.Client(base_url=url, timeout=30) as client:
            deadline = time.monotonic() + WAIT_SECONDS
            while _ping(client, NEW) != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _ping(client, NEW) == 200  # the reload the early SIGHUP asked for took place
            assert _ping(client, OLD) == 401
    finally:
        lock.close()
        _stop(process)
    assert process.stderr is not None
    stderr = process.stderr.read() if not process.stderr.closed else ""
    for secret in (OLD, NEW):
        assert secret not in stderr
