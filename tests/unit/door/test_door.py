"""The door's parts without I/O: client addresses behind proxies, the block policy (threshold, growth,
expiry, allow-list), load shedding and the two alert actions registered in the level-1 registry."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from tfreview.door.addresses import client_address, networks, token_source
from tfreview.door.blocks import FAILURES, Guard, block_seconds
from tfreview.door.limiter import Limiter, MemoryWindows, build_storage
from tfreview.door.settings import DoorSettings
from tfreview.door.shedding import Shedder
from tfreview.ops.signals import QueueSignals
from tfreview.settings import Settings
from tfreview.store.blocks import MemoryBlocks
from tfreview.store.memory_incidents import MemoryLeases
from tfreview.wiring import build_memory_services

PROXIES = networks(["10.0.0.0/8"])


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
        self.mono = 1000.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.mono += seconds


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),  # untrusted peer: its header is ignored
        ("10.0.0.2", ["198.51.100.1"], "198.51.100.1"),  # one trusted proxy
        ("10.0.0.2", ["6.6.6.6, 198.51.100.1, 10.0.0.3"], "198.51.100.1"),  # forged left part, two proxies
        ("10.0.0.2", ["198.51.100.1", "10.0.0.3"], "198.51.100.1"),  # the header given twice
        ("10.0.0.2", ["not-an-address"], "unknown"),  # garbled: believe nothing further left, and it is not the proxy
        ("10.0.0.2", ["198.51.100.1, unknown"], "unknown"),
        ("10.0.0.2", [], "10.0.0.2"),
        (None, [], "unknown"),
        ("2001:db8::1", ["198.51.100.1"], "2001:db8::1"),
    ],
)
def test_the_client_address_is_believed_only_through_trusted_proxies(
    peer: str | None, forwarded: list[str], expected: str
) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected


def test_a_token_source_is_a_hash_never_the_token() -> None:
    source = token_source("tfr_secret_canary")
    assert source.startswith("token:")
    assert "canary" not in source
    assert len(source) == len("token:") + 16


def test_blocks_grow_exponentially_up_to_the_cap() -> None:
    assert [block_seconds(n, 300, 3600) for n in (1, 2, 3, 4, 5)] == [300, 600, 1200, 2400, 3600]


def _guard(clock: Clock, **settings: object) -> Guard:
    door = DoorSettings(block_failures=3, block_window_seconds=60, block_seconds=10, block_cache_seconds=0, **settings)
    limiter = Limiter(build_storage(None, "t"), {FAILURES: f"{door.block_failures}/{door.block_window_seconds} second"})
    return Guard(MemoryBlocks(), limiter, door, networks(door.allow_list), clock=clock, monotonic=clock.monotonic)


def test_failures_past_the_threshold_block_until_expiry_and_the_next_block_is_longer() -> None:
    clock = Clock()
    guard = _guard(clock)
    source = "ip:203.0.113.7"
    assert [guard.failed(source, "signature") for _ in range(3)] == [None, None, None]
    block = guard.failed(source, "signature")
    assert block is not None
    assert block.strikes == 1
    assert block.created_by == "auto"
    assert guard.blocked_until(source) == clock.now + timedelta(seconds=10)
    clock.advance(11)
    assert guard.blocked_until(source) is None
    again = guard.failed(source, "signature")  # the failures of the last minute still count
    assert again is not None
    assert again.strikes == 2
    assert again.expires_at - again.blocked_at == timedelta(seconds=20)
    assert guard.unblock(source, by="admin x")
    assert guard.blocked_until(source) is None


def test_allow_listed_and_unknown_sources_are_never_blocked() -> None:
    clock = Clock()
    guard = _guard(clock, allow_list=["192.30.252.0/22"])
    for _ in range(10):
        assert guard.failed("ip:192.30.252.10", "signature") is None
        assert guard.failed("ip:unknown", "signature") is None
    with pytest.raises(ValueError, match="allow-list"):
        guard.block("ip:192.30.252.10", "manual", by="admin x")
    with pytest.raises(ValueError, match="not a source"):
        guard.block("203.0.113.9", "manual", by="admin x")


def test_another_process_sees_a_block_after_its_cache_period() -> None:
    clock = Clock()
    store = MemoryBlocks()
    door = DoorSettings(block_cache_seconds=5)
    limiter = Limiter(build_storage(None, "t"), {FAILURES: "3/60 second"})
    mine = Guard(store, limiter, door, (), clock=clock, monotonic=clock.monotonic)
    theirs = Guard(store, limiter, door, (), clock=clock, monotonic=clock.monotonic)
    assert theirs.blocked_until("ip:203.0.113.8") is None  # loads its (empty) cache
    mine.block("ip:203.0.113.8", "manual", by="admin x", seconds=600)
    assert mine.blocked_until("ip:203.0.113.8") is not None  # at once where it was placed
    assert theirs.blocked_until("ip:203.0.113.8") is None  # the other process's cache is still fresh
    clock.advance(5)
    theirs.blocked_until("ip:203.0.113.8")  # stale: reloaded in the background, the last view meanwhile (ADR 0568)
    theirs.wait_for_reload()
    assert theirs.blocked_until("ip:203.0.113.8") is not None


def _signals(queued: int, age: float) -> QueueSignals:
    return QueueSignals(queued, 0, 0, age, 0)


def test_shedding_follows_queue_depth_and_age_checked_once_per_period() -> None:
    clock = Clock()
    state = {"signals": _signals(0, 0.0), "reads": 0}

    def signals() -> QueueSignals:
        state["reads"] = int(state["reads"]) + 1  # type: ignore[call-overload]  # a counter in a mixed dict
        found = state["signals"]
        assert isinstance(found, QueueSignals)
        return found

    door = DoorSettings(shed_queue_depth=10, shed_oldest_age_seconds=60, shed_check_seconds=2)
    shedder = Shedder(signals, door, clock=clock, monotonic=clock.monotonic)
    assert shedder.shedding() is None
    state["signals"] = _signals(11, 0.0)
    assert shedder.shedding() is None  # still the cached answer
    clock.advance(2)
    assert shedder.shedding() is None  # stale: rechecked in the background, the last answer meanwhile (ADR 0568)
    shedder.wait_for_check()
    assert shedder.shedding() == "11 jobs queued (limit 10)"
    state["signals"] = _signals(1, 61.0)
    clock.advance(2)
    shedder.shedding()
    shedder.wait_for_check()
    assert shedder.shedding() == "the oldest job waited 61 s (limit 60 s)"
    assert state["reads"] == 3


def test_the_shed_load_action_sheds_for_its_period_across_processes() -> None:
    clock = Clock()
    leases = MemoryLeases(clock=clock)
    door = DoorSettings(shed_action_seconds=300, shed_check_seconds=1)
    acting = Shedder(lambda: _signals(0, 0), door, leases, clock=clock, monotonic=clock.monotonic)
    other = Shedder(lambda: _signals(0, 0), door, leases, clock=clock, monotonic=clock.monotonic)
    assert acting.force()
    assert other.shedding() is not None
    assert "shed-load action" in str(other.shedding())
    clock.advance(301)
    other.shedding()  # stale: rechecked in the background, the last answer meanwhile (ADR 0568)
    other.wait_for_check()
    assert other.shedding() is None


def test_q10_a_deep_or_old_queue_sheds_only_the_tenants_that_fill_it() -> None:
    from tfreview.ops.signals import TenantBacklog

    clock = Clock()
    leases = MemoryLeases(clock=clock)
    backlog = {
        "github:1": TenantBacklog(5_000, 30.0),
        "github:2": TenantBacklog(10, 2.0),
        "github:3": TenantBacklog(2, 0),
    }
    door = DoorSettings(shed_queue_depth=5_000, shed_oldest_age_seconds=900, shed_check_seconds=1)
    shedder = Shedder(lambda: _signals(5_012, 30.0), door, leases, backlog=lambda: backlog, clock=clock,
                      monotonic=clock.monotonic)  # fmt: skip
    assert shedder.shedding_for("github:1") == "5012 jobs queued (limit 5000)"  # at least the tenants' mean (1,671)
    assert shedder.shedding_for("github:2") is None
    assert shedder.shedding_for("github:4") is None  # nothing queued at all
    assert shedder.shedding_for(None) is not None  # an operator across tenants: shed alike
    assert shedder.per_tenant
    backlog["github:3"] = TenantBacklog(2, 901.0)  # a job of github:3 waited past the age limit
    clock.advance(1)
    shedder.shedding_for("github:3")  # stale: reread on a thread of its own (ADR 0568), the last copy meanwhile
    shedder.wait_for_check()
    assert shedder.shedding_for("github:3") is not None
    assert shedder.shedding_for("github:2") is None
    assert shedder.force()  # the shed-load action: every tenant
    shedder.shedding_for("github:2")
    shedder.wait_for_check()
    assert shedder.shedding_for("github:2") is not None
    assert not shedder.per_tenant


def test_q10_a_backlog_that_cannot_be_read_sheds_every_tenant_alike() -> None:
    def broken() -> dict[str, object]:
        raise OSError("database gone")

    door = DoorSettings(shed_queue_depth=10)
    shedder = Shedder(lambda: _signals(11, 0.0), door, backlog=broken)  # type: ignore[arg-type]
    assert shedder.shedding_for("github:2") == "11 jobs queued (limit 10)"


def test_shed_load_and_block_source_are_registered_level_1_actions() -> None:
    from tfreview.ops.alert_table import load_alert_table
    from tfreview.ops.incidents import Incident, IncidentStatus

    settings = Settings(door=DoorSettings(block_failures=8, shed_check_seconds=0.001))
    services = build_memory_services(settings)
    assert services.ops is not None
    watchdog = services.ops.watchdog
    assert watchdog is not None
    actions = watchdog.actions
    rules = {rule.id: rule for rule in load_alert_table()}
    now = datetime.now(UTC)
    incident = Incident(
        7,
        "g",
        "signature-failure-spike",
        "secrets-compromise",
        "critical",
        "s",
        IncidentStatus.OPEN,
        2,
        15,
        ("page",),
        now,
        None,
    )
    door = services.door
    assert door is not None
    for _ in range(3):
        door.guard.failed("ip:203.0.113.99", "signature")
    state, note = actions.run("block-source", rules["signature-failure-spike"], incident)
    assert state == "done"
    assert "ip:203.0.113.99" in note
    assert door.guard.blocked_until("ip:203.0.113.99") is not None
    state, note = actions.run("shed-load", rules["request-flood"], incident)
    assert state == "done"
    assert "503" in note
    assert door.shedder.shedding() is not None


def test_q10_the_queue_backlog_alerts_shed_load_sheds_the_tenants_that_fill_the_queue() -> None:
    """The queue-backlog alert's action (the queue is the cause) keeps a quiet tenant served; request-flood's and
    intake-db-errors' shed everyone."""
    from tfreview.ops.alert_table import load_alert_table
    from tfreview.ops.incidents import Incident, IncidentStatus
    from tfreview.ports.jobs import NewJob

    settings = Settings(door=DoorSettings(shed_check_seconds=0.001))
    services = build_memory_services(settings)
    assert services.ops is not None
    assert services.ops.watchdog is not None
    assert services.door is not None
    for i in range(3):
        services.queue.enqueue(NewJob(kind="review", tenant_id="github:1", idempotency_key=f"k{i}", payload={}))
    services.queue.enqueue(NewJob(kind="review", tenant_id="github:2", idempotency_key="q", payload={}))
    rules = {rule.id: rule for rule in load_alert_table()}
    now = datetime.now(UTC)
    incident = Incident(8, "g", "queue-backlog", "flood", "high", "s", IncidentStatus.OPEN, 1, 10, ("chat",), now, None)
    shedder = services.door.shedder
    state, note = services.ops.watchdog.actions.run("shed-load", rules["queue-backlog"], incident)
    assert state == "done"
    assert "tenants that fill the queue" in note
    assert shedder.shedding_for("github:1") is not None  # 3 of the 4 queued jobs: at least the tenants' mean (2)
    assert shedder.shedding_for("github:2") is None
    assert shedder.shedding_for(None) is not None
    services.ops.watchdog.actions.run("shed-load", rules["request-flood"], incident)
    shedder.shedding_for("github:2")  # rechecked on a thread of its own (ADR 0568), the last answer meanwhile
    shedder.wait_for_check()
    assert shedder.shedding_for("github:2") is not None


class Ticks:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_memory_windows_move_refuse_uncounted_and_say_when_the_oldest_hit_leaves() -> None:
    ticks = Ticks()
    windows = MemoryWindows(clock=ticks, sweep_seconds=1000)
    assert [windows.hit("ip:a", 3, 60) for _ in range(3)] == [None, None, None]
    ticks.now += 20
    assert windows.hit("ip:a", 3, 60) == 40.0  # the first hit leaves the window 40 s from now
    assert windows.hit("ip:b", 3, 60) is None  # another key has its own window
    ticks.now += 40  # the oldest hits are exactly at the window's edge: still inside, as with `limits`
    assert windows.hit("ip:a", 3, 60) == 0.0
    ticks.now += 0.5
    assert windows.hit("ip:a", 3, 60) is None  # the three first hits left; the refused ones never counted
    assert windows.hit("ip:a", 3, 60) is None
    assert windows.hit("ip:a", 3, 60) is None
    assert windows.hit("ip:a", 3, 60) is not None


def test_memory_windows_forget_idle_keys_without_a_background_thread() -> None:
    ticks = Ticks()
    before = threading.active_count()
    windows = MemoryWindows(clock=ticks, sweep_seconds=10)
    for n in range(100):
        assert windows.hit(f"ip:{n}", 1, 5) is None
    assert len(windows) == 100
    assert threading.active_count() == before
    ticks.now += 11  # past every window and the sweep period: the next hit sweeps the idle keys
    assert windows.hit("ip:fresh", 1, 5) is None
    assert len(windows) == 1


def test_the_limiter_over_memory_windows_answers_retry_after_in_whole_seconds() -> None:
    limiter = Limiter(build_storage(None, "t"), {"ip": "2/minute"})
    assert limiter.hit("ip", "203.0.113.5").allowed
    assert limiter.hit("ip", "203.0.113.5").allowed
    refused = limiter.hit("ip", "203.0.113.5")
    assert not refused.allowed
    assert 59 <= refused.retry_after <= 61
    assert limiter.hit("ip", "203.0.113.6").allowed


def test_a_limit_of_zero_refuses_every_hit_for_a_whole_window() -> None:
    windows = MemoryWindows(clock=Ticks())
    assert windows.hit("ip:a", 0, 60) == 60  # no hit to wait for: a whole window, never an IndexError
    limiter = Limiter(build_storage(None, "t"), {"ip": "0/minute"})
    refused = limiter.hit("ip", "203.0.113.5")
    assert not refused.allowed
    assert 60 <= refused.retry_after <= 61  # `limits` over its memory storage answered 60


def _reference_hit(held: list[float], now: float, limit: int, seconds: float) -> float | None:
    """The moving-window rule written plainly: what MemoryWindows must answer, whatever it holds per key."""
    held[:] = [at for at in held if at >= now - seconds]
    if len(held) < limit:
        held.append(now)
        return None
    return seconds if not held else max(held[0] + seconds - now, 0.0)


def test_memory_windows_answer_the_moving_window_rule_for_keys_held_as_one_time_or_many() -> None:
    """A key seen once is held as one time, not a deque (ADR 0373): the answers are the rule's all the same."""
    ticks = Ticks()
    windows = MemoryWindows(clock=ticks, sweep_seconds=7)
    reference: dict[str, list[float]] = {}
    state = 12345
    rates = [(0, 5.0), (1, 2.0), (1, 5.0), (2, 3.0), (3, 5.0), (2, 2.0), (5, 4.0)]  # a key names its rate
    for _ in range(3000):
        state = (state * 1103515245 + 12345) % 2**31  # a fixed pseudo-random walk over keys and steps
        key = state % len(rates)
        limit, seconds = rates[key]
        ticks.now += (state >> 8) % 13 / 4
        expected = _reference_hit(reference.setdefault(f"ip:{key}", []), ticks.now, limit, seconds)
        assert windows.hit(f"ip:{key}", limit, seconds) == expected
