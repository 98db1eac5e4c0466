"""A probe of a long-running `tfreview serve`'s heap (issue 13, intake13), loaded by Python at start when this
directory is on PYTHONPATH and `AGING_PROBE_DIR` names a directory; inert otherwise.

A daemon thread waits for `AGING_PROBE_DIR/ask` to appear (benchmarks/intake_aging.py writes it between two
windows of load), removes it and writes `AGING_PROBE_DIR/answer.json`: the objects the cyclic GC tracks, counted
by type (all of them: growth shows as a count that rises from window to window), the GC's counters, every live
thread's native id and Python name (so /proc/<pid>/task/<tid>/stat can be grouped by thread), and, when Python
traces allocations (`PYTHONTRACEMALLOC=1`), the traced total and the 12 source lines whose allocations grew most
since the previous answer. Collects once (gen 2) before counting, so what is counted is what is alive.
"""

from __future__ import annotations

import collections
import gc
import json
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

PROBE = os.environ.get("AGING_PROBE_DIR")


def _answer(previous: list[Any]) -> dict[str, Any]:
    gc.collect()
    by_type = collections.Counter(type(o).__name__ for o in gc.get_objects())
    found: dict[str, Any] = {
        "tracked": sum(by_type.values()),
        "frozen": gc.get_freeze_count(),
        "by_type": dict(by_type.most_common(400)),
        "gc_stats": gc.get_stats(),
        "threads": {str(t.native_id): t.name for t in threading.enumerate() if t.native_id is not None},
    }
    if tracemalloc.is_tracing():
        snapshot = tracemalloc.take_snapshot().filter_traces(
            (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__))
        )
        found["traced_bytes"] = tracemalloc.get_traced_memory()[0]
        if previous:
            grown = snapshot.compare_to(previous[0], "lineno")[:12]
            found["grown"] = [f"{stat.size_diff:+d} B {stat.count_diff:+d} blocks: {stat.traceback}" for stat in grown]
        previous[:] = [snapshot]
    return found


def _watch(folder: Path) -> None:
    ask, answer = folder / "ask", folder / "answer.json"
    previous: list[Any] = []
    while True:
        if ask.exists():
            ask.unlink()
            written = answer.with_suffix(".tmp")
            written.write_text(json.dumps(_answer(previous)))
            written.replace(answer)
        time.sleep(0.1)


if PROBE and "serve" in sys.argv:
    threading.Thread(target=_watch, args=(Path(PROBE),), name="aging-probe", daemon=True).start()
