"""A probe of `tfreview serve` for benchmarks/intake_tail.py (issue 13, r25-tail), loaded by Python at start when this
directory is on PYTHONPATH and `TAIL_PROBE_OUT` names a file; inert otherwise (and in review processes, whose argv
has no `serve`).

It notes, on CLOCK_MONOTONIC (the clock the paced client's timestamps use), the events a slow delivery can be laid
against: every collection of the cyclic GC (generation, start, end, thread), and in the worker's threads each review
process's answer (when `ReviewProcess.ask` returns), each job handler's run (kind, start, end, its thread's CPU) and
each job's end (`Worker._count`: kind, outcome). On SIGUSR2 (intake_tail.py sends it after the paced run: a server
that stops past its shutdown deadline is killed, and runs no exit handler) it writes them to `TAIL_PROBE_OUT`, one per
line:

    gc <generation> <start> <end> <thread name>
    answer <time> <thread name>
    handler <kind> <start> <end> <thread CPU ms> <thread name>
    job <time> <kind> <result> <thread name>
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from typing import Any

OUT = os.environ.get("TAIL_PROBE_OUT")
EVENTS: list[str] = []
_STARTED: dict[int, float] = {}


def _collected(phase: str, info: dict[str, Any]) -> None:
    ident = threading.get_ident()
    if phase == "start":
        _STARTED[ident] = time.monotonic()
        return
    begun = _STARTED.pop(ident, None)
    if begun is not None:
        name = threading.current_thread().name.replace(" ", "_")
        EVENTS.append(f"gc {info['generation']} {begun:.6f} {time.monotonic():.6f} {name}")


def _patch() -> None:
    from tfreview.worker import handlers, review_processes, runner

    ask = review_processes.ReviewProcess.ask

    def noted_ask(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return ask(self, *args, **kwargs)
        finally:
            EVENTS.append(f"answer {time.monotonic():.6f} {threading.current_thread().name.replace(' ', '_')}")

    count = runner.Worker._count

    def noted_count(self: Any, outcome: Any, begun: float) -> None:
        name = threading.current_thread().name.replace(" ", "_")
        EVENTS.append(f"job {time.monotonic():.6f} {outcome.job.kind} {outcome.result} {name}")
        count(self, outcome, begun)

    for kind, handler in list(handlers.HANDLERS.items()):
        handlers.HANDLERS[kind] = _noted(kind, handler)  # type: ignore[index]  # a dict: runner reads it per Worker
    review_processes.ReviewProcess.ask = noted_ask  # type: ignore[method-assign]
    runner.Worker._count = noted_count  # type: ignore[method-assign]


def _noted(kind: str, handler: Any) -> Any:
    def noted(attempt: Any) -> None:
        begun, cpu = time.monotonic(), time.thread_time()
        try:
            handler(attempt)
        finally:
            name = threading.current_thread().name.replace(" ", "_")
            spent = (time.thread_time() - cpu) * 1000
            EVENTS.append(f"handler {kind} {begun:.6f} {time.monotonic():.6f} {spent:.2f} {name}")

    return noted


def _report() -> None:
    with open(str(OUT) + ".part", "w") as out:
        out.write("\n".join(EVENTS) + "\n")
    os.replace(str(OUT) + ".part", str(OUT))


if OUT and "serve" in sys.argv:
    gc.callbacks.append(_collected)
    try:
        _patch()
    except ImportError as exc:  # a tree without review processes: the GC alone
        EVENTS.append(f"# not patched: {exc}")
    signal.signal(signal.SIGUSR2, lambda number, frame: _report())
