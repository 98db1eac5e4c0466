"""The SQLite writer's turns among one process's threads: first come, first served (ADR 0398).

`Database` made its threads queue for SQLite's one writer on a `threading.RLock`, which is not fair: a thread
that releases it and asks again — an embedded worker settling a batch, then claiming the next — usually takes it
again before a waiting thread (the intake's group-commit writer) is even scheduled, so a webhook delivery could
wait behind several worker transactions in a row. `WriterTurns` hands the lock over to the longest waiter at
release: a delivery waits at most for the transactions that asked before it. Re-entrant, like the RLock it
replaces (a thread may open a write inside its own write).
"""

from __future__ import annotations

import threading
from collections import deque


class WriterTurns:
    """A re-entrant lock granted in the order it was asked for (see the module docstring)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._waiting: deque[tuple[int, threading.Lock]] = deque()  # (thread ident, its gate: released = its turn)

    @property
    def waiting(self) -> int:
        """How many threads wait for a turn now."""
        with self._guard:
            return len(self._waiting)

    def acquire(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for this thread's turn; False when it did not come in time."""
        me = threading.get_ident()
        with self._guard:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None and not self._waiting:
                self._owner, self._depth = me, 1
                return True
            entry = (me, threading.Lock())
            entry[1].acquire()
            self._waiting.append(entry)
        try:
            if entry[1].acquire(timeout=max(0.0, timeout)):
                return True  # `release` made this thread the owner before it opened the gate
        except BaseException:  # interrupted while waiting (KeyboardInterrupt): never leave a turn to nobody
            if not self._leave(entry):
                self.release()
            raise
        return not self._leave(entry)  # not in the queue any more: handed over meanwhile, the turn is ours

    def _leave(self, entry: tuple[int, threading.Lock]) -> bool:
        """Give up a place in the queue; False when it was already handed the turn."""
        with self._guard:
            if entry in self._waiting:
                self._waiting.remove(entry)
                return True
            return False

    def release(self) -> None:
        with self._guard:
            if self._owner != threading.get_ident():
                raise RuntimeError("WriterTurns.release by a thread that does not hold the turn")
            self._depth -= 1
            if self._depth:
                return
            if not self._waiting:
                self._owner = None
                return
            owner, gate = self._waiting.popleft()
            self._owner, self._depth = owner, 1
            gate.release()
