"""The shared operating controls (AI paused, breakers held open): the same scenarios on memory, SQLite,
PostgreSQL and DynamoDB, and the advisor's cached view of them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.contract.conftest import START, ManualClock, fresh_table, sql_database_of
from tfreview.core.errors import StoreUnavailable
from tfreview.ops.controls import AI_BREAKER_OPEN, AI_PAUSED, CachedControls, Control, Controls, MemoryControls
from tfreview.store.aws.controls import DynamoControls
from tfreview.store.controls import SqlControls


@pytest.fixture(params=["memory", "sqlite", "postgres", "dynamodb"])
def controls(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[tuple[ManualClock, Controls]]:
    clock = ManualClock()
    if request.param == "memory":
        yield clock, MemoryControls(clock=clock)
        return
    if request.param == "dynamodb":
        yield clock, DynamoControls(fresh_table(request), clock=clock)
        return
    with sql_database_of(request, sqlite_dir) as database:
        yield clock, SqlControls(database, clock=clock)


def control(name: str, minutes: float, incident: int | None = None, by: str = "watchdog") -> Control:
    return Control(name, START + timedelta(minutes=minutes), by, "test", START, incident)


def test_hold_expire_and_lift(controls: tuple[ManualClock, Controls]) -> None:
    clock, store = controls
    assert store.current() == []
    store.hold(control(AI_PAUSED, 30, incident=7))
    store.hold(control(AI_BREAKER_OPEN, 10, incident=8))
    assert {c.name for c in store.current()} == {AI_PAUSED, AI_BREAKER_OPEN}
    clock.advance(11 * 60)  # the breaker's hold expired by itself
    assert [c.name for c in store.current()] == [AI_PAUSED]
    assert store.lift_incident(8) == []  # expired rows are gone from the view, and lifting them is harmless
    assert store.lift_incident(7) == [AI_PAUSED]
    assert store.current() == []
    assert store.lift(AI_PAUSED) is False


def test_a_later_hold_keeps_the_longer_until(controls: tuple[ManualClock, Controls]) -> None:
    _, store = controls
    store.hold(control(AI_PAUSED, 60, by="cli:alice"))
    held = store.hold(control(AI_PAUSED, 30, incident=3))  # an incident's shorter hold does not shorten it
    assert held.until == START + timedelta(minutes=60)
    (now,) = store.current()
    assert now.until == START + timedelta(minutes=60)
    assert now.incident_id == 3  # the newer setter owns it: resolving incident 3 lifts it
    assert store.lift(AI_PAUSED) is True
    assert store.current() == []


class Flaky:
    def __init__(self, inner: Controls) -> None:
        self.inner = inner
        self.down = False
        self.reads = 0

    def hold(self, control: Control) -> Control:
        return self.inner.hold(control)

    def lift(self, name: str) -> bool:
        return self.inner.lift(name)

    def lift_incident(self, incident_id: int) -> list[str]:
        return self.inner.lift_incident(incident_id)

    def current(self) -> list[Control]:
        self.reads += 1
        if self.down:
            raise StoreUnavailable("database unavailable: test")
        return self.inner.current()


def test_cached_controls_read_at_most_every_ttl_and_keep_the_last_state_when_unreadable() -> None:
    clock = ManualClock()
    tick = [0.0]
    store = Flaky(MemoryControls(clock=clock))
    cached = CachedControls(store, ttl_seconds=5.0, clock=clock, monotonic=lambda: tick[0])
    assert cached.active(AI_PAUSED) is None
    store.hold(control(AI_PAUSED, 30))
    assert cached.active(AI_PAUSED) is None  # within the TTL: the cached view
    assert store.reads == 1
    tick[0] = 5.0
    paused = cached.active(AI_PAUSED)
    assert paused is not None
    assert store.reads == 2
    store.down = True
    tick[0] = 10.0
    assert cached.active(AI_PAUSED) == paused  # a database hiccup does not lift the pause
    store.down = False
    store.lift(AI_PAUSED)
    tick[0] = 15.0
    assert cached.active(AI_PAUSED) is None
    clock.advance(31 * 60)
    store.hold(control(AI_PAUSED, 30))  # already expired at the clock's time
    cached.refresh()
    assert cached.active(AI_PAUSED) is None


def test_concurrent_holds_keep_the_longest(controls: tuple[ManualClock, Controls]) -> None:
    """A watchdog's action and an operator's pause at once: whatever the order, the longest hold stands."""
    import threading

    _, store = controls
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def hold(minutes: int) -> None:
        try:
            start.wait()
            store.hold(control(AI_PAUSED, minutes, by=f"setter-{minutes}"))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=hold, args=(minutes,)) for minutes in (10, 40, 20, 30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    (held,) = store.current()
    assert held.until == START + timedelta(minutes=40)
