"""CPU of reading a plan the whole-file way and the quick way (ADR 0584), each in processes of its own.

Each run is a fresh process that imports `tfreview.parsing.plan_json`, reads the plan and makes its change set,
nothing else, with `parse_plan(…, quick_from=…)` past the plan's size (orjson parses the whole file) or 0 (msgspec
walks the top level, orjson parses the sections a review reads): what msgspec's import costs a `tfreview scan`
against what skipping saves. Plans: generated ones of `--sizes` resources, as they are, with `--prior-state`, and
with every resource in `prior_state` (a workspace whose resources all exist before the change). Medians of
`--repeat` alternated runs (user + system CPU of the child). `--in-process` measures the same two readings in this
process instead, msgspec imported once (`gc` off; what a long-lived service pays per plan, `load_plan`).

    .venv/bin/python benchmarks/plan_reading_ab.py --sizes 1000 10000 --repeat 11
    .venv/bin/python benchmarks/plan_reading_ab.py --sizes 10000 --repeat 7 --in-process
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_plan import generate, state_before  # noqa: E402
from run import _dumps  # noqa: E402

_READ = """
import gc, os, sys
gc.disable()
from tfreview.parsing.plan_json import parse_plan, plan_from_document
data = open(sys.argv[1], "rb").read()
plan_from_document(parse_plan(data, "plan.json", quick_from=int(sys.argv[2])), "plan.json")
os._exit(0)
"""


def cpu(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_process(data: bytes, quick_from: int) -> float:
    import gc
    import time

    from tfreview.parsing.plan_json import parse_plan, plan_from_document

    enabled = gc.isenabled()
    gc.disable()
    try:
        begin = time.process_time()
        plan_from_document(parse_plan(data, "plan.json", quick_from=quick_from), "plan.json")
        return time.process_time() - begin
    finally:
        if enabled:
            gc.enable()


def shapes(size: int) -> dict[str, dict[str, Any]]:
    plain, _ = generate(size)
    with_state, _ = generate(size, prior_state=True)
    full = copy.deepcopy(plain)  # every resource exists before: its `before`, else its `after`, is in the state
    for change in full["resource_changes"]:
        body = change["change"]
        body["before"] = body["before"] if body["before"] is not None else body["after"]
    full["prior_state"] = state_before(full["resource_changes"], "1.9.8")
    full["resource_changes"] = plain["resource_changes"]
    return {f"{size:,}": plain, f"{size:,} --prior-state": with_state, f"{size:,} full state": full}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--in-process", action="store_true", help="in this process, msgspec imported once")
    args = parser.parse_args()
    if args.in_process:
        import tfreview.parsing.plan_reading  # noqa: F401  (imported once, as a service has it)
    print("| plan | MB | whole-file (orjson), median CPU ms | quick (msgspec + orjson), median CPU ms |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            for name, document in shapes(size).items():
                plan = Path(tmp) / "plan.json"
                plan.write_bytes(_dumps(document))
                runs = {"whole": str(plan.stat().st_size + 1), "quick": "0"}
                seconds: dict[str, list[float]] = {kind: [] for kind in runs}
                data = plan.read_bytes()
                for _ in range(args.repeat):
                    for kind, quick_from in runs.items():
                        if args.in_process:
                            seconds[kind].append(in_process(data, int(quick_from)))
                        else:
                            seconds[kind].append(cpu([sys.executable, "-c", _READ, str(plan), quick_from]))
                whole, quick = (1000 * statistics.median(seconds[kind]) for kind in runs)
                print(f"| {name} | {plan.stat().st_size / 1e6:.1f} | {whole:.0f} | {quick:.0f} |")
    load = os.getloadavg()
    print(f"\nload average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, {os.cpu_count()} CPUs, {args.repeat} runs")


if __name__ == "__main__":
    main()
