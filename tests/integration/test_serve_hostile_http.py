"""Issue 9 items 3, 4, 5 and 19 against a real `tfreview serve` process: raw bytes over sockets, the log read
back as the operator sees it.

- 3: untrusted text (a path with %0A, %0D, %00, ANSI escapes) never forges or breaks a log line;
- 4: request heads above the documented limits are refused with 431 — one huge header, 6,000 small ones,
  and many of them at once — while a normal request still passes;
- 5: a client hanging up mid-body (each of the three body routes) and a bad chunk size are one log line
  each, with the right status, never a traceback;
- 19: `tfreview worker` logs like `serve` (time, level, logger), honouring TFREVIEW_LOG_LEVEL.
"""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.integration.served import (
    Served,
    child_env,
    log_lines_with,
    raw_request,
    serving,
    status_of,
    stop,
    write_token,
)
from tfreview.settings import ServerSettings

FORGED = "2026-01-01 00:00:00,000 ERROR tfreview.forged: owned"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: ")
BODY_ROUTES = ("/webhooks/github", "/webhooks/spacelift", "/api/v1/plans")
TFREVIEW = (sys.executable, "-m", "tfreview")
LIMITS = ServerSettings()  # max_header_bytes, max_header_count: the documented limits


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("hostile") / "data"
    token = write_token(data, "hostile")
    with serving(data, env=child_env(TFREVIEW_LOG_LEVEL="INFO")) as running:
        running.token = token
        yield running


def get(path: str, *headers: str) -> bytes:
    head = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")


def every_line_is_a_log_line(text: str) -> list[str]:
    """Lines that neither start a log record nor continue one (a traceback is indented by the formatter)."""
    return [line for line in text.splitlines() if line and not LOG_LINE.match(line) and not line.startswith(" ")]


# --- 3: log injection ------------------------------------------------------------------------------


def test_untrusted_text_cannot_forge_or_break_a_log_line(served: Served) -> None:
    forged = FORGED.replace(" ", "%20")
    paths = [
        f"/healthz%0A{forged}",
        f"/healthz%0D%0A{forged}",
        "/healthz%00nul",
        "/healthz%1B[31mred",
        "/healthz%E2%80%AEevil",
    ]
    for path in paths:
        assert status_of(raw_request(served.port, get(path))) == 404
    text = served.wait_for_log("nul", count=1)
    served.wait_for_log("evil", count=1)
    assert b"\x00" not in served.log_bytes()
    assert b"\x1b" not in served.log_bytes()
    assert not [line for line in text.splitlines() if line.startswith("2026-01-01")]
    assert every_line_is_a_log_line(text) == []
    assert len(log_lines_with(text, "tfreview.forged")) == 2  # both attempts are logged, escaped, inside one line
    assert "\\n2026-01-01" in text
    assert "\\x00nul" in text
    assert "\\u202eevil" in text


# --- 4: header limits ------------------------------------------------------------------------------


def big_header(size: int) -> bytes:
    return get("/healthz", f"X-Padding: {'a' * size}")


def many_headers(count: int) -> bytes:
    return get("/healthz", *(f"X-H{n}: v" for n in range(count)))


@pytest.mark.parametrize(
    "request_bytes",
    [big_header(100_000), big_header(200_000), many_headers(6_000), many_headers(LIMITS.max_header_count + 1)],
    ids=["100KB", "200KB", "6000-headers", "count+1"],
)
def test_request_heads_above_the_limit_are_431(served: Served, request_bytes: bytes) -> None:
    answer = raw_request(served.port, request_bytes)
    assert status_of(answer) == 431, answer[:300]
    assert b"Traceback" not in served.log_bytes()


def test_a_head_within_the_limits_is_served(served: Served) -> None:
    within = get("/healthz", f"X-Padding: {'a' * (LIMITS.max_header_bytes // 2)}", *(f"X-H{n}: v" for n in range(50)))
    assert status_of(raw_request(served.port, within)) == 200


def test_the_limit_holds_under_load(served: Served) -> None:
    """Eighty oversized heads at once (big and many-small, interleaved with valid requests): every oversized one
    is 431 and every valid one 200 — the limit is the server's, not an accident of an idle socket."""
    attacks = [big_header(150_000) if n % 2 else many_headers(6_000) for n in range(80)]
    valid = [get("/healthz")] * 20
    with ThreadPoolExecutor(max_workers=50) as pool:
        bad = list(pool.map(lambda data: status_of(raw_request(served.port, data)), attacks))
        good = list(pool.map(lambda data: status_of(raw_request(served.port, data)), valid))
    assert bad == [431] * len(attacks)
    assert good == [200] * len(valid)


def test_a_head_field_that_never_ends_is_431_once_past_the_byte_limit(served: Served) -> None:
    """A field sent in pieces and never finished: refused on the bytes received, not left to the head timeout."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ")
        answer = b""
        with contextlib.suppress(OSError):  # refused and shut: a later send may fail
            for _ in range(2 * LIMITS.max_header_bytes // 4096):
                conn.sendall(b"a" * 4096)
                time.sleep(0.001)
            while piece := conn.recv(65536):
                answer += piece
    assert status_of(answer) == 431, answer[:300]
    assert b"application/problem+json" in answer


def test_requests_one_after_another_on_one_connection_are_each_counted_afresh(served: Served) -> None:
    """Keep-alive and pipelining: several heads, each within the limits, on one connection (some in one read)."""
    head = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: {'a' * (LIMITS.max_header_bytes // 2)}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        conn.sendall(head.encode() * 3)  # three pipelined: together above the byte limit, each within it
        conn.sendall(head.encode())
        conn.sendall(get("/healthz"))  # the last one closes
        answer = b""
        while piece := conn.recv(65536):
            answer += piece
    assert answer.count(b"HTTP/1.1 200 ") == 5, answer[:600]


def test_a_large_body_and_the_next_head_in_one_read_are_not_counted_as_a_head(served: Served) -> None:
    body = b"a" * (LIMITS.max_header_bytes - 100)
    post = b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % len(body)
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        conn.sendall(post)
        time.sleep(0.2)  # the head alone; then the body with the start of the next head
        conn.sendall(body + b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.2)
        conn.sendall(b"X-Padding: " + b"b" * 200 + b"\r\n")  # the head still incomplete after this read
        time.sleep(0.2)
        conn.sendall(b"Connection: close\r\n\r\n")
        answer = b""
        while piece := conn.recv(65536):
            answer += piece
    assert b" 431 " not in answer, answer[:600]
    assert answer.count(b"HTTP/1.1 ") == 2, answer[:600]
    assert answer.rsplit(b"HTTP/1.1 ", 1)[1].startswith(b"200 "), answer[:600]


def test_a_malformed_request_line_is_400_in_one_line(served: Served) -> None:
    answer = raw_request(served.port, b"GET /healthz?malformed-line HTTP/1.1 trailing\r\nHost: x\r\n\r\n")
    assert status_of(answer) == 400, answer[:300]
    assert b"application/problem+json" in answer
    assert b"connection: close" in answer.lower()
    text = served.wait_for_log("status=400 reason=malformed request")
    assert "Invalid HTTP request received" not in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    "head",
    [b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"],
    ids=["no-host", "two-hosts"],
)
def test_an_http_1_1_request_without_exactly_one_host_is_400(served: Served, head: bytes) -> None:
    answer = raw_request(served.port, head)
    assert status_of(answer) == 400, answer[:300]
    assert b"exactly one is required" in answer


def test_a_malformed_request_pipelined_behind_a_valid_one_is_refused_after_its_answer(served: Served) -> None:
    before = len(log_lines_with(served.log(), "reason=malformed request"))
    answer = raw_request(served.port, get("/healthz").replace(b"Connection: close", b"X-A: b") + b"\x01BAD\r\n\r\n")
    assert status_of(answer) == 200, answer[:300]
    assert answer.count(b"HTTP/1.1 ") == 2, answer[:600]  # the answer under way ends, then the refusal, then the end
    assert answer.split(b"HTTP/1.1 ")[2].startswith(b"400 "), answer[:600]
    assert b"application/problem+json" in answer.split(b"HTTP/1.1 ")[2]
    served.wait_for_log("reason=malformed request", count=before + 1)


def test_the_server_runs_on_httptools_and_uvloop(served: Served) -> None:
    """The C parser (llhttp) and libuv's loop are what the process has loaded (ADR 0415)."""
    maps = Path(f"/proc/{served.process.pid}/maps").read_text()
    assert "/httptools/parser/parser." in maps
    assert "/uvloop/loop." in maps


# --- 5: hang-ups and bad chunks --------------------------------------------------------------------


def post_head(served: Served, path: str, extra: str) -> bytes:
    auth = f"Authorization: Bearer {served.token}\r\n" if path.startswith("/api/") else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: ping\r\nX-GitHub-Delivery: 0e8c7d3a-0000-4000-8000-000000000001\r\n"
        f"X-Hub-Signature-256: sha256={'0' * 64}\r\nX-Signature-256: sha256={'0' * 64}\r\n{auth}{extra}\r\n"
    ).encode()


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_a_client_hanging_up_mid_body_is_one_line_without_traceback(served: Served, path: str) -> None:
    before = len(log_lines_with(served.log(), f"path={path} "))
    half = post_head(served, path, "Content-Length: 5000\r\n") + b'{"zen": "half'
    raw_request(served.port, half, close_after_send=True)
    text = served.wait_for_log(f"path={path} ", count=before + 1)
    time.sleep(0.5)  # anything logged late would land now
    text = served.log()
    lines = log_lines_with(text, f"path={path} ")[before:]
    assert len(lines) == 1, lines
    assert "status=499" in lines[0], lines[0]
    assert "client closed the connection" in lines[0], lines[0]
    assert "Traceback" not in text
    assert every_line_is_a_log_line(text) == []


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_a_bad_chunk_size_is_400_in_one_line_without_traceback(served: Served, path: str) -> None:
    before = len(log_lines_with(served.log(), f"path={path} "))
    head = post_head(served, path, "Transfer-Encoding: chunked\r\nConnection: close\r\n")
    answer = raw_request(served.port, head + b"zz\r\nhello\r\n0\r\n\r\n")
    assert status_of(answer) == 400, answer[:300]
    served.wait_for_log(f"path={path} ", count=before + 1)
    time.sleep(0.5)
    text = served.log()
    lines = log_lines_with(text, f"path={path} ")[before:]
    assert len(lines) == 1, lines
    assert "status=400" in lines[0], lines[0]
    assert "Traceback" not in text
    assert "Invalid HTTP request received" not in text  # uvicorn's own second line for the same request


# --- 19: every process logs the same way -----------------------------------------------------------


def test_tfreview_worker_logs_like_serve_and_honours_the_log_level(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for level, expect_info in (("INFO", True), ("WARNING", False)):
        log_path = tmp_path / f"worker-{level}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "tfreview", "worker", "--data-dir", str(data)],
                env=child_env(TFREVIEW_LOG_LEVEL=level),
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        try:
            deadline = time.monotonic() + 60
            while "thread(s) and the reaper started" not in log_path.read_text() and time.monotonic() < deadline:
                if not expect_info and process.poll() is None and time.monotonic() > deadline - 50:
                    break  # at WARNING the start line is not logged: give it ten seconds, then stop
                time.sleep(0.1)
        finally:
            stop(process)
        text = log_path.read_text()
        started = log_lines_with(text, "thread(s) and the reaper started")
        if expect_info:
            assert len(started) == 1, text
            assert LOG_LINE.match(started[0]), started[0]
            assert re.search(r" INFO tfreview\.worker: ", started[0])
        else:
            assert started == [], text
        assert every_line_is_a_log_line(text) == [], text
