"""A body dripped a byte at a time, each pause shorter than the body timeout, is cut by the minimum body rate
(`door.body_min_rate_bytes`, ADR 0445): 408 problem+json, the connection closed, one log line. A real
`tfreview serve`, raw bytes over a loopback socket."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import pytest

from tests.integration.served import Served, child_env, log_lines_with, raw_request, serving, status_of

PAUSE_LIMIT = 2  # door.body_timeout_seconds of the server under test: every drip below pauses less
DRIP_BOUND_SECONDS = 40.0  # how long the client drips before the test gives up: a bound, not a threshold
HEAD = (
    b"POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"X-GitHub-Event: ping\r\nX-GitHub-Delivery: 5f0c2b1e-0000-4000-8000-00000000d21b\r\n"
    b"X-Hub-Signature-256: sha256=" + b"0" * 64 + b"\r\nContent-Length: 100000\r\n\r\n"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    # the minimum rate is left at its default: that default is what must cut a drip
    env = child_env(TFREVIEW_LOG_LEVEL="INFO", TFREVIEW_DOOR__BODY_TIMEOUT_SECONDS=str(PAUSE_LIMIT))
    with serving(tmp_path_factory.mktemp("slow-body") / "data", "--no-worker", env=env) as running:
        yield running


def test_a_body_dripped_a_byte_at_a_time_is_408_and_closed_in_one_line(served: Served) -> None:
    answer = b""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        conn.sendall(HEAD + b"{")
        conn.settimeout(PAUSE_LIMIT / 4)
        ends = time.monotonic() + DRIP_BOUND_SECONDS
        while time.monotonic() < ends:
            try:
                piece = conn.recv(65536)
            except TimeoutError:  # nothing from the server yet: one more byte, well within the pause limit
                with contextlib.suppress(OSError):
                    conn.sendall(b" ")
                continue
            except OSError:
                break
            answer += piece
            if not piece:  # closed by the server
                break
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:300]
    assert b"content-type: application/problem+json" in answer.lower()
    assert b"slower than" in answer
    lines = log_lines_with(served.wait_for_log("slower than"), "slower than")
    assert len(lines) == 1, lines
    assert "status=408" in lines[0]
    assert "Traceback" not in served.log()


def test_a_body_sent_at_once_is_served(served: Served) -> None:
    body = b'{"zen": "x", "hook_id": 1}'
    head = HEAD.replace(b"Content-Length: 100000", f"Connection: close\r\nContent-Length: {len(body)}".encode())
    assert status_of(raw_request(served.port, head + body, timeout=30)) == 401  # unsigned: read whole, refused
