"""SIGHUP while a long-running command starts: remembered, not fatal (ADR 0640).

SIGHUP asks `serve` and `worker` to reload their secrets (docs/howto/rotate-secrets.md), but its handler is
installed only once the service runs — seconds after the process started (settings, the database's checks and
migrations, the app). Until then SIGHUP had its default action: the process ended at once (exit 129), without a
line in its log. A rotation that signals every process, or `systemctl reload`, killed the one that was starting.

`hold()` (stdlib only: called first thing by `tfreview serve` and `tfreview worker`) installs a handler that only
remembers the signal; `take()` tells the reloader, once it runs, whether one came meanwhile (it then reloads).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

_ASKED = threading.Event()


def _remember(signum: int, frame: FrameType | None) -> None:
    _ASKED.set()


def hold() -> bool:
    """Remember SIGHUP from now on instead of dying of it; False where that cannot be done (no SIGHUP on this
    platform, or not the main thread: a caller that runs the command in a thread keeps its own handling)."""
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGHUP, _remember)
    return True


def take() -> bool:
    """Whether a SIGHUP arrived while held (forgotten once told)."""
    asked = _ASKED.is_set()
    _ASKED.clear()
    return asked
