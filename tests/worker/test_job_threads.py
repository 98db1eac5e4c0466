"""The worker's reused threads (worker/job_threads.py): one handler thread serves job after job, a thread whose
handler was abandoned is never lent again, and stopping an attempt's heartbeats waits for a beat in flight."""

from __future__ import annotations

import threading
from typing import Any, cast

from tfreview.worker.attempt import Attempt
from tfreview.worker.job_threads import HandlerThreads, Heartbeats


def _run(pool: HandlerThreads, task: Any) -> tuple[Any, threading.Event]:
    done = threading.Event()

    def wrapped() -> None:
        try:
            task()
        finally:
            done.set()

    return pool.start(wrapped), done


def test_one_thread_serves_job_after_job() -> None:
    pool = HandlerThreads("w")
    names: list[str] = []
    for _ in range(5):
        thread, done = _run(pool, lambda: names.append(threading.current_thread().name))
        assert done.wait(10)
        pool.give_back(thread, finished=True)
    assert names == ["w/handler-1"] * 5


def test_a_thread_running_an_abandoned_handler_is_not_lent_again() -> None:
    pool = HandlerThreads("w")
    release = threading.Event()
    names: list[str] = []
    hung, _ = _run(pool, release.wait)
    pool.give_back(hung, finished=False)  # abandoned at its timeout, still running
    thread, done = _run(pool, lambda: names.append(threading.current_thread().name))
    assert done.wait(10)
    pool.give_back(thread, finished=True)
    release.set()
    assert names == ["w/handler-2"]


def test_stop_waits_for_a_beat_in_flight_and_no_beat_follows() -> None:
    in_beat, may_finish = threading.Event(), threading.Event()
    beats: list[str] = []

    def beat(attempt: Attempt) -> bool:
        beats.append("begun")
        in_beat.set()
        may_finish.wait(10)
        beats.append("ended")
        return True

    heartbeats = Heartbeats("w/heartbeat", 0.01, beat)
    attempt = cast(Attempt, object())
    heartbeats.start(attempt)
    assert in_beat.wait(10)
    stopped = threading.Event()
    stopper = threading.Thread(target=lambda: (heartbeats.stop(attempt), stopped.set()))
    stopper.start()
    assert not stopped.wait(0.2)  # the beat is still running: stop has not returned
    may_finish.set()
    stopper.join(10)
    assert stopped.is_set()
    count = len(beats)
    assert beats[-1] == "ended"
    in_beat.clear()
    assert not in_beat.wait(0.2)  # nothing more for a stopped attempt
    assert len(beats) == count


def test_a_lost_lease_ends_the_attempts_beats() -> None:
    calls: list[int] = []
    lost = threading.Event()

    def beat(attempt: Attempt) -> bool:
        calls.append(1)
        lost.set()
        return False

    heartbeats = Heartbeats("w/heartbeat", 0.01, beat)
    attempt = cast(Attempt, object())
    heartbeats.start(attempt)
    assert lost.wait(10)
    lost.clear()
    assert not lost.wait(0.2)
    assert calls == [1]
    heartbeats.stop(attempt)
