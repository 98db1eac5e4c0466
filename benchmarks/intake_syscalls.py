"""System calls per webhook delivery of the real `tfreview serve --no-worker`, by tree (issue 13, intake11).

Instructions (callgrind) do not see the kernel: a write() or getrandom() saved is invisible to
`intake_loop_instructions.py`, and CPU time on a loaded machine is noisy. `strace -f -c` is attached to the
server after `--warm` deliveries and counts the system calls of every thread while `--deliveries` signed 28 KB
pull_request deliveries are sent at `--rate` per second (every answer awaited); the counts are divided by the
deliveries. Trees alternate with `--src label=path`.

    .venv/bin/python benchmarks/intake_syscalls.py --src main=/tmp/main/src --src branch=src
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from intake_load import paced, read_deliveries, write_deliveries
from intake_servers import started

SECRET = "bench-" + uuid.uuid4().hex
SHOWN = ("write", "getrandom", "getpid", "read", "epoll_pwait", "futex", "pwrite64", "pread64", "fdatasync", "fcntl")


def count(src: Path, warm: list[bytes], measured: list[bytes], rate: float, out: Path) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": SECRET}])
    env["PYTHONPATH"] = str(src.resolve())
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-syscalls-") as data:
        argv = [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--no-worker", "--data-dir", data]
        with started(argv, env) as (address, pid):
            paced(address, warm, rate=rate)
            tracer = subprocess.Popen(["strace", "-f", "-c", "-o", str(out), "-p", str(pid)], stderr=subprocess.DEVNULL)
            time.sleep(1.0)  # attached to every thread
            load = paced(address, measured, rate=rate)
            tracer.terminate()
            tracer.wait(30)
    if load.accepted != len(measured):
        raise SystemExit(f"{load.accepted} of {len(measured)} answered 202")
    calls: dict[str, int] = {}
    for line in out.read_text().splitlines():
        fields = line.split()
        if len(fields) >= 5 and re.fullmatch(r"[\d.]+", fields[0]) and fields[-1] != "total":
            calls[fields[-1]] = int(fields[3])
    return calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", required=True, help="label=path of a tree's src (repeatable)")
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--warm", type=int, default=100)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    trees = [(label, Path(path)) for label, _, path in (s.partition("=") for s in args.src)]
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-syscalls-load-") as folder:
        requests = Path(folder) / "requests.bin"
        write_deliveries(requests, args.warm + args.deliveries, SECRET, first=0)
        everything = read_deliveries(requests)
        warm, measured = everything[: args.warm], everything[args.warm :]
        print(f"load average {os.getloadavg()[0]:.2f}; {args.deliveries} deliveries at {args.rate:g}/s per tree")
        print("| tree | " + " | ".join(SHOWN) + " |")
        print("|---|" + "---|" * len(SHOWN))
        for repeat in range(args.repeats):
            for label, src in trees if repeat % 2 == 0 else list(reversed(trees)):
                calls = count(src, warm, measured, args.rate, Path(folder) / f"{label}.txt")
                per = [f"{calls.get(name, 0) / args.deliveries:.2f}" for name in SHOWN]
                print(f"| {label} | " + " | ".join(per) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
