"""Prepared inputs that stop their review process at a point a test chooses (review23), with real signals: imported by
the review process itself when it unpickles the input (spawn passes the test's sys.path).

`StoppedMidAnswer`: the process writes the first bytes of an answer on its pipe, then stops (SIGSTOP to itself), as a
process frozen or stopped while it writes a large answer would be: its parent has begun to read an answer that never
ends."""

from __future__ import annotations

import gc
import os
import signal
import struct
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from tfreview.ports.review_processes import PreparedInput
from tfreview.ports.service import Fetched


@dataclass(frozen=True)
class StoppedMidAnswer:
    """`inner`, never read: the answer's first bytes are written (a frame announcing 1 MB, then one byte of it), the
    process stops; `started` is created first."""

    inner: PreparedInput
    started: Path

    def fetched(self) -> Fetched:
        self.started.touch()
        (pipe,) = [o for o in gc.get_objects() if isinstance(o, Connection) and not o.closed]  # its end to the worker
        os.write(pipe.fileno(), struct.pack("!i", 1_000_000) + b"\x80")
        os.kill(os.getpid(), signal.SIGSTOP)
        return self.inner.fetched()


@dataclass
class StoppingSource:
    """An `api` source whose prepared inputs are `StoppedMidAnswer`; it prepares with the real one."""

    real: object
    started: Path
    kind: str = "api"
    unavailable: str | None = None

    def prepare(self, review: object, payload: object) -> StoppedMidAnswer:
        return StoppedMidAnswer(self.real.prepare(review, payload), self.started)  # type: ignore[attr-defined]

    def fetch(self, review: object, payload: object) -> Fetched:
        return self.prepare(review, payload).fetched()
