"""What bytecode and the rule library's index save a `tfreview scan` where Python does not write them (ADR 0390).

An editable install under `PYTHONDONTWRITEBYTECODE=1` (this machine, many CI images and containers) compiles
every module a scan imports from source on every run, and never writes the rule index (ADR 0290). This script
times whole `tfreview scan PLAN -o json --output-file … --soft-fail` processes of this checkout, alternated:
with no `__pycache__` under src/tfreview (as `uv pip install -e .` leaves it), with the bytecode and the index
that `make bytecode` writes, and with the bytecode but no index. It deletes and rewrites src/tfreview's
`__pycache__` directories (and leaves them written).

    .venv/bin/python benchmarks/bytecode_ab.py --size 10000 --repeat 5
    .venv/bin/python benchmarks/bytecode_ab.py --plan examples/demo/plan.json --repeat 5
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_plan import generate  # noqa: E402
from run import ROOT, _dumps  # noqa: E402

SRC = ROOT / "src" / "tfreview"


def _cpu(command: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _no_bytecode() -> None:
    for cache in SRC.rglob("__pycache__"):
        shutil.rmtree(cache)


def _bytecode_and_index() -> None:  # what `make bytecode` runs
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(SRC)], check=True)
    subprocess.run([sys.executable, "-m", "tfreview.rules"], check=True, stdout=subprocess.DEVNULL)


def _no_index() -> None:
    for index in SRC.rglob("__pycache__/library.*.json"):
        index.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=10000, help="a generated plan of this many resources")
    parser.add_argument("--plan", type=Path, default=None, help="this plan instead of a generated one")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT / "src")}
    seconds: dict[str, list[float]] = {"no bytecode, no index": [], "bytecode and index": [], "bytecode only": []}
    with tempfile.TemporaryDirectory() as tmp:
        plan = args.plan
        if plan is None:
            plan = Path(tmp) / "plan.json"
            document, _ = generate(args.size)
            plan.write_bytes(_dumps(document))
            del document
        report = Path(tmp) / "report.json"
        scan = [sys.executable, "-m", "tfreview", "scan", str(plan), "-o", "json", "--output-file", str(report)]
        scan.append("--soft-fail")
        _cpu(scan, env)  # warm-up: page cache
        for _ in range(args.repeat):
            _no_bytecode()
            seconds["no bytecode, no index"].append(_cpu(scan, env))
            _bytecode_and_index()
            seconds["bytecode and index"].append(_cpu(scan, env))
            _no_index()
            seconds["bytecode only"].append(_cpu(scan, env))
        _bytecode_and_index()
    label = str(args.plan) if args.plan else f"{args.size:,} resources"
    print(f"| {label} | median CPU s | min CPU s |")
    print("|---|---|---|")
    for name, values in seconds.items():
        print(f"| {name} | {statistics.median(values):.3f} | {min(values):.3f} |")
    load = os.getloadavg()
    print(f"\nload average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, {args.repeat} runs each")


if __name__ == "__main__":
    main()
