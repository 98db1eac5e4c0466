"""Readiness probes of the store: the database answers, the queue answers (the HealthCheck port)."""

from __future__ import annotations

from collections.abc import Callable

from tfreview.core.errors import TfreviewError
from tfreview.ports.service import JobQueue


class DatabaseCheck:
    """Readiness: the database commits a write (a read-only database answers queries, and is not ready)."""

    name = "database"

    def __init__(self, ping: Callable[[], None]) -> None:
        self._ping = ping

    def check(self) -> tuple[bool, str]:
        try:
            self._ping()
        except TfreviewError as exc:
            return False, str(exc)
        except Exception as exc:  # any driver failure means "not ready"; the detail stays in the logs
            return False, f"database unavailable ({type(exc).__name__})"
        return True, "ok"


class QueueCheck:
    """Readiness detail: how many jobs are queued or running (healthy while the queue answers)."""

    name = "queue"

    def __init__(self, queue: JobQueue) -> None:
        self._queue = queue

    def check(self) -> tuple[bool, str]:
        try:
            return True, f"{self._queue.depth()} job(s) queued or running"
        except TfreviewError as exc:
            return False, str(exc)
        except Exception as exc:  # any failure means "not ready"
            return False, f"queue unavailable ({type(exc).__name__})"
