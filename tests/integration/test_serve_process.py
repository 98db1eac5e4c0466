"""`tfreview serve` as a real process: it refuses a database that is not durable (Q5), and otherwise starts
(migrating its SQLite file), prints its URL, reviews what `tfreview submit` sends, and stops cleanly on SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.live import wait_for
from tfreview.cli import main

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "demo" / "plan.json"
START_SECONDS = 60.0  # a bound on a loaded CI machine, not a threshold


def tfreview_env(**extra: str) -> dict[str, str]:
    """The environment of a child `tfreview`: ours without any TFREVIEW_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TFREVIEW_", "TF_VAR_spacelift"))}
    env["PYTHONUNBUFFERED"] = "1"
    return {**env, **extra}


def tfreview(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", *argv],
        env=env or tfreview_env(),
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
        check=False,
    )


@contextlib.contextmanager
def serving(data_dir: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`tfreview serve --port 0`; yields the process and the URL it printed; SIGTERM at the end (this PID only)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data_dir), *extra],
        env=tfreview_env(TFREVIEW_WORKER__POLL_INTERVAL_SECONDS="0.05", TFREVIEW_LOG_LEVEL="WARNING"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the server listens (or the process dies)
        assert "serving on http://127.0.0.1:" in line, (line, process.stderr.read() if process.stderr else "")
        yield process, line.split("serving on ", 1)[1].split()[0]
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(START_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


def read_only_sqlite_file(path: Path) -> None:
    """A SQLite file that SQLite itself opens read-only (format write version 3), so WAL cannot be enabled —
    whatever the user's permissions (tests may run as root, where chmod would not stop a write)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    header = bytearray(path.read_bytes())
    header[18] = 3  # "file format write version": > 2 means read-only for this SQLite
    path.write_bytes(bytes(header))


def test_serve_refuses_a_sqlite_database_it_cannot_make_durable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    read_only_sqlite_file(data / "tfreview.db")
    before = (data / "tfreview.db").read_bytes()
    result = tfreview("serve", "--port", "0", "--data-dir", str(data))
    assert result.returncode == 2, result.stderr
    assert "refusing to start" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (data / "tfreview.db").read_bytes() == before  # refused before any schema change


def test_serve_process_reviews_a_submitted_plan_and_stops_on_sigterm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    with serving(data) as (process, url):
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        for name in [k for k in os.environ if k.startswith("TFREVIEW_")]:
            monkeypatch.delenv(name)
        # the CLI beside the running server, on the same data directory (in this process: faster)
        assert (
            main(
                [
                    "tokens",
                    "create",
                    "--tenant",
                    "github:7",
                    "--scope",
                    "write",
                    "--name",
                    "e2e",
                    "--data-dir",
                    str(data),
                ]
            )
            == 0
        )
        token = capsys.readouterr().out.strip()
        monkeypatch.setenv("TFREVIEW_TOKEN", token)
        assert main(["submit", str(PLAN), "--url", url, "--repository", "acme/infra"]) == 0
        out, err = capsys.readouterr()
        assert token not in out + err
        page_url = out.strip().rsplit(" ", 1)[-1]
        assert page_url.startswith(f"{url}/reviews/")  # the review's page, for people
        review_url = f"{url}/api/v1/reviews/{page_url.rsplit('/', 1)[-1]}"  # the same review as JSON
        headers = {"Authorization": f"Bearer {token}"}

        def completed() -> bool:
            body = httpx.get(review_url, headers=headers, timeout=10).json()
            assert body["status"] != "failed", body
            return body["status"] == "completed"

        wait_for(completed, "the review to complete", timeout=START_SECONDS)
        process.send_signal(signal.SIGTERM)
        assert process.wait(START_SECONDS) == 0
        assert process.stderr is not None
        assert "tfreview: stopped" in process.stderr.read()
    with contextlib.closing(sqlite3.connect(data / "tfreview.db")) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
