"""The door runs on the server's event loop, before every request: once its caches have been filled, a stale
cache is reloaded on another thread and the request goes on with the last view. A PostgreSQL that stops
answering (a black-holed link: no byte, no RST) used to hold the reload — and with it the event loop, so
every request, /healthz and the webhooks' 503 included — for the driver's connect timeout and longer, every
`block_cache_seconds` (r16-recovery, ADR 0568)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from tfreview.door.blocks import FAILURES, Guard
from tfreview.door.door import Door
from tfreview.door.limiter import Limiter, build_storage
from tfreview.door.settings import DoorSettings
from tfreview.door.shedding import Shedder
from tfreview.ops.incidents import LeaseHolder
from tfreview.ops.signals import QueueSignals
from tfreview.ports.blocks import Block
from tfreview.store.blocks import MemoryBlocks
from tfreview.store.memory_incidents import MemoryLeases


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
        self.mono = 1000.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.mono += seconds


class HangingBlocks(MemoryBlocks):
    """Blocks whose reads hang once `hang` is set (the database stopped answering) until `answer` is set; a read
    made on the thread that asked the door (the event loop) is recorded instead of hanging it."""

    def __init__(self, caller: int) -> None:
        super().__init__()
        self.caller = caller
        self.hang = threading.Event()
        self.answer = threading.Event()
        self.read_on_caller = 0
        self.reads_elsewhere = 0

    def active(self, now: datetime) -> list[Block]:
        if self.hang.is_set():
            if threading.get_ident() == self.caller:
                self.read_on_caller += 1
                return super().active(now)
            self.reads_elsewhere += 1
            self.answer.wait()
        return super().active(now)


def test_a_stale_block_cache_is_reloaded_off_the_request_thread_with_the_last_view_kept() -> None:
    clock = Clock()
    store = HangingBlocks(threading.get_ident())
    door = DoorSettings(block_cache_seconds=5)
    limiter = Limiter(build_storage(None, "t"), {FAILURES: "3/60 second"})
    guard = Guard(store, limiter, door, (), clock=clock, monotonic=clock.monotonic)
    guard.block("ip:203.0.113.8", "manual", by="admin x", seconds=600)  # placed here: the cache holds it
    store.hang.set()  # the database stops answering
    clock.advance(6)
    assert guard.blocked_until("ip:203.0.113.8") is not None  # the last view, at once
    assert store.read_on_caller == 0
    store.put(Block("ip:198.51.100.7", "ip", "elsewhere", "auto", clock(), clock() + timedelta(minutes=10), 1))
    store.answer.set()  # the database answers again: the reload started above finishes
    guard.wait_for_reload()
    assert store.reads_elsewhere == 1  # one reload, however many requests saw the stale cache
    assert guard.blocked_until("ip:198.51.100.7") is not None  # what the reload found (still fresh: no new read)
    assert store.read_on_caller == 0


def test_a_stale_shedding_answer_is_rechecked_off_the_request_thread() -> None:
    clock = Clock()
    caller = threading.get_ident()
    hang, answer = threading.Event(), threading.Event()
    seen = {"on_caller": 0, "elsewhere": 0}
    queued = {"jobs": 0}

    def signals() -> QueueSignals:
        if hang.is_set():
            if threading.get_ident() == caller:
                seen["on_caller"] += 1
            else:
                seen["elsewhere"] += 1
                answer.wait()
        return QueueSignals(queued["jobs"], 0, 0, 0.0, 0)

    door = DoorSettings(shed_queue_depth=10, shed_check_seconds=2)
    shedder = Shedder(signals, door, clock=clock, monotonic=clock.monotonic)
    assert shedder.shedding() is None  # the first answer
    hang.set()
    queued["jobs"] = 11
    clock.advance(3)
    assert shedder.shedding() is None  # the last answer, at once
    assert seen["on_caller"] == 0
    answer.set()
    shedder.wait_for_check()
    assert shedder.shedding() == "11 jobs queued (limit 10)"  # what the recheck found (still fresh: no new read)
    assert seen == {"on_caller": 0, "elsewhere": 1}


def test_primed_at_the_start_the_first_request_reads_nothing_on_its_thread() -> None:
    """`serve` primes the door before it listens (ADR 0580): the shedder's first look used to be made at the first
    API request, on the event loop — hours after the start, maybe, with the database stalled by then."""
    clock = Clock()
    caller = threading.get_ident()
    store = HangingBlocks(caller)
    hang, answer = threading.Event(), threading.Event()
    seen = {"on_caller": 0, "elsewhere": 0}

    def signals() -> QueueSignals:
        if hang.is_set():
            if threading.get_ident() == caller:
                seen["on_caller"] += 1
            else:
                seen["elsewhere"] += 1
                answer.wait()
        return QueueSignals(0, 0, 0, 0.0, 0)

    settings = DoorSettings(block_cache_seconds=5, shed_check_seconds=2)
    limiter = Limiter(build_storage(None, "t"), {FAILURES: "3/60 second"})
    guard = Guard(store, limiter, settings, (), clock=clock, monotonic=clock.monotonic)
    shedder = Shedder(signals, settings, clock=clock, monotonic=clock.monotonic)
    store.put(Block("ip:203.0.113.8", "ip", "elsewhere", "auto", clock(), clock() + timedelta(minutes=10), 1))
    Door(settings, limiter, guard, shedder).prime()  # at the start: the database answers
    hang.set()  # then it stops answering, before any request
    clock.advance(6)
    assert shedder.shedding() is None  # the first request: the primed answer, at once
    assert guard.blocked_until("ip:203.0.113.8") is not None  # the primed view, at once
    assert seen["on_caller"] == 0
    assert store.read_on_caller == 0
    answer.set()
    store.answer.set()
    shedder.wait_for_check()
    guard.wait_for_reload()
    assert seen == {"on_caller": 0, "elsewhere": 1}
    assert store.read_on_caller == 0


class HangingWrites(MemoryBlocks):
    """Blocks whose writes hang once `hang` is set until `answer` is set; a write on the caller's thread is recorded
    instead of hanging it."""

    def __init__(self, caller: int) -> None:
        super().__init__()
        self.caller = caller
        self.hang = threading.Event()
        self.answer = threading.Event()
        self.written_on_caller = 0

    def put(self, block: Block) -> Block:
        if self.hang.is_set():
            if threading.get_ident() == self.caller:
                self.written_on_caller += 1
                return super().put(block)
            self.answer.wait()
        return super().put(block)


def test_a_block_earned_by_a_request_is_refused_at_once_and_written_off_its_thread() -> None:
    """A forged webhook is answered on the event loop: the block its failure earned was written there (ADR 0581)."""
    clock = Clock()
    store = HangingWrites(threading.get_ident())
    settings = DoorSettings(block_failures=3, block_window_seconds=60, block_seconds=10, block_cache_seconds=5)
    limiter = Limiter(build_storage(None, "t"), {FAILURES: "3/60 second"})
    audited: list[str] = []
    guard = Guard(
        store, limiter, settings, (), clock=clock, monotonic=clock.monotonic, audit=lambda a, *_: audited.append(a)
    )
    guard.refresh()
    store.hang.set()  # the database stops answering
    source = "ip:203.0.113.7"
    assert [guard.failed_nowait(source, "signature") for _ in range(3)] == [None, None, None]
    until = guard.failed_nowait(source, "signature")  # the fourth in a minute earns the block
    assert until == clock.now + timedelta(seconds=10)
    assert guard.blocked_until(source) == until  # refused here at once
    assert [guard.failed_nowait(source, "signature") for _ in range(5)] == [None] * 5  # earned once
    assert store.written_on_caller == 0
    assert store.get(source) is None  # not written yet: the database does not answer
    store.answer.set()
    guard.wait_for_writes()
    stored = store.get(source)
    assert stored is not None
    assert (stored.strikes, stored.created_by) == (1, "auto")
    assert audited == ["block.add"]
    assert guard.blocked_until(source) == stored.expires_at
    assert guard.unblock(source, by="admin x")
    assert guard.blocked_until(source) is None  # the earned block does not outlive its lifting
    assert store.written_on_caller == 0


class SlowLeases(MemoryLeases):
    """Leases whose holder is read at once but answered only once `answer` is set, when `hang` is set and the reader
    is not the caller (a recheck whose read was made before the lease was taken, its answer arriving after)."""

    def __init__(self, clock: Clock, caller: int) -> None:
        super().__init__(clock=clock)
        self.caller = caller
        self.hang = threading.Event()
        self.answer = threading.Event()

    def holder(self, name: str) -> LeaseHolder | None:
        found = super().holder(name)
        if self.hang.is_set() and threading.get_ident() != self.caller:
            self.answer.wait()
        return found


def test_the_shed_load_action_sheds_at_once_and_a_recheck_begun_before_it_does_not_undo_it() -> None:
    """force() during a recheck: the process that took the lease went on serving with the last answer until a later
    recheck finished, and the recheck in flight (its lease read made before the lease was taken) wrote back its
    "not shedding" (review16c)."""
    clock = Clock()
    leases = SlowLeases(clock, threading.get_ident())
    settings = DoorSettings(shed_check_seconds=2, shed_action_seconds=300)
    shedder = Shedder(lambda: QueueSignals(0, 0, 0, 0.0, 0), settings, leases, clock=clock, monotonic=clock.monotonic)
    assert shedder.shedding() is None  # the first answer
    leases.hang.set()
    clock.advance(3)
    assert shedder.shedding() is None  # a recheck starts: it reads no lease holder, its answer delayed
    assert shedder.force()  # the alert action takes the lease meanwhile
    assert "shed-load action" in str(shedder.shedding())  # at once, in the process that took it
    leases.answer.set()
    shedder.wait_for_check()  # the recheck begun before the lease ends: "not shedding", read before it
    assert "shed-load action" in str(shedder.shedding())
    clock.advance(3)
    shedder.shedding()
    shedder.wait_for_check()
    assert "shed-load action" in str(shedder.shedding())  # a recheck of its own sees the lease
    clock.advance(300)
    shedder.shedding()
    shedder.wait_for_check()
    assert shedder.shedding() is None  # the lease ran out
