"""Instructions per webhook delivery with metrics off and on, counted by valgrind's callgrind (issue 10:
metrics may cost at most 5 % of intake).

CPU time on the shared machine varies ±20 % between rounds; the instruction count of the same work does
not. The same in-process loop as `metrics_cpu.py` (the app over ASGI, SQLite in a temporary directory,
signed ~28 KB `pull_request.opened` deliveries, 20 of warm-up, the watchdog off, PYTHONHASHSEED fixed)
runs under `valgrind --tool=callgrind --instr-atstart=no`; callgrind's client requests (a 10-line C helper
built here with the system's <valgrind/callgrind.h>, called through ctypes) switch instrumentation on for
the measured deliveries only, so imports, migrations and warm-up are neither counted nor slowed 50×.
Modes: `off`, `on` (one process), `on-mp` (PROMETHEUS_MULTIPROC_DIR set: every value goes to the shared
mmap files, as `serve --workers N` does). `--profile` keeps the callgrind files for `callgrind_annotate`.

    .venv/bin/python benchmarks/metrics_instructions.py --requests 200
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("off", "on", "on-mp")
HELPER_C = """
#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void cg_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""


class Instrumentation:
    """callgrind's instrumentation on for the measured loop (drive() calls enable/disable around it)."""

    def __init__(self, library: Path) -> None:
        self._lib = ctypes.CDLL(str(library))

    def enable(self) -> None:
        self._lib.cg_start()

    def disable(self) -> None:
        self._lib.cg_stop()


def build_helper(out: Path) -> Path:
    source, library = out / "cg_toggle.c", out / "cg_toggle.so"
    source.write_text(HELPER_C)
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def run_loop(mode: str, count: int, library: Path) -> None:
    """The measured process (inside valgrind): `count` deliveries after 20 of warm-up."""
    sys.path.insert(0, str(HERE))
    from metrics_cpu import drive

    asyncio.run(drive(mode != "off", count + 20, 0, Instrumentation(library)))


def _totals(path: Path) -> int:
    """The `totals:` line (its `summary:` says 0 after CALLGRIND_ZERO_STATS)."""
    for line in path.read_text().splitlines():
        found = re.match(r"totals:\s+(\d+)", line)
        if found:
            return int(found.group(1))
    raise SystemExit(f"no totals line in {path}")


def count_instructions(mode: str, count: int, out: Path, library: Path) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with tempfile.TemporaryDirectory(prefix="tfreview-mp-") as shared:
        if mode == "on-mp":
            env["PROMETHEUS_MULTIPROC_DIR"] = shared
        target = out / f"callgrind.{mode}.{count}.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={target}",
            sys.executable,
            str(Path(__file__).resolve()),
            "--inner",
            mode,
            "--requests",
            str(count),
            "--helper",
            str(library),
        ]
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return _totals(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--out", type=Path, default=HERE / "out" / "callgrind")
    parser.add_argument("--inner", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--helper", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        run_loop(args.inner, args.requests, args.helper)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    library = build_helper(args.out)
    per: dict[str, float] = {}
    for mode in args.modes.split(","):
        total = count_instructions(mode, args.requests, args.out, library)
        per[mode] = total / args.requests
        print(f"{mode}: {total:,} instructions for {args.requests} deliveries: {per[mode]:,.0f} per delivery")
    if "off" in per:
        for mode, value in per.items():
            if mode != "off":
                print(f"metrics cost ({mode} vs off): {100 * (value / per['off'] - 1):+.2f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
