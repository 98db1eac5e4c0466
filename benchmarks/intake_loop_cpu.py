"""The event loop's CPU per delivery of `tfreview serve --no-worker`, A/B between source trees, and its profile.

Issue 13: with the event loop saturating one core, the intake's throughput is about 1 / (intake threads' CPU
per delivery). On a loaded machine rates mean little; the CPU each thread spends per delivery (Linux counts
it per thread, /proc/<pid>/task/<tid>/stat) is steadier. Each round starts one server per tree (`--src
label=path`; alternated, fresh process and SQLite directory each), sends up to 300 deliveries of warm-up
(2 s), then wrk flat out with `--deliveries` pre-signed 28 KB pull_request deliveries (benchmarks/
intake_load.py), and prints per tree the CPU per accepted delivery of the event loop (`MainThread`), of the
group-commit writer, and of the whole process, with the medians over `--repeats` rounds. Every 202 must be a
stored row (checked: stored rows ≥ accepted). `--profile DIR` also records the event loop with py-spy (raw,
for flame graphs and `--summary` below) during one flat-out run per tree.

    .venv/bin/python benchmarks/intake_loop_cpu.py --src base=/tmp/main/src --src branch=src --repeats 3

wrk runs for exactly `--seconds` (benchmarks/intake.lua's own stop can wait up to its 60 s idle delay).
"""

from __future__ import annotations

import argparse
import collections
import re
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from intake_load import HERE, write_deliveries
from intake_servers import tfreview_server, tree_cpu_seconds
from intake_threads import py_spy, thread_cpu, thread_names

SECRET = "bench-" + uuid.uuid4().hex


def one_round(label: str, src: Path, warm: Path, flat: Path, args: argparse.Namespace) -> dict[str, float]:
    extra = {"PYTHONPATH": str(src.resolve())}
    with tfreview_server(SECRET, worker=False, postgres=None, extra=extra) as server:
        warmed = flat_out(server.url, warm, args, seconds=2.0)
        names = thread_names(server.pid)
        before, tree_before = thread_cpu(server.pid), tree_cpu_seconds(server.pid)
        spy = None
        if args.profile is not None:
            out = args.profile / f"{label}.raw"
            spy_argv = [py_spy() or "py-spy", "record", "-p", str(server.pid), "-d", str(args.profile_seconds)]
            spy_argv += ["-r", "250", "-f", "raw", "--threads", "--nonblocking", "-o", str(out)]
            spy = subprocess.Popen(spy_argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        accepted = flat_out(server.url, flat, args)
        after, tree_after = thread_cpu(server.pid), tree_cpu_seconds(server.pid)
        if spy is not None:
            spy.wait()
        rows = server.count_rows()
    by_name: dict[str, float] = collections.defaultdict(float)
    for tid, seconds in after.items():
        by_name[names.get(tid, "?")] += seconds - before.get(tid, 0.0)
    if rows < accepted + warmed:  # more is expected: wrk's clock can end before the last answers are counted
        print(f"  {label}: {rows} stored rows against {warmed} + {accepted} accepted", file=sys.stderr)
    accepted = max(accepted, 1)
    return {
        "accepted": accepted,
        "loop": 1000 * by_name["MainThread"] / accepted,
        "writer": 1000 * by_name["tfreview-intake-writer"] / accepted,
        "process": 1000 * (tree_after - tree_before) / accepted,
    }


def flat_out(url: str, flat: Path, args: argparse.Namespace, seconds: float | None = None) -> int:
    """wrk with benchmarks/intake.lua for exactly `--seconds` (the deliveries each sent once, then idle): how many
    were accepted (202). No rate: on a loaded machine it says little, and this run ends by the clock. wrk's -d
    ends it, so the last requests in flight (at most `--connections`) may go uncounted: they spent CPU not
    divided by, an error below 1 % at 4,000 deliveries."""
    seconds = seconds or args.seconds
    argv = ["wrk", "-t1", f"-c{args.connections}", f"-d{seconds:g}s", "--timeout", "30s"]
    argv += ["-s", str(HERE / "intake.lua"), url, "--", str(flat), "1", f"{seconds:g}"]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=seconds + 60)
    match = re.search(r"RESULT (.*)", done.stdout)
    if match is None:
        raise SystemExit(f"wrk failed: {done.stdout}\n{done.stderr}")
    fields = dict(part.split("=") for part in match.group(1).split())
    if int(fields["failed"]):
        print(f"  {fields['failed']} failed requests", file=sys.stderr)
    return int(fields["accepted"])


def summary(raw: Path, top: int) -> None:
    """The share of MainThread samples in which each function is on the stack (py-spy's raw format)."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if "MainThread" not in stack.split(";", 1)[0]:
            continue
        total += int(n)
        for frame in set(stack.split(";")[1:]):
            counts[frame] += int(n)
    print(f"{raw.name}: {total} MainThread samples")
    for frame, hits in counts.most_common(top):
        print(f"  {100 * hits / total:5.1f} %  {frame}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--src", action="append", default=[], help="label=path of a tree's src (repeatable)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--deliveries", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=10.0, help="the flat-out run's length (wrk -d)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--profile", type=Path, help="record the server with py-spy into this directory")
    parser.add_argument("--profile-seconds", type=int, default=3)
    parser.add_argument("--summary", type=Path, help="only print the summary of a py-spy raw file")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    if args.summary is not None:
        summary(args.summary, args.top)
        return 0
    trees = [(part.split("=", 1)[0], Path(part.split("=", 1)[1])) for part in args.src or ["branch=src"]]
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[dict[str, float]]] = collections.defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="tfreview-loop-cpu-") as scratch:
        for n in range(args.repeats):
            for label, src in trees if n % 2 == 0 else list(reversed(trees)):
                warm, flat = Path(scratch) / "warm.bin", Path(scratch) / "flat.bin"
                write_deliveries(warm, 300, SECRET, first=0)
                write_deliveries(flat, args.deliveries, SECRET, first=1000)
                found = one_round(label, src, warm, flat, args)
                results[label].append(found)
                print(
                    f"round {n + 1} {label}: {found['accepted']:.0f} accepted, ms CPU per delivery: event loop "
                    f"{found['loop']:.3f}, writer {found['writer']:.3f}, process {found['process']:.3f}",
                    flush=True,
                )
    for label, rounds in results.items():

        def median(key: str, rounds: list[dict[str, float]] = rounds) -> float:
            return statistics.median(r[key] for r in rounds)

        loops = ", ".join(f"{r['loop']:.3f}" for r in rounds)
        print(
            f"{label}: median event loop {median('loop'):.3f} ms ({loops}), writer {median('writer'):.3f}, "
            f"process {median('process'):.3f} ms per delivery"
        )
    if args.profile is not None:
        for label, _ in trees:
            summary(args.profile / f"{label}.raw", args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
