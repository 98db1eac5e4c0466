"""Instructions per webhook delivery of the real `tfreview serve --no-worker`, by thread, counted by callgrind.

CPU time on a loaded machine varies between rounds; the instructions of the same work do not (much). The
server runs under `valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes`, so start-up,
imports and the warm-up are neither counted nor slowed 50×; `callgrind_control` zeroes the counters and turns
instrumentation on for the measured deliveries only (signed 28 KB pull_request deliveries, sent by the paced
client of benchmarks/intake_load.py at `--rate` per second, every answer awaited), then off, and dumps one
file per thread. The event loop is thread 1; the rest of the intake (group-commit writer, WAL checkpointer) and
the process's other threads are reported together. Trees are compared with `--src label=path`.

    .venv/bin/python benchmarks/intake_loop_instructions.py --src base=/tmp/main/src --src branch=src
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from intake_load import paced, read_deliveries, write_deliveries
from intake_servers import started

SECRET = "bench-" + uuid.uuid4().hex


def _totals(path: Path) -> int:
    for line in path.read_text().splitlines():
        found = re.match(r"totals:\s+(\d+)", line)
        if found:
            return int(found.group(1))
    return 0


def measure(src: Path, warm: list[bytes], measured: list[bytes], rate: float, out: Path) -> tuple[int, int, int]:
    """(accepted, event-loop instructions, other threads' instructions) over the measured deliveries."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": SECRET}])
    env["PYTHONPATH"] = str(src.resolve())
    env["PYTHONHASHSEED"] = "0"
    for old in out.glob("callgrind.*"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-cg-") as data:
        argv = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes"]
        argv += [f"--callgrind-out-file={out}/callgrind.%p", sys.executable, "-m", "tfreview", "serve"]
        argv += ["--port", "0", "--data-dir", data, "--no-worker"]
        with started(argv, env) as (url, pid):
            paced(url, warm, rate)
            subprocess.run(["callgrind_control", "-z", str(pid)], check=True, capture_output=True)
            subprocess.run(["callgrind_control", "-i", "on", str(pid)], check=True, capture_output=True)
            load = paced(url, measured, rate)
            subprocess.run(["callgrind_control", "-i", "off", str(pid)], check=True, capture_output=True)
            subprocess.run(["callgrind_control", "-d", str(pid)], check=True, capture_output=True)
    loop = other = 0
    for path in out.glob("callgrind.*.1-*"):  # the dump of the measured deliveries (`-d`), one file per thread
        found = re.search(r"-(\d+)$", path.name)
        if found is None:
            continue
        count = _totals(path)
        if int(found.group(1)) == 1:
            loop += count
        else:
            other += count
    return load.accepted, loop, other


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--src", action="append", default=[], help="label=path of a tree's src (repeatable)")
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="deliveries per second (valgrind is ~50× slower)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "tfreview-loop-callgrind")
    args = parser.parse_args()
    trees = [(part.split("=", 1)[0], Path(part.split("=", 1)[1])) for part in args.src or ["branch=src"]]
    with tempfile.TemporaryDirectory(prefix="tfreview-loop-cg-") as scratch:
        files = Path(scratch) / "warm.bin", Path(scratch) / "measured.bin"
        write_deliveries(files[0], 40, SECRET, first=0)
        write_deliveries(files[1], args.deliveries, SECRET, first=1000)
        warm, measured = read_deliveries(files[0]), read_deliveries(files[1])
        for label, src in trees:
            out = args.out / label
            out.mkdir(parents=True, exist_ok=True)
            accepted, loop, other = measure(src, warm, measured, args.rate, out)
            per = max(accepted, 1)
            print(
                f"{label}: {accepted} accepted; instructions per delivery: event loop {loop / per:,.0f}, "
                f"other threads {other / per:,.0f}, process {(loop + other) / per:,.0f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
