"""A real `tfreview serve` (or `tfreview worker`) process for black-box tests: its stderr goes to a file (a pipe
nobody drains would stall it), raw requests go over sockets, and the log is read back as the operator sees it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.cli_in_process import tfreview_in_process

START_SECONDS = 60.0  # a bound on a loaded CI machine, not a threshold
GITHUB_SECRET = "whsec-black-box-github"
SPACELIFT_SECRET = "whsec-black-box-spacelift"


def child_env(**extra: str) -> dict[str, str]:
    """Our environment without any TFREVIEW_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TFREVIEW_", "TF_VAR_spacelift"))}
    env["PYTHONUNBUFFERED"] = "1"
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = f'[{{"value": "{GITHUB_SECRET}"}}]'
    env["TFREVIEW_SPACELIFT__WEBHOOK_SECRETS"] = f'[{{"value": "{SPACELIFT_SECRET}"}}]'
    env["TFREVIEW_WORKER__POLL_INTERVAL_SECONDS"] = "0.05"
    return {**env, **extra}


def write_token(data_dir: Path, name: str) -> str:
    """A write-scoped API token for tenant github:7, created in `data_dir` by the real CLI's `tokens create` before a
    serve starts — in this process (tests/cli_in_process.py): the serve is what these tests examine."""
    argv = ["tokens", "create", "--tenant", "github:7", "--scope", "write", "--name", name]
    created = tfreview_in_process(*argv, "--data-dir", str(data_dir), env=child_env())
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    port: int
    log_path: Path
    token: str = ""  # a write API token, when the test created one

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_bytes(self) -> bytes:
        return self.log_path.read_bytes()

    def wait_for_log(self, needle: str, *, count: int = 1, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.log()
            if text.count(needle) >= count:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not logged {count} time(s) within {timeout:.0f} s:\n{text[-3000:]}")
            time.sleep(0.05)


@contextlib.contextmanager
def serving(
    data_dir: Path, *extra: str, env: dict[str, str] | None = None, own_session: bool = False
) -> Iterator[Served]:
    """`tfreview serve --port 0`; yields once the URL is printed; SIGTERM at the end (this PID only). `own_session`:
    started as a service manager starts it (its own session and process group), not in the test's group."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}-serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data_dir), *extra],
            env=env or child_env(),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=own_session,
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the server listens (or the process dies)
        assert "serving on http://127.0.0.1:" in line, (line, log_path.read_text())
        url = line.split("serving on ", 1)[1].split()[0]
        yield Served(process, url, int(url.rsplit(":", 1)[1]), log_path)
    finally:
        stop(process)


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(START_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def raw_request(port: int, data: bytes, *, close_after_send: bool = False, timeout: float = 30.0) -> bytes:
    """Send raw bytes (a request with `Connection: close`); return everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        with contextlib.suppress(OSError):  # the server may refuse and close before reading everything
            conn.sendall(data)
        if close_after_send:
            return b""
        answer = b""
        with contextlib.suppress(OSError):
            while piece := conn.recv(65536):
                answer += piece
        return answer


def status_of(answer: bytes) -> int | None:
    try:
        return int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def log_lines_with(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]
