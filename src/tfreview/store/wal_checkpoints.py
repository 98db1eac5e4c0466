"""SQLite's WAL checkpoints, off every commit's path and the WAL kept bounded (ADR 0416).

SQLite checkpoints by itself inside a COMMIT once the WAL holds `wal_autocheckpoint` pages: that commit copies
the WAL into the database file and fsyncs it while it still holds the one writer lock — up to ~49 ms measured
behind an embedded worker's settle, time every delivery queued behind it waits. So every SQLite connection of a
`Database` opens with `wal_autocheckpoint = 0` and this one background thread per process checkpoints instead:

* writers say what they committed (`committed`: estimated pages); past `DUE_PAGES`, or one second after any
  commit, the thread runs a PASSIVE checkpoint on its own connection, outside the writer turn — it copies the
  committed pages and never blocks a writer or waits for a reader;
* under a steady stream of commits a PASSIVE checkpoint never catches up with the end of the WAL, and SQLite
  restarts the WAL from its start only after a checkpoint that did (the next writer then rewinds it). Without
  that the WAL grows for the whole burst (270 MiB after one benchmark round of ~6,400 deliveries, more than the
  database itself), and every read searches a longer WAL index. So when a checkpoint found more than
  `BOUND_PAGES` in the WAL, the thread takes this process's writer turn (`Database.write_slot`) and checkpoints
  the tail that arrived meanwhile — a few pages, not the whole WAL — so the checkpoint completes and the WAL
  rewinds: the WAL file stays near `BOUND_PAGES` plus what one checkpoint's copy lets through.

A checkpoint copies only committed pages: durability is the commit's fsync of the WAL (synchronous=FULL), so a
SIGKILL at any point loses nothing that was acknowledged — the WAL is replayed when the database next opens.
The thread starts with the first commit and ends after `IDLE_SECONDS` without one (a `Database` a test forgets
to close leaves no thread behind); `close` stops it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Final

DUE_PAGES: Final = 1000  # SQLite's own default wal_autocheckpoint, now counted here and run off the commit path
BOUND_PAGES: Final = 4096  # 16 MiB of 4 KiB pages: beyond this a checkpoint finishes inside the writer turn
PERIOD_SECONDS: Final = 1.0  # a trickle of commits is checkpointed at least this often
IDLE_SECONDS: Final = 10.0
_log = logging.getLogger("tfreview.store.wal")


class WalCheckpoints:
    """The background checkpointer of one SQLite `Database` (see the module docstring)."""

    def __init__(
        self,
        connect: Callable[[], Any],
        write_slot: Callable[[float], AbstractContextManager[int]],
        *,
        due_pages: int = DUE_PAGES,
        bound_pages: int = BOUND_PAGES,
    ) -> None:
        self._connect = connect  # a pooled DBAPI connection (wal_autocheckpoint = 0 like every other)
        self._write_slot = write_slot
        self.due_pages = due_pages
        self.bound_pages = bound_pages
        self._lock = threading.Lock()
        self._due = threading.Event()
        self._pending = 0  # estimated pages committed since the last checkpoint began
        self._thread: threading.Thread | None = None
        self._closed = False
        self.checkpoints = 0  # PASSIVE checkpoints run (tests read them)
        self.tails = 0  # of which finished inside the writer turn because the WAL passed bound_pages

    def committed(self, pages: int = 1) -> None:
        """A writer of this process committed about `pages` pages (cheap: a counter under a lock)."""
        with self._lock:
            if self._closed:
                return
            self._pending += pages
            if self._pending >= self.due_pages:
                self._due.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tfreview-wal-checkpoint", daemon=True)
                self._thread.start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            thread = self._thread
        self._due.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(30)

    def _run(self) -> None:
        pooled = None
        idle_since = time.monotonic()
        try:
            while True:
                self._due.wait(PERIOD_SECONDS)
                with self._lock:
                    self._due.clear()
                    pending, self._pending = self._pending, 0
                    if self._closed:
                        return
                    if not pending:
                        if time.monotonic() - idle_since < IDLE_SECONDS:
                            continue
                        self._thread = None  # the next commit starts a new thread
                        return
                idle_since = time.monotonic()
                try:
                    if pooled is None:
                        pooled = self._connect()
                    self._checkpoint(pooled.driver_connection)
                except Exception as error:
                    _log.warning("WAL checkpoint failed: %s", type(error).__name__)
                    _discard(pooled)
                    pooled = None
        finally:
            _discard(pooled)

    def _checkpoint(self, driver: Any) -> None:
        _busy, in_wal, _copied = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.checkpoints += 1
        if in_wal <= self.bound_pages:
            return  # the WAL is still small (a checkpoint that caught up lets the next writer rewind it)
        # "all copied" is as of the checkpoint's start: writers append meanwhile, so under a steady stream the WAL
        # is never caught up and never rewinds. Copy the tail while none of this process's writers can append.
        with self._write_slot(time.monotonic()):
            driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.checkpoints += 1
        self.tails += 1


def _discard(pooled: Any) -> None:
    if pooled is None:
        return
    try:
        pooled.close()
    except Exception:
        _log.warning("closing the WAL checkpointer's connection failed")
