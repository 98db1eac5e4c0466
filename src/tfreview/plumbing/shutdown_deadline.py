"""The one shutdown deadline of a long-running process (`serve`, ADR 0613; `worker`, ADR 0632)."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable

SHUTDOWN_OVERRUN_EXIT = 3  # the shutdown ran past server.shutdown_seconds (EXIT_INTERNAL)


def exit_at_deadline(
    stop: threading.Event,
    finished: threading.Event,
    seconds: float,
    log_overrun: Callable[[str], None],
    *,
    hurried: Callable[[], bool] | None = None,
    grace_seconds: float = 0.0,
) -> None:
    """`seconds` after `stop` is set, a process still in its shutdown (or, its entry point returned, still waiting on
    threads at the interpreter's exit) ends with exit 3, once `log_overrun` has written its line (given the names
    of the threads still running) and the log handlers are flushed. A daemon thread: a process that exits first
    simply does not run the rest; one whose entry point returned while its caller runs on (a test calling it in
    its own process) is left alone.

    With `hurried` (a second stop signal, worker ADR 0660), the deadline comes `grace_seconds` after it: the time
    the process has to give its work back and close."""

    def watch() -> None:
        stop.wait()
        end = time.monotonic() + seconds
        while hurried is not None and not finished.is_set() and time.monotonic() < end:
            if hurried():  # a flag a signal handler set: read, never waited on (no lock in a handler)
                end = min(end, time.monotonic() + grace_seconds)
                break
            finished.wait(min(0.1, max(0.0, end - time.monotonic())))
        time.sleep(max(0.0, end - time.monotonic()))
        if finished.is_set() and threading.main_thread().is_alive():
            return
        waiting = sorted(
            {t.name for t in threading.enumerate() if t.is_alive() and t is not threading.current_thread()}
        )
        log_overrun(", ".join(waiting)[:500] or "-")
        for handler in logging.getLogger().handlers:
            with contextlib.suppress(Exception):
                handler.flush()
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(SHUTDOWN_OVERRUN_EXIT)

    threading.Thread(target=watch, name="shutdown-deadline", daemon=True).start()
