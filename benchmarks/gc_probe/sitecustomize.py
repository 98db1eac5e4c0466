"""A probe of the cyclic garbage collector in `tfreview serve` (issue 13, intake11; ADR 0450), loaded by Python at
start when this directory is on PYTHONPATH and `GC_PROBE_OUT` names a file; inert otherwise.

For every collection it adds the thread CPU it took to its generation's total, split at `GC_PROBE_AFTER` seconds
after start (default 4: the start-up apart from the load), and notes when each full (generation-2) pass ran and
what it cost. At exit (SIGTERM: `serve` stops gracefully) it appends one line to `GC_PROBE_OUT`: objects tracked,
objects frozen (`gc.freeze`), max RSS, the process's CPU, passes and CPU by generation.

    PYTHONPATH=benchmarks/gc_probe GC_PROBE_OUT=/tmp/gc.txt .venv/bin/python benchmarks/intake.py --only tfr
"""

from __future__ import annotations

import atexit
import gc
import os
import resource
import sys
import time
from typing import Any

OUT = os.environ.get("GC_PROBE_OUT")
AFTER = float(os.environ.get("GC_PROBE_AFTER", "4"))
BEGUN = time.monotonic()
PASSES: dict[tuple[bool, int], list[float]] = {}  # (after the start-up, generation) -> [passes, CPU seconds]
FULL: list[str] = []
_STARTED = [0.0]


def _collected(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _STARTED[0] = time.thread_time()
        return
    took = time.thread_time() - _STARTED[0]
    since = time.monotonic() - BEGUN
    generation = int(info["generation"])
    totals = PASSES.setdefault((since > AFTER, generation), [0, 0.0])
    totals[0] += 1
    totals[1] += took
    if generation == 2:
        FULL.append(f"{since:.1f}s:{took * 1000:.0f}ms")


def _report() -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    parts = " ".join(
        f"{'load' if late else 'start'}-gen{generation}: {int(n)} passes {cpu * 1000:.1f} ms"
        for (late, generation), (n, cpu) in sorted(PASSES.items())
    )
    line = (
        f"pid {os.getpid()} objects {len(gc.get_objects())} frozen {gc.get_freeze_count()} "
        f"maxrss_kib {usage.ru_maxrss} cpu_s {usage.ru_utime + usage.ru_stime:.2f} | {parts} "
        f"| gen2 at {' '.join(FULL)}\n"
    )
    with open(str(OUT), "a") as out:
        out.write(line)


if OUT and "serve" in sys.argv:
    gc.callbacks.append(_collected)
    atexit.register(_report)
