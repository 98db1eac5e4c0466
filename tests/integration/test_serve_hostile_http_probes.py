"""A hostile second read of `tfreview serve` on httptools (ADR 0415, ADR 0429): raw bytes over loopback sockets
against a real process. Each probe checks the answer (a precise status with a problem body, or a clean close),
exactly one log line, no traceback, and that a signed GitHub delivery on a new connection is still accepted and
stored (rows counted in the serve data dir's SQLite)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import socket
import sqlite3
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.served import (
    GITHUB_SECRET,
    Served,
    child_env,
    log_lines_with,
    raw_request,
    serving,
    status_of,
)
from tfreview.settings import ServerSettings

PAYLOAD = Path(__file__).parent / "data" / "github.pull_request.opened.payload.json"
SECONDS = 2  # the door's header and body timeouts of the server under test
MAX_CONNECTIONS = 60
LIMITS = ServerSettings()
WEBHOOK_HEAD = (
    b"POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"X-GitHub-Event: ping\r\nX-GitHub-Delivery: 0e8c7d3a-0000-4000-8000-00000000000a\r\n"
    b"X-Hub-Signature-256: sha256=" + b"0" * 64 + b"\r\n"
)
STATUS = re.compile(rb"HTTP/1\.1 (\d{3}) ")
_numbers = iter(range(1000, 1_000_000))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    env = child_env(
        TFREVIEW_LOG_LEVEL="INFO",
        TFREVIEW_DOOR__HEADER_TIMEOUT_SECONDS=str(SECONDS),
        TFREVIEW_DOOR__BODY_TIMEOUT_SECONDS=str(SECONDS),
        TFREVIEW_DOOR__MAX_CONNECTIONS=str(MAX_CONNECTIONS),
    )
    with serving(tmp_path_factory.mktemp("probes") / "data", "--no-worker", env=env) as running:
        yield running


def signed_delivery(*, close: bool = True) -> bytes:
    document = json.loads(PAYLOAD.read_bytes())
    number = next(_numbers)
    document["number"] = document["pull_request"]["number"] = number
    document["pull_request"]["head"]["sha"] = hashlib.sha1(str(number).encode()).hexdigest()
    body = json.dumps(document).encode()
    signature = "sha256=" + hmac.new(GITHUB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    head = (
        "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\nX-Hub-Signature-256: {signature}\r\n"
        f"Content-Length: {len(body)}\r\n{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n"
    )
    return head.encode() + body


def stored(served: Served) -> int:
    database = sqlite3.connect(next(served.log_path.parent.joinpath("data").glob("*.db")))
    try:
        return int(database.execute("SELECT count(*) FROM deliveries").fetchone()[0])
    finally:
        database.close()


def statuses(answer: bytes) -> list[int]:
    return [int(found) for found in STATUS.findall(answer)]


def read_all(conn: socket.socket) -> bytes:
    answer = b""
    with contextlib.suppress(OSError):
        while piece := conn.recv(65536):
            answer += piece
    return answer


@contextlib.contextmanager
def one_probe(served: Served) -> Iterator[list[str]]:
    """Yields the log lines the probe wrote (filled at exit); then checks no traceback and a delivery stored."""
    before = len(served.log().splitlines())
    lines: list[str] = []
    yield lines
    time.sleep(0.5)  # anything logged late would land now
    text = served.log()
    lines += [line for line in text.splitlines()[before:] if re.search(r" (tfreview\.web|uvicorn)", line)]
    assert "Traceback" not in text
    rows = stored(served)
    assert status_of(raw_request(served.port, signed_delivery(), timeout=30)) == 202
    assert stored(served) == rows + 1


def test_an_oversized_body_behind_expect_100_continue_is_413_before_it_is_sent_in_one_line(served: Served) -> None:
    head = WEBHOOK_HEAD + b"Content-Length: 999999999\r\nExpect: 100-continue\r\n\r\n"
    with one_probe(served) as lines, socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        began = time.monotonic()
        conn.sendall(head)
        answer = read_all(conn)  # the server ends the connection: the client waits for a 100 that never comes
        elapsed = time.monotonic() - began
    assert statuses(answer) == [413], answer[:300]  # no "100 Continue" first
    assert b"application/problem+json" in answer
    assert b"limit of 27262976 bytes" in answer
    assert elapsed < SECONDS, elapsed  # not left to the body timeout
    assert len(lines) == 1, lines
    assert "status=413" in lines[0]


def test_a_body_answered_early_and_never_sent_is_not_a_second_line(served: Served) -> None:
    head = WEBHOOK_HEAD + b"Content-Length: 999999999\r\n\r\n"
    with one_probe(served) as lines:
        answer = raw_request(served.port, head + b"{" * 1000, timeout=30)
    assert statuses(answer) == [413], answer[:300]
    assert len(lines) == 1, lines


@pytest.mark.parametrize("pipelined", [False, True], ids=["one", "pipelined"])
def test_a_client_that_half_closes_after_its_request_gets_its_answer(served: Served, pipelined: bool) -> None:
    then = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" if pipelined else b""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        rows = stored(served)
        with one_probe(served) as lines:
            conn.sendall(signed_delivery(close=False) + then)
            conn.shutdown(socket.SHUT_WR)
            answer = read_all(conn)
    assert statuses(answer) == ([202, 200] if pipelined else [202]), answer[:300]
    assert stored(served) == rows + 2  # this delivery, and the one that follows the probe
    assert len(lines) == len(statuses(answer)), lines  # one per request


def test_a_head_cut_short_by_a_half_close_is_400(served: Served) -> None:
    with one_probe(served) as lines, socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        conn.shutdown(socket.SHUT_WR)
        answer = read_all(conn)
    assert statuses(answer) == [400], answer[:300]
    assert b"application/problem+json" in answer
    assert len(lines) == 1, lines


@pytest.mark.parametrize(
    ("refused", "status"),
    [
        (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-P: " + b"a" * 40_000 + b"\r\n\r\n", 431),
        (b"\x01BAD\r\n\r\n", 400),
    ],
    ids=["oversized-head", "malformed"],
)
def test_a_request_refused_behind_a_pipelined_one_gets_its_own_answer(
    served: Served, refused: bytes, status: int
) -> None:
    """Every request received whole before it is answered (more than the pipeline depth), then the refusal."""
    good = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with one_probe(served) as lines:
        answer = raw_request(served.port, good * 50 + refused + good)
    assert statuses(answer) == [200] * 50 + [status], answer[-600:]
    assert b"application/problem+json" in answer.split(b"HTTP/1.1 ")[-1]
    assert len(lines) == 51, lines


def test_a_client_gone_while_a_pipelined_request_is_answered_leaves_no_traceback(served: Served) -> None:
    with one_probe(served):
        for _ in range(3):
            conn = socket.socket()
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the server's writes stall...
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # ...until a reset
            conn.connect(("127.0.0.1", served.port))
            conn.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n" * 200)
            time.sleep(0.5)
            conn.close()


@pytest.mark.parametrize("line", [b"2;" + b"e" * 4096, b"0" * 4096], ids=["extension", "leading-zeros"])
def test_a_chunk_size_line_that_never_ends_is_400(served: Served, line: bytes) -> None:
    head = WEBHOOK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n"
    with one_probe(served) as lines, socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        with contextlib.suppress(OSError):  # refused and shut: a later send fails
            conn.sendall(head + line[:2])
            time.sleep(0.2)  # the head alone: the line is counted from the next read (ADR 0429)
            for _ in range(4 * LIMITS.max_header_bytes // len(line)):
                conn.sendall(line[2:] if line.startswith(b"2;") else line)
                time.sleep(0.001)
        answer = read_all(conn)
    assert statuses(answer) == [400], answer[:300]
    assert b"chunk-size line longer than" in answer
    assert len(lines) == 1, lines


@pytest.mark.parametrize(
    "upgrade",
    [
        b"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"Sec-WebSocket-Version: 13\r\n",
        b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n",
    ],
    ids=["websocket", "h2c"],
)
def test_an_upgrade_is_answered_as_http_1_1_and_the_next_request_is_served(served: Served, upgrade: bytes) -> None:
    first = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + upgrade + b"\r\n"
    with one_probe(served) as lines:
        answer = raw_request(served.port, first + b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert statuses(answer)[0] == 200, answer[:600]
    assert len(statuses(answer)) == 2, answer[:600]
    assert len(lines) == 2, lines  # one per request, no "Unsupported upgrade request" warnings
    assert not [line for line in lines if "uvicorn" in line]


def test_an_upgrade_with_a_body_is_400_never_a_second_request(served: Served) -> None:
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    head = b"POST /api/v1/blocks HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n"
    with one_probe(served) as lines:
        answer = raw_request(served.port, head + b"Content-Length: %d\r\n\r\n" % len(smuggled) + smuggled)
    assert statuses(answer) == [400], answer[:600]
    assert b"Upgrade request with a body" in answer
    assert len(lines) == 1, lines


@pytest.mark.parametrize(
    ("request_bytes", "reason"),
    [
        (b"GET /healthz\r\n\r\n", b"HTTP/0.9"),
        (b"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n", b"CONNECT"),
        (b"GET /healthz HTTP/1.1\r\nHost: a b/c@d\r\nConnection: close\r\n\r\n", b"Host"),
    ],
    ids=["http-0.9", "connect", "bad-host"],
)
def test_requests_llhttp_lets_through_are_400_with_their_reason(
    served: Served, request_bytes: bytes, reason: bytes
) -> None:
    with one_probe(served) as lines:
        answer = raw_request(served.port, request_bytes)
    assert statuses(answer) == [400], answer[:300]
    assert b"application/problem+json" in answer
    assert reason in answer.split(b"\r\n\r\n", 1)[1], answer
    assert len(lines) == 1, lines


def test_a_flood_of_pipelined_requests_is_served_in_bounded_memory(served: Served) -> None:
    """Thousands of tiny pipelined requests in each read: parsed as they are answered, not all ahead of them."""
    count = 20_000
    rss = Path(f"/proc/{served.process.pid}/status")

    def resident_mb() -> int:
        return int(rss.read_text().split("VmRSS:")[1].split()[0]) // 1024

    with one_probe(served), socket.create_connection(("127.0.0.1", served.port), timeout=60) as conn:
        before, answers = resident_mb(), [0]

        def reader() -> None:
            tail = b""
            with contextlib.suppress(OSError):
                while answers[0] < count and (piece := conn.recv(1 << 20)):
                    answers[0] += (tail + piece).count(b"HTTP/1.1 200 ")
                    tail = piece[-16:]

        thread = threading.Thread(target=reader)
        thread.start()
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * count)
        thread.join(60)
        grown = resident_mb() - before
    assert answers[0] == count
    assert grown < 64, grown


def test_a_client_that_never_reads_its_answers_is_cut_in_one_line(served: Served) -> None:
    with one_probe(served) as lines:
        conn = socket.socket()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        conn.settimeout(30)
        conn.connect(("127.0.0.1", served.port))
        with conn:
            conn.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n" * 200)
            time.sleep(SECONDS + 2)  # the server's writes stall for longer than its body timeout
            served.wait_for_log("did not read the answer within", timeout=10)
            assert read_all(conn) != b""  # what fitted in the buffers, then the end (a reset)
    cut = [line for line in lines if "did not read the answer" in line]
    assert len(cut) == 1, lines
    assert "status=408" in cut[0]


def test_connections_past_the_limit_get_503_problems_in_one_line_each(served: Served) -> None:
    with one_probe(served) as lines:
        conns = [socket.create_connection(("127.0.0.1", served.port), timeout=30) for _ in range(3 * MAX_CONNECTIONS)]
        try:
            time.sleep(1)  # all accepted by the server (within the head timeout): every one of them counts
            for conn in conns:
                conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answers = [read_all(conn) for conn in conns]
        finally:
            for conn in conns:
                conn.close()
    shed = [answer for answer in answers if statuses(answer) == [503]]
    served_ok = [answer for answer in answers if statuses(answer) == [200]]
    assert len(shed) >= MAX_CONNECTIONS  # the connections past the limit...
    assert len(served_ok) >= MAX_CONNECTIONS // 2  # ...not every one while too many are open (some linger)
    assert len(shed) + len(served_ok) == len(answers)
    assert all(b"application/problem+json" in answer and b"retry-after: " in answer for answer in shed)
    assert len(log_lines_with("\n".join(lines), "status=503")) == len(shed)
    assert not [line for line in lines if "Exceeded concurrency limit" in line]
    assert len(lines) == len(answers)
