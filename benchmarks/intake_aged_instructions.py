"""Instructions per delivery of `tfreview serve` (workers on) on a fresh database against an aged one (issue 13,
intake13): does the work of a delivery — its intake and its job's claim and end — grow with the rows already
stored?

For each data directory (`fresh`: a new empty one; `aged`: `--aged DIR`, e.g. the one `benchmarks/intake_aging.py
--keep DIR` left after 100,000 deliveries) a new `tfreview serve` runs under `valgrind --tool=callgrind
--instr-atstart=no --separate-threads=yes`: `--warm` deliveries are sent and their jobs ended uncounted, then the
counters are zeroed and turned on, `--deliveries` new deliveries are sent at `--rate` per second by the paced
client (every answer awaited) and the server is left until every job has ended, then counting stops and the
counters are dumped. Printed: instructions per delivery, all threads together and the event loop (thread 1)
apart. Callgrind counts user-space instructions only (not the kernel's fsync, not time): the same work gives
the same count however loaded the machine is.

    .venv/bin/python benchmarks/intake_aged_instructions.py --aged /tmp/intake13-aged --repeats 2
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from intake_aging import drain, jobs_by_state
from intake_load import paced, read_deliveries, write_deliveries
from intake_servers import started

SECRET = "aged-" + uuid.uuid4().hex
FIRST_ID = 10_000_000  # delivery ids after any an aged directory holds (benchmarks/intake_aging.py counts from 0)


def _totals(path: Path) -> int:
    for line in path.read_text().splitlines():
        found = re.match(r"totals:\s+(\d+)", line)
        if found:
            return int(found.group(1))
    return 0


def _control(*argv: str) -> None:
    subprocess.run(["callgrind_control", *argv], check=True, capture_output=True)


@contextlib.contextmanager
def _fresh() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-cg-fresh-") as data:
        yield Path(data)


def measure(data: Path, warm: list[bytes], measured: list[bytes], rate: float, out: Path) -> tuple[int, int, int]:
    """(accepted, instructions of all threads, of the event loop) over the measured deliveries and their jobs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": SECRET}])
    env["PYTHONHASHSEED"] = "0"
    for old in out.glob("callgrind.*"):
        old.unlink()
    argv = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes"]
    argv += [f"--callgrind-out-file={out}/callgrind.%p", sys.executable, "-m", "tfreview", "serve"]
    argv += ["--port", "0", "--data-dir", str(data)]
    with started(argv, env) as (url, pid):
        database = data / "tfreview.db"
        paced(url, warm, rate)
        drain(database, 600)
        _control("-z", str(pid))
        _control("-i", "on", str(pid))
        load = paced(url, measured, rate)
        jobs = drain(database, 600)
        time.sleep(1.0)  # the last job's settle is committed before `drain` sees it; its thread returns after
        _control("-i", "off", str(pid))
        _control("-d", str(pid))
        print(f"  jobs then: {jobs}", flush=True)
    every = loop = 0
    for path in out.glob("callgrind.*.1-*"):  # the dump of the measured deliveries (`-d`), one file per thread
        found = re.search(r"-(\d+)$", path.name)
        if found is None:
            continue
        count = _totals(path)
        every += count
        if int(found.group(1)) == 1:
            loop += count
    return load.accepted, every, loop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--aged", type=Path, required=True, help="an aged data directory (tfreview.db inside)")
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--warm", type=int, default=40)
    parser.add_argument("--rate", type=float, default=10.0, help="deliveries per second (valgrind is ~50× slower)")
    parser.add_argument("--repeats", type=int, default=1, help="fresh and aged alternated this many times")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "tfreview-aged-callgrind")
    args = parser.parse_args()
    if not (args.aged / "tfreview.db").exists():
        print(f"no tfreview.db in {args.aged}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, int, int, int]] = []
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-cg-load-") as folder:
        batches = []
        for n in range(args.repeats * 2):
            path = Path(folder) / f"batch{n}.bin"
            first = FIRST_ID + n * (args.warm + args.deliveries)
            write_deliveries(path, args.warm + args.deliveries, SECRET, first=first)
            found = read_deliveries(path)
            batches.append((found[: args.warm], found[args.warm :]))
        for n in range(args.repeats):
            for k, label in enumerate(("fresh", "aged")):
                warm, measured = batches[2 * n + k]
                before = jobs_by_state(args.aged / "tfreview.db") if label == "aged" else {}
                print(f"{label} {n + 1}: rows before {before or 'none'}", flush=True)
                with contextlib.ExitStack() as stack:
                    data = stack.enter_context(_fresh()) if label == "fresh" else args.aged
                    accepted, every, loop = measure(data, warm, measured, args.rate, args.out)
                rows.append((label, accepted, every, loop))
                print(
                    f"{label} {n + 1}: {accepted} 202s, {every / max(1, accepted):,.0f} instructions per delivery "
                    f"(event loop {loop / max(1, accepted):,.0f})",
                    flush=True,
                )
    print("\n| run | 202s | instructions per delivery, all threads | of which the event loop |")
    print("|---|---|---|---|")
    for label, accepted, every, loop in rows:
        print(f"| {label} | {accepted} | {every / max(1, accepted):,.0f} | {loop / max(1, accepted):,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
