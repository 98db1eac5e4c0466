"""How long a woken normal thread waits for a CPU while CPU-bound processes run beside it: niced by 10 (ADR 0689's
review processes before r25-tail) against SCHED_IDLE besides (ADR 0755), and with none, interleaved in one run.

The mechanism of issue 13's tail with the workers busy, without tfreview's stack around it: `--busy` processes spin
(as a review process parses) under the policy of the block; a sender writes its CLOCK_MONOTONIC time into a pipe
every `--period-ms`; a receiver (a normal process, as the server's event loop is) blocks in `read` and notes how late
it woke. Blocks of `--wakes` alternate between the modes, `--repeats` times; the percentiles pool each mode's blocks.

    .venv/bin/python benchmarks/wake_latency.py --busy 2 --wakes 1000 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import sys
import time
from multiprocessing import Pipe, Process
from multiprocessing.connection import Connection

MODES = ("none", "nice10", "nice10+idle")


def _spin(mode: str) -> None:
    os.nice(10)
    if mode == "nice10+idle":
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    x = 0
    while True:  # ended by SIGTERM
        x = (x * 31 + 7) % 1_000_003


def _receive(fd: int, count: int, out: Connection) -> None:
    late = []
    for _ in range(count):
        data = os.read(fd, 8)
        late.append((time.monotonic() - struct.unpack("d", data)[0]) * 1000)
    out.send(late)


def block(mode: str, busy: int, wakes: int, period: float) -> list[float]:
    spinners = [] if mode == "none" else [Process(target=_spin, args=(mode,), daemon=True) for _ in range(busy)]
    for spinner in spinners:
        spinner.start()
    time.sleep(0.5)  # the spinners are spinning
    read_end, write_end = os.pipe()
    ours, theirs = Pipe()
    receiver = Process(target=_receive, args=(read_end, wakes, theirs))
    receiver.start()
    time.sleep(0.2)
    next_at = time.monotonic()
    for _ in range(wakes):
        next_at += period
        time.sleep(max(0.0, next_at - time.monotonic()))
        os.write(write_end, struct.pack("d", time.monotonic()))
    late: list[float] = ours.recv()
    receiver.join()
    for spinner in spinners:
        spinner.terminate()
        spinner.join()
    os.close(read_end)
    os.close(write_end)
    return late


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 2, help="spinning processes per block")
    parser.add_argument("--wakes", type=int, default=1000, help="wakes per block")
    parser.add_argument("--repeats", type=int, default=3, help="blocks per mode, interleaved")
    parser.add_argument("--period-ms", type=float, default=5.0, help="time between two wakes")
    args = parser.parse_args()
    if not hasattr(os, "SCHED_IDLE"):
        raise SystemExit("no SCHED_IDLE here (Linux only)")
    found: dict[str, list[float]] = {mode: [] for mode in MODES}
    rounds: dict[str, list[float]] = {mode: [] for mode in MODES}
    print(f"load average before {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs; {args.busy} spinning", flush=True)
    for repeat in range(args.repeats):
        for mode in MODES:
            late = block(mode, args.busy, args.wakes, args.period_ms / 1000)
            found[mode] += late
            rounds[mode].append(_pct(late, 99))
            print(
                f"block {repeat + 1} {mode}: p50 {statistics.median(late):.3f} ms, p99 {_pct(late, 99):.3f} ms, "
                f"max {max(late):.3f} ms; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    print("\n| spinning processes | wakes | p50 ms | p90 ms | p99 ms (by block) | p99.9 ms |")
    print("|---|---|---|---|---|---|")
    for mode in MODES:
        late = found[mode]
        by_block = ", ".join(f"{p:.2f}" for p in rounds[mode])
        print(
            f"| {mode} | {len(late)} | {statistics.median(late):.3f} | {_pct(late, 90):.3f} | "
            f"{_pct(late, 99):.2f} ({by_block}) | {_pct(late, 99.9):.2f} |"
        )
    print(f"\nload average after {os.getloadavg()[0]:.2f}", file=sys.stdout)


if __name__ == "__main__":
    main()
