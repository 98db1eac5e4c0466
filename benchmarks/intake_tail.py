"""Where the slowest 1 % of paced deliveries spend their time while the workers review (issue 13, r25-tail).

For each tree (`--src LABEL=PATH`, a `git archive`'s `src`; none: this worktree's), rounds interleaved: a `tfr-busy`
server (intake_busy.py: `serve` on SQLite, embedded workers reviewing terraform-aws-vpc pull requests in review
processes against the fake GitHub), wrk flat out with `--deliveries` (the review backlog, as intake.py), then a paced
run at `--rate` for `--paced-seconds` whose every request's scheduled start and answer are kept on CLOCK_MONOTONIC.
Meanwhile a sampler process (intake_tail_sampler.py) reads every `--every-ms` the scheduler's counters
(`/proc/<tid>/schedstat`: ns on a CPU, ns waiting on a run queue) of the server's event loop and intake writer, of the
paced client, and of the review processes, and which system call the event loop is blocked in
(`/proc/<tid>/syscall`: futex — the GIL or a lock —, epoll — idle —, or running); the server runs with
`benchmarks/tail_probe` (GC passes, review answers, job ends, timestamped).

Each request's window [scheduled start, answer] is then split: the loop on a CPU, the loop runnable but waiting for
a CPU, the loop blocked on a futex, the loop idle in epoll (the request not yet read: the client's side, or the
kernel's), the client's own run-queue wait, the review processes' and the other server threads' CPU, and the GC
passes and review-answer-to-job-end stretches that overlap it. Printed for the slowest 1 % against the middle
(p40–p60) of the same run.

    .venv/bin/python benchmarks/intake_tail.py --repeats 2 --src main=/tmp/r25-tail-base/src --src branch=src
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import math
import os
import pickle
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from intake_busy import busy_running
from intake_load import _exchange, _reusable, saturate
from intake_threads import thread_names

HERE = Path(__file__).resolve().parent
SECRET = "bench-" + uuid.uuid4().hex


@dataclass
class Samples:
    t: list[float] = field(default_factory=list)
    cols: list[list[float]] = field(default_factory=list)  # cumulative counters, ns
    kind: list[str] = field(default_factory=list)
    writer_kind: list[str] = field(default_factory=list)
    other_t: list[float] = field(default_factory=list)
    other: list[float] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Samples:
        found = cls()
        for line in path.read_text().split("\n"):
            if not line:
                continue
            parts = line.split()
            found.t.append(float(parts[0]))
            found.kind.append(parts[3])
            found.writer_kind.append(parts[11])
            found.cols.append([float(parts[i]) for i in (1, 2, 4, 5, 6, 7, 8, 9)])
            if int(parts[10]):
                found.other_t.append(float(parts[0]))
                found.other.append(float(parts[10]))
        return found

    def delta(self, column: int, begin: float, end: float) -> float:
        """ms of counter `column` between `begin` and `end` (linear between samples)."""
        return (self._at(column, end) - self._at(column, begin)) / 1e6

    def _at(self, column: int, at: float) -> float:
        i = bisect.bisect_left(self.t, at)
        if i <= 0:
            return self.cols[0][column]
        if i >= len(self.t):
            return self.cols[-1][column]
        t0, t1 = self.t[i - 1], self.t[i]
        v0, v1 = self.cols[i - 1][column], self.cols[i][column]
        return v0 + (v1 - v0) * (at - t0) / (t1 - t0) if t1 > t0 else v1

    def kinds(self, begin: float, end: float, writer: bool = False) -> dict[str, float]:
        """ms the loop (or the writer) spent in each sampled state between `begin` and `end` (each sample stands for
        the interval before it)."""
        states = self.writer_kind if writer else self.kind
        i, j = bisect.bisect_left(self.t, begin), bisect.bisect_right(self.t, end)
        spent = {"R": 0.0, "F": 0.0, "E": 0.0, "S": 0.0, "O": 0.0}
        for k in range(max(1, i), min(j + 1, len(self.t))):
            lo, hi = max(self.t[k - 1], begin), min(self.t[k], end)
            if hi > lo:
                spent[states[k]] += (hi - lo) * 1000
        return spent

    def others(self, begin: float, end: float) -> float:
        if len(self.other_t) < 2:
            return float("nan")

        def at(x: float) -> float:
            i = min(max(1, bisect.bisect_left(self.other_t, x)), len(self.other_t) - 1)
            t0, t1, v0, v1 = self.other_t[i - 1], self.other_t[i], self.other[i - 1], self.other[i]
            return v0 + (v1 - v0) * (x - t0) / (t1 - t0) if t1 > t0 else v1

        return (at(end) - at(begin)) / 1e6


# --- the paced client: each request's scheduled start and answer kept ------------------------------------------------


async def _paced(url: str, batch: list[bytes], rate: float) -> list[tuple[float, float, int]]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    done: list[tuple[float, float, int]] = []

    async def one(raw: bytes, scheduled: float) -> None:
        await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
        connection = _reusable(idle) or await asyncio.open_connection(host, port)
        try:
            status = await _exchange(*connection, raw)
        except (OSError, asyncio.IncompleteReadError):
            status = -1
            connection[1].close()
        else:
            idle.append(connection)
        done.append((scheduled, time.monotonic(), status))

    start = time.monotonic() + 0.2
    await asyncio.gather(*(one(raw, start + i / rate) for i, raw in enumerate(batch)))
    for _, writer in idle:
        writer.close()
    return done


# --- one round -------------------------------------------------------------------------------------------------------


@dataclass
class Round:
    label: str
    requests: list[tuple[float, float, int]]
    samples: Samples
    events: list[list[str]]
    reviews: int


def one_round(label: str, src: str | None, args: argparse.Namespace, folder: Path) -> Round:
    probe_out = folder / f"{label}-{uuid.uuid4().hex[:6]}.events"
    paths = [str(HERE / "tail_probe")] + ([str(Path(src).resolve())] if src else [])
    extra = {"PYTHONPATH": os.pathsep.join(paths), "TAIL_PROBE_OUT": str(probe_out)}
    counts = (args.deliveries, int(args.rate * args.paced_seconds))
    with busy_running(SECRET, *counts, extra=extra) as server:
        flat = saturate(server.url, server.flat_file, seconds=args.seconds, connections=32, threads=1, cycle=False)
        names = thread_names(server.pid)
        writer = next((tid for tid, name in names.items() if name == "tfreview-intake-writer"), 0)
        samples_out = folder / f"{label}-{uuid.uuid4().hex[:6]}.samples"
        argv = [sys.executable, str(HERE / "intake_tail_sampler.py"), str(samples_out), str(args.every_ms / 1000)]
        argv += [str(server.pid), str(writer), str(os.getpid())]
        sampler = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert sampler.stdout is not None
        sampler.stdout.readline()  # "sampling": its first look is taken
        requests = asyncio.run(_paced(server.url, server.fixed, args.rate))
        assert sampler.stdin is not None
        sampler.stdin.close()
        sampler.wait(60)
        os.kill(server.pid, signal.SIGUSR2)  # the probe writes its events now
        for _ in range(300):
            if probe_out.exists():
                break
            time.sleep(0.1)
    events = [line.split() for line in _lines(probe_out)]
    reviews = sum(1 for e in events if e[0] == "job" and e[2] == "review" and e[3] == "succeeded")
    print(
        f"{label}: flat-out {flat.per_second:.0f}/s ({flat.accepted} 202s), paced {len(requests)} requests, "
        f"{sum(1 for r in requests if r[2] != 202)} not 202; probe events {len(events)}; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return Round(label, requests, Samples.read(samples_out), events, reviews)


def _lines(path: Path) -> list[str]:
    try:
        return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    except OSError:
        return []


# --- the split -------------------------------------------------------------------------------------------------------

COLUMNS = (
    "latency",
    "loop on CPU",
    "loop waits for a CPU",
    "loop in futex (GIL/lock)",
    "loop idle in epoll",
    "loop in another system call",
    "client waits for a CPU",
    "writer on CPU",
    "writer waits for a CPU",
    "writer in futex (GIL/lock)",
    "writer in fsync/fdatasync",
    "review processes on CPU",
    "review processes wait",
    "other server threads on CPU",
    "GC in the window, the event loop's",
    "GC in the window, other threads'",
    "review handlers after their answer (the parent's share)",
    "publish handlers",
)


def split(found: Round, begin: float, end: float) -> list[float]:
    s = found.samples
    kinds = s.kinds(begin, end)
    writer = s.kinds(begin, end, writer=True)
    gc_loop = gc_other = share_ms = publish_ms = 0.0
    answers: dict[str, float] = {}

    def overlap(lo: float, hi: float) -> float:
        return max(0.0, min(hi, end) - max(lo, begin)) * 1000

    for event in found.events:
        if event[0] == "gc" and event[4] == "MainThread":
            gc_loop += overlap(float(event[2]), float(event[3]))
        elif event[0] == "gc":
            gc_other += overlap(float(event[2]), float(event[3]))
        elif event[0] == "answer":
            answers[event[2]] = float(event[1])
        elif event[0] == "handler" and event[1] == "review" and event[5] in answers:  # after its process answered
            share_ms += overlap(answers.pop(event[5]), float(event[3]))
        elif event[0] == "handler" and event[1] == "publish":
            publish_ms += overlap(float(event[2]), float(event[3]))
    return [
        (end - begin) * 1000,
        s.delta(0, begin, end),
        s.delta(1, begin, end),
        kinds["F"],
        kinds["E"],
        kinds["O"] + kinds["S"],
        s.delta(5, begin, end),
        s.delta(2, begin, end),
        s.delta(3, begin, end),
        writer["F"],
        writer["S"],
        s.delta(6, begin, end),
        s.delta(7, begin, end),
        s.others(begin, end),
        gc_loop,
        gc_other,
        share_ms,
        publish_ms,
    ]


def report(rounds: list[Round]) -> None:
    labels = list(dict.fromkeys(r.label for r in rounds))
    print("\nms per request, medians over the requests of each band (all rounds of a tree pooled)\n")
    print("| | " + " | ".join(f"{label}: slowest 1 %" + f" | {label}: p40–p60" for label in labels) + " |")
    print("|---|" + "---|---|" * len(labels))
    bands: dict[str, tuple[list[list[float]], list[list[float]]]] = {}
    for label in labels:
        slow: list[list[float]] = []
        middle: list[list[float]] = []
        for found in (r for r in rounds if r.label == label):
            ordered = sorted(found.requests, key=lambda r: r[1] - r[0])
            n = len(ordered)
            cut = max(1, n // 100)
            slow += [split(found, a, b) for a, b, _ in ordered[n - cut :]]
            middle += [split(found, a, b) for a, b, _ in ordered[int(n * 0.4) : int(n * 0.6)]]
        bands[label] = (slow, middle)
    for i, name in enumerate(COLUMNS):
        cells = []
        for label in labels:
            slow, middle = bands[label]
            cells += [_median([row[i] for row in slow]), _median([row[i] for row in middle])]
        print(f"| {name} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    print()
    for label in labels:
        mine = [r for r in rounds if r.label == label]
        p99s = []
        for found in mine:
            lat = sorted((b - a) * 1000 for a, b, _ in found.requests)
            p99s.append(lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))])
        waits = []
        for found in mine:
            s = found.samples
            on, wait = s.delta(0, s.t[0], s.t[-1]), s.delta(1, s.t[0], s.t[-1])
            rv = s.delta(6, s.t[0], s.t[-1])
            waits.append(f"loop {on:.0f} ms on CPU / {wait:.0f} ms waiting for one, review processes {rv:.0f} ms")
        shares = []
        for found in mine:
            answered: dict[str, float] = {}
            for event in found.events:
                if event[0] == "answer":
                    answered[event[2]] = float(event[1])
                elif event[0] == "handler" and event[5] in answered:
                    shares.append((float(event[3]) - answered.pop(event[5])) * 1000)
        cpu = {
            kind: _median([float(e[4]) for f in mine for e in f.events if e[0] == "handler" and e[1] == kind])
            for kind in ("review", "publish")
        }
        gcs = [(float(e[3]) - float(e[2]), e[4]) for f in mine for e in f.events if e[0] == "gc" and e[1] == "2"]
        print(
            f"{label}: handler thread CPU ms, median: review {cpu['review']:.1f}, publish {cpu['publish']:.1f}; "
            f"a review's answer to its handler's end, median {_median(shares):.1f} ms (max "
            f"{max(shares, default=float('nan')):.1f}); full GC passes {len(gcs)}, ms "
            f"{', '.join(f'{g * 1000:.0f} ({name})' for g, name in gcs[:8])}"
        )
        print(
            f"{label}: p99 by round {', '.join(f'{p:.1f}' for p in p99s)} ms; reviews done during the round "
            f"{', '.join(str(r.reviews) for r in mine)}; over each paced run: {'; '.join(waits)}"
        )


def _median(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--src", action="append", default=[], help="LABEL=PATH of a tree's src (repeatable)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--deliveries", type=int, default=6000, help="flat-out deliveries (the review backlog)")
    parser.add_argument("--seconds", type=float, default=5.0, help="flat-out run length at most")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--paced-seconds", type=float, default=10.0)
    parser.add_argument("--every-ms", type=float, default=1.0, help="the sampler's period")
    parser.add_argument("--keep", help="write the raw rounds (pickled) to this file")
    parser.add_argument("--report", help="only report the rounds a --keep file holds")
    args = parser.parse_args()
    if args.report:
        report(pickle.loads(Path(args.report).read_bytes()))
        return
    trees = [tuple(spec.split("=", 1)) for spec in args.src] or [("worktree", "")]
    load_before = os.getloadavg()
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-tail-") as folder:
        try:
            for _ in range(args.repeats):
                for label, src in trees:
                    rounds.append(one_round(label, src or None, args, Path(folder)))
        except KeyboardInterrupt:
            print("interrupted: the rounds so far", file=sys.stderr)
        if args.keep:  # the raw rounds, for `--report` again
            Path(args.keep).write_bytes(pickle.dumps(rounds))
        report(rounds)
    print(f"\nload average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
