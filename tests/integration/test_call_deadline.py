"""`plumbing.call_deadline` and the bounded read of `plumbing.http`, against real loopback servers: the deadline
covers the whole call (nested deadlines: the sooner wins) and the wait for a pooled connection, a passed deadline
sends nothing, a client without one behaves as httpx's, and gzip and both spellings of deflate are decoded as httpx
decodes them."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import zlib

import httpx
import pytest

from tests.fakes import hostile
from tests.fakes.hostile import HostileServer
from tfreview.plumbing.call_deadline import DeadlineTransport, call_deadline
from tfreview.plumbing.http import outbound_client, send_bounded


def test_the_deadline_ends_a_call_the_read_timeout_would_never_end() -> None:
    with HostileServer(hostile.dribbled_headers) as server, outbound_client(timeout=60) as http:
        with pytest.raises(httpx.ReadTimeout), call_deadline(0.5):
            http.get(server.url)
        assert server.dribbled < server.ceiling


def test_nested_deadlines_keep_the_sooner() -> None:
    with HostileServer(hostile.dribbled_body) as server, outbound_client(timeout=60) as http:
        with pytest.raises(httpx.ReadTimeout), call_deadline(0.5), call_deadline(600):
            http.get(server.url)
        assert server.dribbled < server.ceiling


def test_a_passed_deadline_sends_nothing() -> None:
    with HostileServer(hostile.json_answer(200, {"ok": True})) as server, outbound_client(timeout=5) as http:
        with pytest.raises(httpx.ConnectTimeout), call_deadline(-1):
            http.get(server.url)
        assert server.requests == []


def test_the_wait_for_a_pooled_connection_ends_at_the_deadline() -> None:
    """The pool's one connection is held by a call reading a dribbled answer (for ~20 s, the fake's ceiling); a second
    call with a 600 s pool timeout gives up at its own deadline, while the first is still being dribbled (ADR 0514).
    Before, it waited for the connection and then failed at its first socket operation, the deadline long gone."""
    one = DeadlineTransport(limits=httpx.Limits(max_connections=1))
    with HostileServer(hostile.dribbled_body) as server, outbound_client(timeout=600, transport=one) as http:
        holder = threading.Thread(target=_read_ignoring_failure, args=(http, server.url), daemon=True)
        holder.start()
        while not server.requests and holder.is_alive():
            time.sleep(0.01)
        assert server.requests, "the first call never reached the server"
        with pytest.raises(httpx.PoolTimeout), call_deadline(0.5):
            http.get(server.url)
        assert server.dribbled < server.ceiling  # the first call still holds the connection
        assert len(server.requests) == 1
    holder.join(timeout=30)
    assert not holder.is_alive()


def _read_ignoring_failure(http: httpx.Client, url: str) -> None:
    with contextlib.suppress(httpx.HTTPError):  # cut off when the test stops the server
        http.get(url)


def test_without_a_deadline_the_transport_is_httpx_s() -> None:
    with HostileServer(hostile.json_answer(200, {"ok": True})) as server, outbound_client(timeout=5) as http:
        assert http.get(server.url).json() == {"ok": True}


BODY = b'{"encoded": true}' * 1000


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY)),
        ("deflate", zlib.compress(BODY)),  # as the RFC says: zlib-wrapped
        ("deflate", zlib.compress(BODY, wbits=-zlib.MAX_WBITS)),  # as some servers send it: raw
        ("identity", BODY),
    ],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "identity"],
)
def test_encoded_answers_are_decoded_within_the_limit(encoding: str, body: bytes) -> None:
    headers = (("Content-Encoding", encoding), ("Content-Type", "application/json"))
    with HostileServer(hostile.answer(200, body, headers)) as server, outbound_client(timeout=5) as http:
        response = send_bounded(http, http.build_request("GET", server.url), len(BODY))
    assert response.content == BODY
    assert "content-encoding" not in response.headers
