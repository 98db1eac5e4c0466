"""A call's deadline is its own (ADR 0498's context variable): it ends with its block, even one left by the
call's timeout, and never reaches a call made after it on the same thread, nor one made meanwhile on another
thread, nor a pooled connection reused after it. A second, hostile read found no defect here; this pins it."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.fakes import hostile
from tests.fakes.hostile import HostileServer
from tfreview.plumbing.call_deadline import call_deadline
from tfreview.plumbing.http import outbound_client


def test_a_deadline_that_ended_a_call_does_not_outlive_it_on_the_thread() -> None:
    with (
        HostileServer(hostile.dribbled_body) as slow,
        HostileServer(hostile.json_answer(200, {"ok": True})) as honest,
        outbound_client(timeout=30) as http,
    ):
        with pytest.raises(httpx.ReadTimeout), call_deadline(0.2):
            http.get(slow.url)
        # the 0.2 s are long past: a leaked deadline would fail this call before it sends a byte
        assert http.get(honest.url).json() == {"ok": True}
        assert http.get(honest.url).json() == {"ok": True}  # again: no deadline on a reused connection either


def test_a_passed_deadline_on_one_thread_is_not_another_threads() -> None:
    inside, done = threading.Event(), threading.Event()
    seen: list[BaseException] = []

    def expired_caller(http: httpx.Client, url: str) -> None:
        with call_deadline(-1):
            inside.set()
            done.wait(timeout=30)
            try:
                http.get(url)
            except httpx.TimeoutException as error:
                seen.append(error)

    with HostileServer(hostile.json_answer(200, {"ok": True})) as server, outbound_client(timeout=30) as http:
        worker = threading.Thread(target=expired_caller, args=(http, server.url))
        worker.start()
        assert inside.wait(timeout=30)
        try:
            assert http.get(server.url).json() == {"ok": True}  # the other thread's passed deadline is not ours
        finally:
            done.set()
            worker.join(timeout=30)
    assert len(seen) == 1  # and on its own thread it still holds: a timeout before anything is sent
