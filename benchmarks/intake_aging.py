"""Does a long-running `tfreview serve` cost more per delivery as it ages? (issue 13, intake13)

ONE `tfreview serve` process (SQLite, embedded workers on: `benchmarks/intake.py`'s `tfr`) on ONE data directory
takes `--windows` windows of `--per-window` signed 28 KB pull_request deliveries, every delivery id new, each
window sent flat out by wrk (benchmarks/intake.lua) and then left to drain until the workers ended every job (they
die at once: no GitHub is configured). Between windows, with the server idle, one row per window:

* CPU ms per delivery of the process (user + system, /proc/<pid>/task/*/stat of every live thread, from the
  window's first request to its last job ended), split into the intake threads (event loop, intake writer), the
  embedded workers and the rest (notifier, reaper, watchdog, checkpointer…: fixed per second, so also seconds);
  and a fixed pure-Python loop's CPU µs just before the window (intake_drift.calibrate): if the CPU per delivery
  rises and the loop does not, the work grew; this VM has no hardware counters (`perf stat -e instructions` says
  <not supported>), so instructions cannot be counted on a live server;
* the server's RSS (VmRSS) and peak (VmHWM), minor faults per delivery;
* from a probe inside the server (PYTHONPATH=benchmarks/aging_probe, see its docstring): objects the GC tracks
  after a full collection, the types whose count grew most since the first window, and with `--tracemalloc`
  (PYTHONTRACEMALLOC=1: slower, so its CPU figures say nothing) the traced bytes and the source lines that grew;
* the database and its WAL in bytes, the jobs table by state and the deliveries stored, and SQLite's
  EXPLAIN QUERY PLAN of the embedded workers' claim statements (a SCAN of a table is what would grow with it).

    .venv/bin/python benchmarks/intake_aging.py --windows 10 --per-window 10000
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake_drift import CLOCK_TICKS, calibrate
from intake_load import saturate, write_deliveries, wrk_available
from intake_servers import started

HERE = Path(__file__).resolve().parent
SECRET = "aging-" + uuid.uuid4().hex
INTAKE_THREADS = ("MainThread", "tfreview-intake-writer")


@dataclass(frozen=True)
class Moment:
    """A server process at one moment: CPU by thread id, memory, faults."""

    cpu: dict[int, float]  # tid → user + system seconds of each live thread
    process: float  # user + system seconds of the process, its ended threads included
    rss_kib: int
    hwm_kib: int
    minflt: int


@dataclass(frozen=True)
class Window:
    taken_before: int  # deliveries the server had taken before this window
    accepted: int
    failed: int
    seconds: float  # first request to last job ended
    intake_ms: float
    workers_ms: float
    rest_s: float  # seconds of CPU of the other live threads over the window
    total_ms: float
    calibration_us: float
    rss_mib: float
    hwm_mib: float
    minflt: float
    tracked: int
    traced_mib: float
    wal_mib: float
    db_mib: float
    jobs: dict[str, int]


def moment(pid: int) -> Moment:
    cpu: dict[int, float] = {}
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
                cpu[int(tid)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    process = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return Moment(cpu, process, int(status["VmRSS"].split()[0]), int(status["VmHWM"].split()[0]), int(fields[7]))


def ask_probe(folder: Path, timeout: float = 600.0) -> dict[str, Any]:
    answer = folder / "answer.json"
    with contextlib.suppress(FileNotFoundError):
        answer.unlink()
    (folder / "ask").write_text("?")
    deadline = time.monotonic() + timeout
    while not answer.exists():
        if time.monotonic() > deadline:
            raise SystemExit("the probe inside the server did not answer: is benchmarks/aging_probe on PYTHONPATH?")
        time.sleep(0.05)
    found: dict[str, Any] = json.loads(answer.read_text())
    return found


def jobs_by_state(database: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as db:
        found = dict(db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall())
        found["deliveries"] = db.execute("SELECT count(*) FROM deliveries").fetchone()[0]
        return found


def claim_plans(database: Path) -> list[str]:
    """SQLite's plan of each statement a worker's claim runs (store/job_statements.py), on this database."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from tfreview.store.job_statements import CLAIM_ANY_KIND

    dialect = sqlite_dialect.dialect()
    found = []
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as db:
        for name in ("two_fairest_tenants", "oldest_of_tenant", "next_of_any"):
            compiled = getattr(CLAIM_ANY_KIND, name).compile(dialect=dialect)
            values = {"now": "2999-01-01 00:00:00.000000", "tenant": "default", "n": 16}
            params = [values.get(key, compiled.params.get(key)) for key in compiled.positiontup or []]
            rows = db.execute("EXPLAIN QUERY PLAN " + str(compiled), params).fetchall()
            found.append(f"{name}: " + " / ".join(str(row[-1]) for row in rows))
    return found


def _ended(jobs: dict[str, int]) -> int:
    return jobs.get("succeeded", 0) + jobs.get("dead", 0)


def drain(database: Path, timeout: float) -> dict[str, int]:
    """Wait until the workers ended every job (each delivery queues one), or `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        jobs = jobs_by_state(database)
        if _ended(jobs) >= sum(v for k, v in jobs.items() if k != "deliveries") or time.monotonic() > deadline:
            return jobs
        time.sleep(0.2)


def one_window(
    args: argparse.Namespace, url: str, pid: int, requests: Path, data: Path, probe: Path, taken: int
) -> tuple[Window, dict[str, Any]]:
    speed = calibrate()
    before = moment(pid)
    begun = time.monotonic()
    load = saturate(url, requests, seconds=args.seconds, connections=args.connections, threads=1, cycle=False)
    database = data / "tfreview.db"
    jobs = drain(database, args.drain_timeout)
    seconds = time.monotonic() - begun
    after = moment(pid)
    found = ask_probe(probe)  # after the CPU sample: its full collection is not the window's
    names = {int(tid): name for tid, name in found["threads"].items()}
    groups: collections.Counter[str] = collections.Counter()
    for tid, spent in after.cpu.items():
        name = names.get(tid, "?")
        kind = "intake" if name in INTAKE_THREADS else "workers" if name.startswith("tfreview-worker") else "rest"
        groups[kind] += spent - before.cpu.get(tid, 0.0)
    n = max(1, load.accepted)
    wal = database.with_name(database.name + "-wal")
    window = Window(
        taken_before=taken,
        accepted=load.accepted,
        failed=load.failed,
        seconds=seconds,
        intake_ms=groups["intake"] * 1000 / n,
        workers_ms=groups["workers"] * 1000 / n,
        rest_s=groups["rest"],
        total_ms=(after.process - before.process) * 1000 / n,
        calibration_us=speed,
        rss_mib=after.rss_kib / 1024,
        hwm_mib=after.hwm_kib / 1024,
        minflt=(after.minflt - before.minflt) / n,
        tracked=int(found["tracked"]),
        traced_mib=found["traced_bytes"] / 2**20 if "traced_bytes" in found else -1.0,
        wal_mib=(wal.stat().st_size if wal.exists() else 0) / 2**20,
        db_mib=database.stat().st_size / 2**20,
        jobs=jobs,
    )
    return window, found


def report(windows: list[Window], first: dict[str, Any], last: dict[str, Any], plans: list[list[str]]) -> None:
    print(
        "\n| window | taken before | 202s (failed) | s | CPU ms / delivery: all (intake, workers) | other threads ms/s "
        "| calibration µs | RSS / peak MiB | minor faults / delivery | GC-tracked objects | traced MiB "
        "| WAL / db MiB | jobs dead, queued, running |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, w in enumerate(windows, 1):
        traced = f"{w.traced_mib:.1f}" if w.traced_mib >= 0 else "—"
        print(
            f"| {n} | {w.taken_before} | {w.accepted} ({w.failed}) | {w.seconds:.1f} | {w.total_ms:.3f} "
            f"({w.intake_ms:.3f}, {w.workers_ms:.3f}) | {1000 * w.rest_s / max(1e-9, w.seconds):.1f} "
            f"| {w.calibration_us:.0f} "
            f"| {w.rss_mib:.0f} / {w.hwm_mib:.0f} | {w.minflt:.2f} | {w.tracked} | {traced} "
            f"| {w.wal_mib:.1f} / {w.db_mib:.0f} | {w.jobs.get('dead', 0)}, {w.jobs.get('queued', 0)}, "
            f"{w.jobs.get('running', 0)} |"
        )
    grown = collections.Counter(last["by_type"])
    grown.subtract(collections.Counter(first["by_type"]))
    print("\nGC-tracked objects by type, most grown from after window 1 to after the last window:")
    print("  " + ", ".join(f"{name} {count:+d}" for name, count in grown.most_common(12)))
    if "grown" in last:
        print("tracemalloc, the source lines grown most over the last window:")
        for line in last["grown"]:
            print(f"  {line}")
    distinct = {tuple(p) for p in plans}
    print(f"\nthe claim's plans after each window ({len(distinct)} distinct):")
    for line in plans[-1]:
        print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--windows", type=int, default=10)
    parser.add_argument("--per-window", type=int, default=10000, help="distinct deliveries per window")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=120.0, help="a window's flat-out run length at most")
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    parser.add_argument("--data-root", help="where the data directory is made (default: the temp dir)")
    parser.add_argument("--tracemalloc", action="store_true", help="PYTHONTRACEMALLOC=1 in the server (slower)")
    parser.add_argument("--keep", type=Path, help="move the aged data directory here at the end (a new path)")
    args = parser.parse_args()
    if not wrk_available():
        raise SystemExit("wrk is not installed: `apt-get install -y wrk`")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": SECRET}])
    env["PYTHONPATH"] = os.pathsep.join([str(HERE / "aging_probe"), *filter(None, [env.get("PYTHONPATH")])])
    if args.tracemalloc:
        env["PYTHONTRACEMALLOC"] = "1"
    with (
        tempfile.TemporaryDirectory(prefix="tfreview-bench-aging-", dir=args.data_root) as data_dir,
        tempfile.TemporaryDirectory(prefix="tfreview-bench-aging-load-") as load_dir,
    ):
        data, probe = Path(data_dir) / "data", Path(data_dir) / "probe"
        data.mkdir()
        probe.mkdir()
        env["AGING_PROBE_DIR"] = str(probe)
        argv = [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data)]
        windows: list[Window] = []
        plans: list[list[str]] = []
        with started(argv, env) as (url, pid):
            first = ask_probe(probe)
            taken = 0
            for n in range(args.windows):
                requests = Path(load_dir) / "window.bin"
                write_deliveries(requests, args.per_window, SECRET, first=n * args.per_window)
                window, last = one_window(args, url, pid, requests, data, probe, taken)
                if n == 0:
                    first = last
                taken += window.accepted
                windows.append(window)
                plans.append(claim_plans(data / "tfreview.db"))
                print(
                    f"window {n + 1}: {window.accepted} 202s, {window.total_ms:.3f} ms/delivery (intake "
                    f"{window.intake_ms:.3f}, workers {window.workers_ms:.3f}), RSS {window.rss_mib:.0f} MiB, "
                    f"{window.tracked} objects, WAL {window.wal_mib:.1f} MiB, jobs {window.jobs}, "
                    f"calibration {window.calibration_us:.0f} µs, load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                for line in last.get("grown", [])[:5]:  # with --tracemalloc, from the second window on
                    print(f"  grown: {line}", flush=True)
        report(windows, first, last, plans)
        if args.keep:
            shutil.move(data, args.keep)
            print(f"\nthe aged data directory: {args.keep}")


if __name__ == "__main__":
    main()
