"""W4 against a real uvicorn server: oversized bodies (declared, chunked, lying Content-Length), 20 at once.

The server answers 413 without reading past the limit, and its RSS does not grow by the bodies' size.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.web.w4_server import LIMIT

ROOT = Path(__file__).resolve().parents[2]
HUNDRED_MB = 100 * 1024 * 1024
CHUNK = b"x" * 65536


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[int, int]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.web.w4_server"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield process.pid, port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@dataclass
class Outcome:
    status: int | None
    sent: int


def attack(port: int, path: str, mode: str) -> Outcome:
    """Send one oversized request on a raw socket; return the status the server answered and bytes sent."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    head += f"X-Signature-256: sha256={'0' * 64}\r\n"
    if mode == "chunked":
        head += "Transfer-Encoding: chunked\r\n"
    elif mode == "declared":
        head += f"Content-Length: {HUNDRED_MB}\r\n"
    elif mode == "limit+1":
        head += f"Content-Length: {LIMIT + 1}\r\n"
    else:  # "lying": claims a small body, then sends 100 MB
        head += "Content-Length: 1000\r\n"
    status: list[int] = []
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        reader = threading.Thread(target=_read_status, args=(conn, status), daemon=True)
        reader.start()
        try:
            conn.sendall(head.encode() + b"\r\n")
            total = LIMIT + 1 if mode == "limit+1" else HUNDRED_MB
            while sent < total and not status:
                piece = CHUNK[: min(len(CHUNK), total - sent)]
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if mode == "chunked" else piece)
                sent += len(piece)
        except OSError:
            pass  # the server closed the connection: it stopped reading, as it should
        reader.join(timeout=15)
    return Outcome(status[0] if status else None, sent)


def _read_status(conn: socket.socket, status: list[int]) -> None:
    data = b""
    try:
        while b"\r\n" not in data:
            piece = conn.recv(4096)
            if not piece:
                return
            data += piece
        status.append(int(data.split(b" ", 2)[1]))
    except (OSError, ValueError):
        return


@pytest.mark.slow
def test_w4_oversized_bodies_are_413_without_reading_them(server: tuple[int, int]) -> None:
    pid, port = server
    before = rss_bytes(pid)
    plan = [
        (path, mode)
        for path in ("/webhooks/github", "/webhooks/spacelift")
        for mode in ("chunked", "declared", "limit+1", "lying")
    ]
    plan = (plan * 3)[:20]
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(lambda job: (job, attack(port, *job)), plan))
    after = rss_bytes(pid)
    for (path, mode), outcome in outcomes:
        if mode == "lying":  # the server reads the 1,000 declared bytes only: signature refused, rest never read
            assert outcome.status is not None, (path, mode, outcome)
            assert 400 <= outcome.status < 500, (path, mode, outcome)
        else:
            assert outcome.status == 413, (path, mode, outcome)
        assert outcome.sent < HUNDRED_MB // 2, (path, mode, outcome)  # stopped long before 100 MB
    assert after - before < 50 * 1024 * 1024, (before, after)
    assert os.path.exists(f"/proc/{pid}")  # still serving
