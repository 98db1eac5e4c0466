"""Bodies are read before anything can authenticate them (a webhook's HMAC covers the whole body), so the limit per
request did not bound the process: twenty unsigned 25 MB bodies held one byte short of their end added 500 MB to a
real `tfreview serve` (the 1,000 connections it takes would hold 25 GB). `door.body_bytes_in_flight` bounds the
bytes of every body being read at once: a body that would pass it is refused 503 with Retry-After before more of it
is read; a body alone is always read, and the budget comes back when a body has been read (docs/adr/0535).

A real `tfreview serve`, raw bytes over loopback sockets."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import select
import socket
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.integration.served import GITHUB_SECRET, Served, child_env, raw_request, serving, status_of

MIB = 1024 * 1024
BUDGET = 4 * MIB
BODY = 3 * MIB  # one fits the budget; two do not
BOUND_SECONDS = 30.0  # a bound on a loaded machine for answers that must come; never a threshold


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    env = child_env(TFREVIEW_DOOR__BODY_BYTES_IN_FLIGHT=str(BUDGET))
    with serving(tmp_path_factory.mktemp("budget") / "data", "--no-worker", env=env) as running:
        yield running


def _head(length: int | None, signature: str = "sha256=" + "0" * 64, event: str = "ping") -> bytes:
    lines = [
        "POST /webhooks/github HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"X-GitHub-Event: {event}",
        f"X-GitHub-Delivery: {uuid.uuid4()}",
        f"X-Hub-Signature-256: {signature}",
        f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _answers(conns: list[socket.socket], count: int) -> dict[socket.socket, bytes]:
    """The first answers of `count` connections (whatever is readable first), within the bound."""
    answers: dict[socket.socket, bytes] = {}
    ends = time.monotonic() + BOUND_SECONDS
    while len(answers) < count and time.monotonic() < ends:
        readable, _, _ = select.select([c for c in conns if c not in answers], [], [], 0.2)
        for conn in readable:
            with contextlib.suppress(OSError):
                answers[conn] = conn.recv(65536)
    return answers


def _signed_ping() -> bytes:
    body = json.dumps({"zen": "budget", "hook_id": 1}).encode()
    signature = "sha256=" + hmac.new(GITHUB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return _head(len(body), signature).replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n") + body


def test_bodies_over_the_budget_are_503_before_they_are_read_and_one_alone_is_read(served: Served) -> None:
    conns = [socket.create_connection(("127.0.0.1", served.port), timeout=BOUND_SECONDS) for _ in range(3)]
    try:
        for conn in conns:  # each body held one byte short of its end: the server must wait for it
            conn.sendall(_head(BODY) + b"x" * (BODY - 1))
        refused = _answers(conns, 2)
        assert len(refused) == 2, f"{len(refused)} of 3 bodies refused while the budget holds one"
        for answer in refused.values():
            assert status_of(answer) == 503, answer[:300]
            assert b"retry-after: 5" in answer.lower()
            assert b"door.body_bytes_in_flight" in answer
        [admitted] = [c for c in conns if c not in refused]
        admitted.sendall(b"x")  # its last byte: read whole, then refused for its (absent) signature
        [answer] = _answers([admitted], 1).values()
        assert status_of(answer) == 401, answer[:300]
    finally:
        for conn in conns:
            conn.close()
    # the budget came back: a signed delivery is read, and a chunked body alone, even one larger than the budget
    assert status_of(raw_request(served.port, _signed_ping())) == 200
    chunked = _head(None).replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
    chunk = b"y" * MIB
    stream = b"".join(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" for _ in range(2 * BUDGET // MIB)) + b"0\r\n\r\n"
    assert status_of(raw_request(served.port, chunked + stream)) == 401
    assert "Traceback" not in served.log()


def _until_continued(conn: socket.socket) -> bytes:
    """What the server sends before its final answer: '100 Continue' once the app has started reading the body."""
    conn.settimeout(BOUND_SECONDS)
    return conn.recv(65536)


def test_a_declared_length_alone_holds_none_of_the_budget(served: Served) -> None:
    """An unsigned client declaring a large Content-Length and sending no byte of it held that length of the budget
    for the body timeout (30 s), and every signed delivery meanwhile was 503: a handful of idle connections, reopened
    every 30 s, refused all of GitHub's deliveries while holding no memory at all (review15b, ADR 0552)."""
    hogs = [socket.create_connection(("127.0.0.1", served.port), timeout=BOUND_SECONDS) for _ in range(3)]
    try:
        for hog in hogs:  # headers only: the body the head announces never comes
            hog.sendall(_head(BUDGET).replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n"))
            interim = _until_continued(hog)  # the app has begun its read of this body
            assert status_of(interim) == 100, interim[:300]
        answer = raw_request(served.port, _signed_ping())
        assert status_of(answer) == 200, answer[:300]
        hogs[0].sendall(b"x" * BUDGET)  # a body that does come is still read whole (the others send nothing)
        [answer] = _answers([hogs[0]], 1).values()
        assert status_of(answer) == 401, answer[:300]
    finally:
        for hog in hogs:
            hog.close()
    assert "Traceback" not in served.log()


def test_a_stalled_body_holding_the_budget_refuses_no_small_signed_delivery(served: Served) -> None:
    """A body sent fast up to one byte short of its end may then stall for its bytes / body_min_rate_bytes seconds
    (25 MB at 500 bytes/s: 14 hours) holding its bytes of the budget: eleven of them — 264 MiB sent once — made every
    signed delivery 503 for that long, where before the budget they were stored. A body's first UNBUDGETED_BYTES
    (256 KiB: a GitHub or Spacelift delivery is rarely larger) are never refused for the budget (ADR 0552)."""
    ends = time.monotonic() + BOUND_SECONDS
    probe = _head(2 * MIB).replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n") + b"x" * (2 * MIB)
    while True:
        hog = socket.create_connection(("127.0.0.1", served.port), timeout=BOUND_SECONDS)
        try:
            hog.sendall(_head(BUDGET).replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n"))
            assert status_of(_until_continued(hog)) == 100  # the app reads this body from here
            hog.sendall(b"x" * (BUDGET - 1))
            # a second large body is refused once the hog's bytes are read (before, it is read whole: 401): from
            # then on the hog holds the budget. On a loaded machine a probe may be read before the hog's bytes and
            # take the budget first: the hog is then the one refused (answered, and no longer holding), and the
            # race is run again with a new hog
            while status_of(raw_request(served.port, probe)) != 503 and not _answered(hog):
                assert time.monotonic() < ends, "the stalled body never held the budget"
            if not _answered(hog):
                answer = raw_request(served.port, _signed_ping())  # small: read whatever the budget holds
                assert status_of(answer) == 200, answer[:300]
                break
        finally:
            hog.close()
        assert time.monotonic() < ends, "the stalled body never held the budget"
    assert "Traceback" not in served.log()


def _answered(conn: socket.socket) -> bool:
    """Whether the server has answered (or closed) `conn` already."""
    readable, _, _ = select.select([conn], [], [], 0)
    return bool(readable)
