"""Shutdown and the door's background threads (flaky16): a stale block cache or queue look is reread on a thread of
its own (ADR 0568), and nothing waited for those threads when the services closed — a reread still holding a
PostgreSQL connection when the pool was disposed left it unclosed, garbage-collected later in whatever ran next
(a CI run saw psycopg's ResourceWarning raised in an unrelated test). `Door.close()` — one of the services'
closers, run before the database's — now waits for them and starts no new one."""

from __future__ import annotations

import threading
from datetime import datetime

from tests.unit.door.test_door_never_waits import Clock
from tfreview.door.blocks import FAILURES, Guard
from tfreview.door.door import Door
from tfreview.door.limiter import Limiter, build_storage
from tfreview.door.settings import DoorSettings
from tfreview.door.shedding import Shedder
from tfreview.ops.signals import QueueSignals
from tfreview.ports.blocks import Block
from tfreview.store.blocks import MemoryBlocks


class Gate:
    """A read that, once `armed`, tells it began (`entered`) and goes on only when `release` is set."""

    def __init__(self) -> None:
        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()
        self.reads = 0
        self.finished = 0

    def pass_through(self) -> None:
        self.reads += 1
        if self.armed:
            self.entered.set()
            self.release.wait(5)
        self.finished += 1


class GatedBlocks(MemoryBlocks):
    def __init__(self, gate: Gate) -> None:
        super().__init__()
        self.gate = gate

    def active(self, now: datetime) -> list[Block]:
        self.gate.pass_through()
        return super().active(now)


def _door(clock: Clock, blocks_gate: Gate, signals_gate: Gate) -> Door:
    settings = DoorSettings(block_cache_seconds=5, shed_check_seconds=2)
    limiter = Limiter(build_storage(None, "t"), {FAILURES: "3/60 second"})
    guard = Guard(GatedBlocks(blocks_gate), limiter, settings, (), clock=clock, monotonic=clock.monotonic)

    def signals() -> QueueSignals:
        signals_gate.pass_through()
        return QueueSignals(0, 0, 0, 0.0, 0)

    shedder = Shedder(signals, settings, clock=clock, monotonic=clock.monotonic)
    return Door(settings, limiter, guard, shedder)


def test_close_waits_for_the_background_rereads_then_starts_no_other() -> None:
    clock, blocks_gate, signals_gate = Clock(), Gate(), Gate()
    door = _door(clock, blocks_gate, signals_gate)
    door.prime()  # the first looks, on this thread
    blocks_gate.armed = signals_gate.armed = True
    clock.advance(6)  # both stale: each request now starts a reread on a thread of its own
    assert door.guard.blocked_until("ip:203.0.113.8") is None
    assert door.shedder.shedding() is None
    assert blocks_gate.entered.wait(5)
    assert signals_gate.entered.wait(5)
    blocks_gate.release.set()
    signals_gate.release.set()
    door.close()
    assert (blocks_gate.finished, signals_gate.finished) == (2, 2)  # both rereads ended before close() returned
    clock.advance(60)  # stale again after the close: the last view, no new thread, no read
    assert door.guard.blocked_until("ip:203.0.113.8") is None
    assert door.shedder.shedding() is None
    assert (blocks_gate.reads, signals_gate.reads) == (2, 2)
    names = {t.name for t in threading.enumerate()}
    assert not {"tfreview-door-blocks", "tfreview-door-shedding"} & names


class PutGate(MemoryBlocks):
    """Blocks whose writes, once `armed`, wait for `release`."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def put(self, block: Block) -> Block:
        if self.armed:
            self.entered.set()
            self.release.wait(5)
        return super().put(block)


class WriterFinishesDuringTheLookUp(dict[str, datetime]):
    """The view a request holds; the block writer finishes its write while the request looks the source up in it."""

    def __init__(self, view: dict[str, datetime], guard: Guard, store: PutGate) -> None:
        super().__init__(view)
        self.guard, self.store = guard, store

    def get(self, key: str, default: object = None) -> datetime | None:  # type: ignore[override]
        self.store.release.set()
        self.guard.wait_for_writes()  # stored, reloaded into a new view, the provisional block dropped
        return super().get(key)


def test_a_block_being_written_is_refused_while_the_writer_finishes_it() -> None:
    """A CI run (under load): a request right after the failure that earned a second block was served 200 — it took
    the block view from before the write, then found the provisional block already dropped by the writer."""
    clock, store = Clock(), PutGate()
    settings = DoorSettings(block_failures=3, block_cache_seconds=5)
    limiter = Limiter(build_storage(None, "t"), {FAILURES: "3/60 second"})
    guard = Guard(store, limiter, settings, (), clock=clock, monotonic=clock.monotonic)
    guard.refresh()
    store.armed = True
    source = "ip:203.0.113.32"
    earned = [guard.failed_nowait(source, "signature") for _ in range(4)]
    assert earned[:3] == [None, None, None]
    assert earned[3] is not None  # the block earned, its write on the writer thread (held at the store)
    assert store.entered.wait(5)
    guard._cached = WriterFinishesDuringTheLookUp(guard._cached, guard, store)
    assert guard.blocked_until(source) is not None
    guard.wait_for_writes()
    assert guard.blocked_until(source) is not None  # the stored block, from then on
