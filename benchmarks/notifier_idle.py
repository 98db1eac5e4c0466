"""The notification sender's CPU while nothing happens (issue 13, intake11; ADR 0451).

`tfreview serve --no-worker` on a fresh SQLite data dir, for each `--src` tree (e.g. main's `src` frozen with
`git archive`, and this checkout's), alternated `--repeats` times: after `--settle` seconds the CPU of its
`tfreview-notifier` thread (found by `py-spy dump`, counted in /proc/<pid>/task/<tid>/stat) is read over
`--seconds` idle seconds, beside the whole process's. Prints seconds of CPU per 5 s idle, by tree and round.

    .venv/bin/python benchmarks/notifier_idle.py --src main=/tmp/intake11-main/src --src branch=src --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from intake_servers import started
from intake_threads import CLOCK_TICKS, thread_cpu, thread_names


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def idle_round(src: Path, settle: float, seconds: float) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": "idle-" + uuid.uuid4().hex}])
    env["PYTHONPATH"] = str(src.resolve())
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-idle-") as data:
        argv = [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--no-worker", "--data-dir", data]
        with started(argv, env) as (_address, pid):
            time.sleep(settle)
            names = thread_names(pid)
            notifier = [tid for tid, name in names.items() if name == "tfreview-notifier"]
            if not notifier:
                raise SystemExit(f"no tfreview-notifier thread in {sorted(set(names.values()))} (py-spy installed?)")
            before, whole = thread_cpu(pid), process_cpu(pid)
            time.sleep(seconds)
            after, whole_after = thread_cpu(pid), process_cpu(pid)
    scale = 5.0 / seconds
    tid = notifier[0]
    return (after.get(tid, 0.0) - before.get(tid, 0.0)) * scale, (whole_after - whole) * scale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", required=True, help="NAME=PATH of a tree's src (repeatable)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after start before counting")
    parser.add_argument("--seconds", type=float, default=30.0, help="idle seconds counted")
    args = parser.parse_args()
    trees = [(name, Path(path)) for name, _, path in (s.partition("=") for s in args.src)]
    found: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in trees}
    print(f"load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    for repeat in range(args.repeats):
        order = trees if repeat % 2 == 0 else list(reversed(trees))
        for name, src in order:
            notifier, whole = idle_round(src, args.settle, args.seconds)
            found[name].append((notifier, whole))
            print(
                f"round {repeat + 1} {name}: notifier {notifier:.3f} s, process {whole:.3f} s per 5 s idle", flush=True
            )
    print(f"load average {os.getloadavg()[0]:.2f} at the end\n")
    print("| tree | tfreview-notifier CPU s per 5 s idle (rounds) | whole process |")
    print("|---|---|---|")
    for name, values in found.items():
        notifier = ", ".join(f"{n:.3f}" for n, _ in values)
        whole = statistics.median(w for _, w in values)
        print(f"| {name} | {statistics.median(n for n, _ in values):.3f} ({notifier}) | {whole:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
