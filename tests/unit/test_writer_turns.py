"""The SQLite writer's turns are granted in the order they were asked for, re-entrant, within a timeout (ADR 0398)."""

from __future__ import annotations

import threading
import time

import pytest

from tfreview.store.writer_turns import WriterTurns


def _queued(turns: WriterTurns, count: int) -> None:
    """Wait until `count` threads wait for a turn (the queue is the observable state; no timing decides)."""
    while turns.waiting < count:
        time.sleep(0.001)


def test_turns_go_to_the_waiters_in_the_order_they_asked_and_not_to_a_thread_that_asks_again() -> None:
    turns = WriterTurns()
    order: list[str] = []
    assert turns.acquire(1.0)

    def writer(name: str) -> None:
        assert turns.acquire(5.0)
        order.append(name)
        turns.release()

    threads = []
    for n, name in enumerate(("intake", "worker-2", "worker-3")):
        thread = threading.Thread(target=writer, args=(name,))
        thread.start()
        _queued(turns, n + 1)
        threads.append(thread)
    turns.release()  # handed to "intake" at once: this thread asking again queues behind the others
    assert turns.acquire(5.0)
    order.append("worker-1 again")
    turns.release()
    for thread in threads:
        thread.join(5.0)

    assert order == ["intake", "worker-2", "worker-3", "worker-1 again"]


def test_a_thread_may_take_its_own_turn_again_and_gives_it_up_after_as_many_releases() -> None:
    turns = WriterTurns()
    assert turns.acquire(1.0)
    assert turns.acquire(1.0)
    turns.release()
    other: list[bool] = []
    thread = threading.Thread(target=lambda: other.append(turns.acquire(0.01)))
    thread.start()
    thread.join(5.0)
    assert other == [False]  # still held: one release left
    turns.release()
    thread = threading.Thread(target=lambda: (other.append(turns.acquire(1.0)), turns.release()))
    thread.start()
    thread.join(5.0)
    assert other == [False, True]


def test_a_waiter_that_times_out_leaves_the_queue_and_the_next_one_is_served() -> None:
    turns = WriterTurns()
    assert turns.acquire(1.0)
    answers: dict[str, bool] = {}

    def writer(name: str, timeout: float) -> None:
        answers[name] = turns.acquire(timeout)
        if answers[name]:
            turns.release()

    impatient = threading.Thread(target=writer, args=("impatient", 0.01))
    impatient.start()
    impatient.join(5.0)
    patient = threading.Thread(target=writer, args=("patient", 5.0))
    patient.start()
    _queued(turns, 1)
    turns.release()
    patient.join(5.0)

    assert answers == {"impatient": False, "patient": True}
    assert turns.acquire(0.0)  # free again: nobody left behind holding it
    turns.release()


def test_only_the_holder_may_release() -> None:
    turns = WriterTurns()
    with pytest.raises(RuntimeError, match="does not hold"):
        turns.release()
