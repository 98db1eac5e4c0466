"""Webhook intake at the durable-write limit: tfreview beside a bare endpoint and a naive prototype (`make bench`).

In ONE run, each repeated (`--repeats`, medians reported), every server freshly started as its own
process on 127.0.0.1 with the same uvicorn settings (see intake_servers.py):
  bare       FastAPI + uvicorn, reads the body, answers 202: the framework's floor;
  naive      + HMAC check + ONE INSERT into SQLite (WAL, synchronous=FULL) before the 202;
  tfr        `tfreview serve` on SQLite, embedded workers on (reviewing what the load queues);
  tfr-base   `tfr` run from another tree's `src` (`--base-src`, e.g. main's: `git archive main src | tar -x -C
             /tmp/main-src` then `--base-src /tmp/main-src/src`): an A/B in the same run; only with --base-src;
  tfr-nowork `tfreview serve --no-worker` on SQLite;
  tfr-pg     `tfreview serve --no-worker` on a fresh PostgreSQL database of $TFREVIEW_BENCH_POSTGRES_URL
             (or $TFREVIEW_TEST_POSTGRES_URL; skipped, and said so, when neither is set);
  tfr-busy   `tfr` with a GitHub App against the test suite's fake GitHub on loopback, every delivery a pull
             request it serves: the workers fetch, review and publish (intake_busy.py). Only when named in
             --only; after its paced run it prints the reviews finished during it and the CPU split over it;
  tfr-busy-apart  the same reviewing load with `serve --no-worker` and a `tfreview worker` process on its
             database (the server's CPU is then intake only; the worker process's is printed beside it);
  tfr-busy-threads, tfr-busy-apart-threads  the same two with `worker.review_process` off: the reviews' fetch
             and rules on the worker threads, as before ADR 0689 (the A/B of the review processes).
  tfr-busy-plans  `tfr` whose workers review a backlog of uploaded plans (`--plans` uploads of a generated plan of
             `--plan-resources` resources, queued before the round: intake_plans.py) — what a Spacelift run's
             review is; tfr-busy-plans-threads: the same with `worker.review_process` off (ADR 0702's A/B);
             tfr-busy-plans-base: tfr-busy-plans run from `--base-src` (only with it).
  tfr-busy-pg  `tfr-busy` on a fresh PostgreSQL database (as tfr-pg's), the embedded workers reviewing.
  tfr-busy-base  `tfr-busy` run from `--base-src` (only with it): the A/B of a change to the reviewing side.
  tfr-busy-idle  `tfr-busy` with `worker.review_process_idle_scheduling` on (review processes under SCHED_IDLE,
             ADR 0755): the A/B of that setting.
Each server gets (1) wrk flat out with pre-signed 28 KB pull_request deliveries, each sent once
(`--seconds` at most, `--connections` in flight): throughput of 202s and the server's CPU per delivery
(user + system of its process tree, /proc/<pid>/stat); then (2) a constant `--rate` for `--paced-seconds`
with latency from the scheduled start — for `tfr` while its workers chew through the backlog the flat-out
run queued. Afterwards the stored delivery rows are counted against the 202s (they must be equal).
tfreview's CPU is also split by thread: the intake threads (event loop, group-commit writer) apart from the embedded
workers reviewing (intake_threads.py); the threads are named by py-spy, which the benchmark needs (`make bench`
installs it; without it the benchmark says so and stops, where it printed NaN as the intake threads' share).
Each round also prints the server's user/system split, page faults and context switches of the flat-out run and
the machine's steal/iowait/reclaim over it (intake_drift.py); `--drop-caches` (root) starts every round from a
dropped page cache, `--data-root /dev/shm` puts the fresh data dirs on tmpfs: for the round-over-round drift.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from intake_busy import BusyRunning, busy_running, job_states
from intake_drift import (
    Split,
    calibrate,
    database_shape,
    drop_caches,
    neighbours,
    sample,
    split,
    thread_split,
    threads_line,
)
from intake_load import Load, paced, read_deliveries, saturate, write_deliveries, wrk_available
from intake_plans import PlanBacklog, PlansRunning, plans_running
from intake_servers import Running, simple_server, tfreview_server, tree_cpu_seconds
from intake_threads import intake_seconds, py_spy, thread_cpu, thread_names

SECRET = "bench-" + uuid.uuid4().hex
TARGETS = (
    "bare",
    "naive",
    "tfr",
    "tfr-base",
    "tfr-nowork",
    "tfr-pg",
    "tfr-busy-base",
    "tfr-busy",
    "tfr-busy-idle",
    "tfr-busy-apart",
    "tfr-busy-threads",
    "tfr-busy-apart-threads",
    "tfr-busy-plans-base",
    "tfr-busy-plans",
    "tfr-busy-plans-threads",
    "tfr-busy-pg",
)
IDLE_SCHEDULING = {"TFREVIEW_WORKER__REVIEW_PROCESS_IDLE_SCHEDULING": "true"}  # tfr-busy-idle (ADR 0755)
# run only when named in --only (the default run stays what it was)
OPT_IN = (
    "tfr-busy-base",
    "tfr-busy",
    "tfr-busy-idle",
    "tfr-busy-apart",
    "tfr-busy-threads",
    "tfr-busy-apart-threads",
    "tfr-busy-plans-base",
    "tfr-busy-plans",
    "tfr-busy-plans-threads",
    "tfr-busy-pg",
)
GOALS = "≥ 650/s and ≤ 1.5 ms CPU (tfr), p99 ≤ 20 ms at 100/s (tfr), ≥ 500/s and p99 ≤ 30 ms (tfr-pg)"


@dataclass(frozen=True)
class Round:
    target: str
    flat: Load
    cpu_ms: float  # server CPU per accepted delivery during the flat-out run
    intake_ms: float  # of which the intake threads' (event loop, writer; intake_threads.py); NaN: no py-spy
    fixed: Load
    rows: int  # stored delivery rows; -1 where the server stores nothing
    # PostgreSQL only (NaN elsewhere): its backends' CPU per accepted delivery during the flat-out run, and its
    # background processes' (WAL writer, checkpointer…; server-wide) — they share the 2 cores with tfreview
    database_ms: float = float("nan")
    background_ms: float = float("nan")
    ended_jobs: int = -1  # tfreview on SQLite: jobs its workers finished by the end of the flat-out run (else -1)
    split: Split | None = None  # the server process's user/system CPU, faults and switches (intake_drift.py)
    speed_us: float = float("nan")  # a fixed CPU loop's µs just before the flat-out run (intake_drift.calibrate)
    paced_reviews: int = -1  # tfr-busy: review jobs that succeeded during the paced run (else -1)


def _servers(
    postgres: str | None,
    base_src: str | None = None,
    root: str | None = None,
    counts: tuple[int, int] = (0, 0),
    backlog: Callable[[], PlanBacklog] | None = None,
) -> dict[str, Callable[[], contextlib.AbstractContextManager[Running]]]:
    servers: dict[str, Callable[[], contextlib.AbstractContextManager[Running]]] = {
        "bare": lambda: simple_server("bare", SECRET),
        "naive": lambda: simple_server("naive", SECRET),
        "tfr": lambda: tfreview_server(SECRET, worker=True, postgres=None, data_root=root),
        "tfr-nowork": lambda: tfreview_server(SECRET, worker=False, postgres=None, data_root=root),
        "tfr-busy": lambda: busy_running(SECRET, *counts, data_root=root),
        "tfr-busy-idle": lambda: busy_running(SECRET, *counts, data_root=root, extra=IDLE_SCHEDULING),
        "tfr-busy-apart": lambda: busy_running(SECRET, *counts, data_root=root, apart=True),
        "tfr-busy-threads": lambda: busy_running(SECRET, *counts, data_root=root, review_process=False),
        "tfr-busy-apart-threads": lambda: busy_running(
            SECRET, *counts, data_root=root, apart=True, review_process=False
        ),
    }
    if backlog is not None:
        servers["tfr-busy-plans"] = lambda: plans_running(SECRET, backlog(), data_root=root)
        servers["tfr-busy-plans-threads"] = lambda: plans_running(
            SECRET, backlog(), data_root=root, review_process=False
        )
    if base_src:
        base = {"PYTHONPATH": str(Path(base_src).resolve())}
        servers["tfr-base"] = lambda: tfreview_server(SECRET, worker=True, postgres=None, extra=base, data_root=root)
        servers["tfr-busy-base"] = lambda: busy_running(SECRET, *counts, data_root=root, extra=base)
        if backlog is not None:
            servers["tfr-busy-plans-base"] = lambda: plans_running(SECRET, backlog(), data_root=root, extra=base)
    if postgres:
        servers["tfr-pg"] = lambda: tfreview_server(SECRET, worker=False, postgres=postgres)
        servers["tfr-busy-pg"] = lambda: busy_running(SECRET, *counts, postgres=postgres)
    return servers


def one_round(target: str, server: Running, flat_file: Path, fixed: list[bytes], args: argparse.Namespace) -> Round:
    if isinstance(server, BusyRunning):  # its deliveries name the pull requests of its own fake GitHub
        flat_file, fixed = server.flat_file, server.fixed
    database_before = server.database_cpu() if server.database_cpu is not None else None
    before = tree_cpu_seconds(server.pid)
    threads_before = thread_cpu(server.pid)
    speed = calibrate()
    process_before, split_before = sample(server.pid), thread_split(server.pid)
    around_before = neighbours()
    flat = saturate(
        server.url,
        flat_file,
        seconds=args.seconds,
        connections=args.connections,
        threads=args.threads,
        cycle=target == "bare",
    )
    cpu = tree_cpu_seconds(server.pid) - before
    process_after, split_after = sample(server.pid), thread_split(server.pid)
    around = neighbours().line(around_before)
    ended = server.ended_jobs() if server.ended_jobs is not None else -1  # before py-spy's look takes its time
    threads_after = thread_cpu(server.pid)
    database_s = background_s = float("nan")
    if server.database_cpu is not None and database_before is not None:
        database_s, background_s = server.database_cpu().since(database_before)
    names = thread_names(server.pid) if target.startswith("tfr") else {}
    spent = split(process_before, process_after, flat.accepted)
    print(f"  flat-out: {spent.line()}; the calibration loop took {speed:.0f} µs CPU before it", flush=True)
    print(f"  beside it: {around}", flush=True)
    if args.split_threads:
        print(f"  threads (user/system s): {threads_line(split_before, split_after, names)}", flush=True)
    intake = intake_seconds(threads_before, threads_after, names) if names else None
    if not target.startswith("tfr"):
        intake = cpu  # the bare endpoint and the prototype do nothing but intake
    busy_before = _busy_sample(server)
    steady = paced(server.url, fixed, args.rate)
    reviews = _busy_report(server, busy_before, names)
    cpu_ms = cpu * 1000 / max(1, flat.accepted)
    intake_ms = float("nan") if intake is None else intake * 1000 / max(1, flat.accepted)
    database_ms = database_s * 1000 / max(1, flat.accepted)
    background_ms = background_s * 1000 / max(1, flat.accepted)
    rows = server.count_rows()
    if args.observe:
        print(f"  observed before exit: {observe(server.pid)}", flush=True)
        if server.data is not None:
            print(f"  its database: {database_shape(server.data)}", flush=True)
    return Round(
        target,
        flat,
        cpu_ms,
        intake_ms,
        steady,
        rows,
        database_ms,
        background_ms,
        ended_jobs=ended,
        split=spent,
        speed_us=speed,
        paced_reviews=reviews,
    )


_BusySample = tuple[dict[str, int], tuple[int, int], dict[int, float], float, float, float]


def _busy_sample(server: Running) -> _BusySample | None:
    """tfr-busy(-plans): its jobs by state, what the fake GitHub holds, its threads' CPU and its tree's CPU, now."""
    if not isinstance(server, (BusyRunning, PlansRunning)):
        return None
    states = job_states(server)
    states["_review_succeeded"] = _succeeded(server, "review")
    busy = server if isinstance(server, BusyRunning) else None
    return (
        states,
        busy.github.published() if busy is not None else (0, 0),
        thread_cpu(server.pid),
        tree_cpu_seconds(server.pid),
        tree_cpu_seconds(busy.worker) if busy is not None and busy.worker is not None else 0.0,
        time.perf_counter(),
    )


def _busy_report(server: Running, before: _BusySample | None, names: dict[int, str]) -> int:
    """Print what the workers did during the paced run and the CPU split over it; the reviews that succeeded."""
    if before is None or not isinstance(server, (BusyRunning, PlansRunning)):
        return -1
    after = _busy_sample(server)
    assert after is not None
    states_before, (comments_before, runs_before), threads_before, tree_before, worker_before, began = before
    states, (comments, runs), threads, tree, worker, ended = after
    # a review job that succeeded queues a publish job; `succeeded` counts both kinds: reviews are counted apart
    reviews = states["_review_succeeded"] - states_before["_review_succeeded"]
    intake = intake_seconds(threads_before, threads, names)
    total = tree - tree_before
    shown = "NaN" if intake is None else f"{intake:.2f}"
    rest = "NaN" if intake is None else f"{total - intake:.2f}"
    # the server's own threads (still running at both ends) against its tree: what its review processes spent
    own = sum(threads[tid] - threads_before[tid] for tid in threads if tid in threads_before)
    print(
        f"  paced ({ended - began:.1f} s) with workers reviewing: {reviews} reviews succeeded, "
        f"{comments - comments_before} comments and {runs - runs_before} check runs published; "
        f"jobs before {_states(states_before)}, after {_states(states)}; CPU {total:.2f} s: intake threads "
        f"{shown} s, the rest (workers…) {rest} s, of which its child processes (review processes) "
        f"~{max(0.0, total - own):.2f} s; the worker process {worker - worker_before:.2f} s",
        flush=True,
    )
    return reviews


def _succeeded(server: Running, kind: str) -> int:
    if server.database_url is not None:
        import psycopg

        with psycopg.connect(server.database_url) as pg:
            found = pg.execute("SELECT count(*) FROM jobs WHERE kind = %s AND state = 'succeeded'", (kind,)).fetchone()
            return int(found[0]) if found else 0
    assert server.data is not None
    database = next(server.data.glob("*.db"))
    with contextlib.closing(sqlite3.connect(database)) as connection:
        row = connection.execute("SELECT count(*) FROM jobs WHERE kind = ? AND state = 'succeeded'", (kind,)).fetchone()
        return int(row[0])


def _states(states: dict[str, int]) -> str:
    return ", ".join(f"{state} {count}" for state, count in sorted(states.items()) if not state.startswith("_"))


def _meminfo(*names: str) -> str:
    found = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return ", ".join(f"{name} {int(found[name].split()[0]) // 1024} MiB" for name in names)


def observe(pid: int | None) -> str:
    """What a round leaves behind, for the round-over-round drift: with `pid` (the server, still running) its
    threads and the files of its data directory; without, what is left once it exited (processes, threads,
    benchmark directories in the temp dir); both with the kernel's dirty and writeback pages."""
    parts = [
        _meminfo("Dirty", "Writeback", "Cached"),
        f"{_written_mib():.0f} MiB written to disk so far (all disks)",
        f"fsync of 4 KiB in the temp dir {_fsync_ms():.2f} ms (median of 20)",
    ]
    if pid is not None:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        parts.append(f"{len(os.listdir(f'/proc/{pid}/task'))} threads")
        if b"--data-dir" in argv:
            data = Path(argv[argv.index(b"--data-dir") + 1].decode())
            parts += [f"{f.name} {f.stat().st_size // 1024} KiB" for f in sorted(data.iterdir()) if f.is_file()]
    else:
        tasks = sum(len(os.listdir(f"/proc/{p}/task")) for p in os.listdir("/proc") if p.isdigit() and _exists(p))
        left = [p for p in os.listdir("/proc") if p.isdigit() and _parent(p) == os.getpid()]
        parts.append(f"{tasks} threads on the machine, this run's child processes left {len(left)}")
        dirs = len(list(Path(tempfile.gettempdir()).glob("tfreview-bench-*")))
        parts.append(f"{dirs} benchmark dirs in the temp dir")
    return "; ".join(parts)


def _fsync_ms() -> float:
    """The disk's commit latency now, as SQLite's synchronous=FULL pays it: 4 KiB appended and fsynced, 20 times."""
    times = []
    with tempfile.NamedTemporaryFile(prefix="tfreview-bench-fsync-") as probe:
        for _ in range(20):
            probe.write(b"x" * 4096)
            probe.flush()
            begun = time.perf_counter()
            os.fsync(probe.fileno())
            times.append((time.perf_counter() - begun) * 1000)
    return statistics.median(times)


def _written_mib() -> float:
    """Sectors (512 bytes) written to the machine's whole disks since boot, from /proc/diskstats (partitions and
    device-mapper/loop devices left out so nothing is counted twice)."""
    sectors = 0
    for line in Path("/proc/diskstats").read_text().splitlines():
        fields = line.split()
        name = fields[2]
        if name.startswith(("loop", "ram", "dm-", "sr")) or Path(f"/sys/block/{name}").exists() is False:
            continue
        sectors += int(fields[9])
    return sectors * 512 / 2**20


def _exists(pid: str) -> bool:
    return Path(f"/proc/{pid}/task").exists()


def _parent(pid: str) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(rounds: list[Round], load_before: tuple[float, ...], load_after: tuple[float, ...]) -> None:
    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min); {os.cpu_count()} CPUs")
    print(f"goals: {GOALS}\n")
    print(
        "| server | saturated /s | CPU ms per delivery (all threads) | of which intake threads "
        "| p50 / p99 ms at fixed rate | 2xx vs stored rows |"
    )
    print("|---|---|---|---|---|---|")
    medians: dict[str, tuple[float, float, float]] = {}
    for target in TARGETS:
        mine = [r for r in rounds if r.target == target]
        if not mine:
            continue
        rate = _median([r.flat.per_second for r in mine])
        cpu = _median([r.cpu_ms for r in mine])
        intake = _median([r.intake_ms for r in mine])
        p50 = _median([r.fixed.p50_ms for r in mine])
        p99 = _median([r.fixed.p99_ms for r in mine])
        medians[target] = (rate, cpu, p99)
        acked = [r.flat.accepted + r.fixed.accepted for r in mine]
        failed = sum(r.flat.failed + r.fixed.failed for r in mine)
        stored = [r.rows for r in mine]
        if stored[0] < 0:
            check = f"{sum(acked)} 202s, nothing stored"
        else:
            check = f"{sum(acked)} 202s = {sum(stored)} rows" if acked == stored else f"MISMATCH {acked} vs {stored}"
        if failed:
            check += f"; {failed} failed"
        spread = ", ".join(f"{r.flat.per_second:.0f}" for r in mine)
        print(f"| {target} | {rate:.0f} ({spread}) | {cpu:.2f} | {intake:.2f} | {p50:.1f} / {p99:.1f} | {check} |")
    print()
    print(
        "| server | user + system ms per delivery, by round | minor faults per delivery | invol. switches "
        "| calibration loop µs CPU before the round |"
    )
    print("|---|---|---|---|---|")
    for target in TARGETS:
        parts = [r.split for r in rounds if r.target == target and r.split is not None]
        if parts:
            cpu = ", ".join(f"{p.user_ms:.2f} + {p.system_ms:.2f}" for p in parts)
            faults = ", ".join(f"{p.minflt:.1f}" for p in parts)
            switches = ", ".join(f"{p.involuntary:.2f}" for p in parts)
            speeds = ", ".join(f"{r.speed_us:.0f}" for r in rounds if r.target == target)
            print(f"| {target} | {cpu} | {faults} | {switches} | {speeds} |")
    print()
    on_postgres = [t for t in TARGETS if any(r.target == t and not math.isnan(r.database_ms) for r in rounds)]
    if on_postgres:
        print("| server | PostgreSQL backends' CPU ms per delivery | its background processes' (server-wide) |")
        print("|---|---|---|")
        for target in on_postgres:
            mine = [r for r in rounds if r.target == target]
            database = _median([r.database_ms for r in mine])
            background = _median([r.background_ms for r in mine])
            spread = ", ".join(f"{r.database_ms:.2f}" for r in mine)
            print(f"| {target} | {database:.2f} ({spread}) | {background:.2f} |")
        print()
    _busy_line(rounds)
    for target, (rate, cpu, p99) in medians.items():
        for floor in ("bare", "naive"):
            if floor in medians and target != floor and not (target == "bare" and floor == "naive"):
                base = medians[floor]
                print(
                    f"{target} / {floor}: throughput ×{rate / base[0]:.2f}, CPU per delivery ×{cpu / base[1]:.2f}, "
                    f"p99 ×{p99 / base[2]:.1f}"
                )


def _busy_line(rounds: list[Round]) -> None:
    busy = [r for r in rounds if r.paced_reviews >= 0]
    if busy:
        reviews = ", ".join(f"{r.target} {r.paced_reviews}" for r in busy)
        print(f"reviews that succeeded during each paced run, round by round: {reviews}\n")


@contextlib.contextmanager
def _request_files(args: argparse.Namespace) -> Iterator[tuple[Path, list[bytes]]]:
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-load-") as folder:
        flat_file = Path(folder) / "flat.bin"
        fixed_file = Path(folder) / "fixed.bin"
        size = write_deliveries(flat_file, args.deliveries, SECRET, first=0)
        write_deliveries(fixed_file, int(args.rate * args.paced_seconds), SECRET, first=args.deliveries)
        print(f"{args.deliveries} + {int(args.rate * args.paced_seconds)} signed deliveries of {size} bytes")
        yield flat_file, read_deliveries(fixed_file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=3, help="rounds per server (medians are reported)")
    parser.add_argument("--seconds", type=float, default=5.0, help="flat-out run length at most")
    parser.add_argument("--deliveries", type=int, default=6000, help="distinct deliveries in the flat-out run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (requests in flight)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--rate", type=float, default=100.0, help="deliveries per second in the paced run")
    parser.add_argument("--paced-seconds", type=float, default=10.0, help="length of the paced run")
    parser.add_argument("--plans", type=int, default=200, help="tfr-busy-plans: uploads queued before each round")
    parser.add_argument("--plan-resources", type=int, default=1000, help="tfr-busy-plans: resources of each plan")
    parser.add_argument("--only", help="comma-separated subset of " + ",".join(TARGETS))
    parser.add_argument(
        "--observe",
        action="store_true",
        help="after each round: the server's files and threads, dirty pages, leftovers",
    )
    parser.add_argument("--base-src", help="a tree's src directory to run as tfr-base beside tfr (an A/B)")
    parser.add_argument(
        "--drop-caches",
        action="store_true",
        help="sync and drop the machine's page cache before each round (root; affects everything on the machine)",
    )
    parser.add_argument("--data-root", help="make each tfreview round's fresh data dir here (e.g. /dev/shm: tmpfs)")
    parser.add_argument(
        "--split-threads", action="store_true", help="print each round's user/system seconds by thread kind"
    )
    args = parser.parse_args()
    if not wrk_available():
        raise SystemExit("wrk is not installed: `apt-get install -y wrk` (make bench does it as root)")
    if py_spy() is None:  # without it the intake threads cannot be told from the workers: the split is NaN
        raise SystemExit(
            "py-spy is not installed: `.venv/bin/uv pip install --python .venv/bin/python py-spy` (make bench does "
            "it); it names the server's threads, which the intake/worker split of the CPU needs"
        )
    postgres = os.environ.get("TFREVIEW_BENCH_POSTGRES_URL") or os.environ.get("TFREVIEW_TEST_POSTGRES_URL")
    if not postgres:
        print("tfr-pg skipped: set TFREVIEW_BENCH_POSTGRES_URL to an admin URL of a PostgreSQL server", file=sys.stderr)
    counts = (args.deliveries, int(args.rate * args.paced_seconds))
    made: list[PlanBacklog] = []

    def backlog() -> PlanBacklog:  # made once, at the first round that needs it
        if not made:
            made.append(PlanBacklog(SECRET, args.plans, args.plan_resources, args.data_root))
        return made[0]

    servers = _servers(postgres, args.base_src, args.data_root, counts, backlog)
    named = args.only.split(",") if args.only else []
    wanted = [t for t in TARGETS if t in servers and (t in named or (not named and t not in OPT_IN))]
    load_before = os.getloadavg()
    rounds: list[Round] = []
    try:
        _run(args, servers, wanted, rounds)
    except KeyboardInterrupt:  # Ctrl-C: still report what was measured
        _interrupted(rounds, load_before)
        return
    finally:
        for template in made:
            template.close()
    report(rounds, load_before, os.getloadavg())


def _run(
    args: argparse.Namespace,
    servers: dict[str, Callable[[], contextlib.AbstractContextManager[Running]]],
    wanted: list[str],
    rounds: list[Round],
) -> None:
    with _request_files(args) as (flat_file, fixed):
        for repeat in range(args.repeats):
            for target in wanted:  # interleaved: each repeat sees every server under similar load
                if args.drop_caches:
                    drop_caches()
                with servers[target]() as server:
                    found = one_round(target, server, flat_file, fixed, args)
                rounds.append(found)
                if args.observe:
                    print(f"  observed after exit: {observe(None)}", flush=True)
                print(
                    f"round {repeat + 1} {target}: {found.flat.per_second:.0f}/s, {found.cpu_ms:.2f} CPU ms "
                    f"(intake threads {found.intake_ms:.2f}{_database_part(found)}), "
                    f"p99 {found.fixed.p99_ms:.1f} ms at {args.rate:g}/s, "
                    f"202s {found.flat.accepted + found.fixed.accepted}, rows {found.rows}, "
                    f"failed {found.flat.failed + found.fixed.failed}{_jobs_part(found)}, "
                    f"load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                for line in (*found.flat.said, *found.fixed.said):  # what each failed one was
                    print(f"  failed: {line}", flush=True)


def _jobs_part(found: Round) -> str:
    if found.ended_jobs < 0:
        return ""
    return f", jobs finished by the end of the flat-out run {found.ended_jobs}"


def _database_part(found: Round) -> str:
    if math.isnan(found.database_ms):  # not on PostgreSQL
        return ""
    return f"; PostgreSQL backends {found.database_ms:.2f}, background {found.background_ms:.2f}"


def _interrupted(rounds: list[Round], load_before: tuple[float, ...]) -> None:
    print("\ninterrupted: the rounds completed so far", file=sys.stderr)
    report(rounds, load_before, os.getloadavg())


if __name__ == "__main__":
    main()
