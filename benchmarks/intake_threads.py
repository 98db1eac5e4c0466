"""Which threads of a server spent the CPU of a run: the intake (event loop, writer) apart from the workers.

With embedded workers on, `tfreview serve` reviews what it accepts in the same process, so its whole CPU per
delivery mixes intake and reviewing. Linux counts CPU per thread (/proc/<pid>/task/<tid>/stat); Python does
not name its OS threads, so the names come from `py-spy dump` (the native thread id beside each Python thread
name). Without py-spy the split is not made and only the process tree's total is reported.

Intake threads: the event loop (`MainThread`), the group-commit writer and the WAL checkpointer, and the
loop's executor threads (`asyncio_N`). The rest of the process (workers, their handler and heartbeat threads,
the reaper, the watchdog…) is the process tree's total minus the intake: threads that ended during the run
are only in that total.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
INTAKE_THREADS = re.compile(r"^(MainThread|tfreview-intake-writer|tfreview-wal-checkpoint|asyncio_\d+)$")
_DUMPED = re.compile(r'Thread (\d+) \([^)]*\): "([^"]+)"')


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def thread_names(pid: int, attempts: int = 3) -> dict[int, str]:
    """Native thread id → Python thread name, from `py-spy dump` (empty without py-spy). A dump that names no
    thread (py-spy could not read the process at that moment: it was busy, or a thread was starting) is tried
    again, up to `attempts` times; when none names one, py-spy's own words go to stderr (the split is then NaN)."""
    spy = py_spy()
    if spy is None:
        return {}
    said = ""
    for _ in range(attempts):
        done = subprocess.run([spy, "dump", "--pid", str(pid)], check=False, capture_output=True, text=True, timeout=60)
        names = {int(m.group(1)): m.group(2) for m in _DUMPED.finditer(done.stdout)}
        if names:
            return names
        said = (done.stderr or done.stdout).strip()
    print(f"  py-spy dump named no thread of {pid} ({attempts} tries): {said[:300] or 'no output'}", file=sys.stderr)
    return {}


def thread_cpu(pid: int) -> dict[int, float]:
    """User + system CPU seconds of every live thread of `pid`."""
    seconds: dict[int, float] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return seconds
    for tid in tids:
        try:
            fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[int(tid)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return seconds


def intake_seconds(before: dict[int, float], after: dict[int, float], names: dict[int, str]) -> float | None:
    """CPU the intake threads spent between two `thread_cpu` snapshots; None when the threads have no names."""
    if not names:
        return None
    return sum(
        spent - before.get(tid, 0.0)
        for tid, spent in after.items()
        if INTAKE_THREADS.match(names.get(tid, "")) is not None
    )
