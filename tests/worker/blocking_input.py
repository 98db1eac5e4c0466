"""A prepared input that waits for a file before it is read: lets a test SIGKILL a review process mid-review (ADR
0702). Imported by the review process itself when it unpickles the input (spawn passes the test's sys.path)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tfreview.ports.review_processes import PreparedInput
from tfreview.ports.service import Fetched

WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class BlockingInput:
    """`inner`, read once `go` exists; `started` is created first (the test knows the process is reading)."""

    inner: PreparedInput
    started: Path
    go: Path

    def fetched(self) -> Fetched:
        self.started.touch()
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.go.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.inner.fetched()


@dataclass
class BlockingSource:
    """An `api` source whose prepared inputs block (see BlockingInput); it prepares with the real one."""

    real: object
    started: Path
    go: Path
    kind: str = "api"
    unavailable: str | None = None

    def prepare(self, review: object, payload: object) -> BlockingInput:
        return BlockingInput(self.real.prepare(review, payload), self.started, self.go)  # type: ignore[attr-defined]

    def fetch(self, review: object, payload: object) -> Fetched:
        return self.prepare(review, payload).fetched()
