"""Instructions of the review alone (`core.review.review`, the rules and the findings) on a generated plan, counted
by valgrind's callgrind: repeatable whatever the machine's load, so that a change to the engine is seen
without timing noise (issue 13, ADR 0310).

The plan (benchmarks/generate_plan.py) is parsed and the rules of its types are loaded outside the count;
callgrind's instrumentation is switched on (a 3-line C helper built with the system's <valgrind/callgrind.h>,
called through ctypes) for one review, the first of the process, as in `tfreview scan`, with the cyclic
garbage collector off, as `tfreview scan` runs it. `--src` puts another source tree first on the path (main's,
from `git archive main src | tar -x -C DIR`) to compare before and after in one session:

    .venv/bin/python benchmarks/review_instructions.py --sizes 1000,10000
    .venv/bin/python benchmarks/review_instructions.py --sizes 10000 --src /tmp/main-src/src
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from metrics_instructions import build_helper  # noqa: E402


def measured(plan: str, library: str) -> None:
    """Inside valgrind: parse, load the rules, then count one review."""
    import ctypes
    import gc

    gc.disable()
    from tfreview.core.policy import Policy
    from tfreview.core.review import review
    from tfreview.parsing.inputs import load_change_set
    from tfreview.rules import load_rules_for

    change_set = load_change_set(plan, base=None, source=None)
    rules = load_rules_for(change_set.resource_types())
    toggle = ctypes.CDLL(library)
    toggle.cg_start()
    result = review(change_set, rules, Policy())
    toggle.cg_stop()
    print(len(result.findings) + len(result.suppressed))


def count(plan: Path, library: Path, src: str | None, out: Path) -> tuple[int, int]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if src:
        env["PYTHONPATH"] = src
    target = out / f"callgrind.{plan.stem}.out"
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={target}",
            sys.executable,
            __file__,
            "--measured",
            str(plan),
            str(library),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    findings = int(done.stdout.split()[-1])
    found = re.search(r"^totals:\s+(\d+)", target.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"no totals line in {target}")
    return int(found.group(1)), findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--src", default=None, help="a source tree put first on PYTHONPATH (main's, to compare)")
    parser.add_argument("--measured", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measured:
        measured(*args.measured)
        return
    from generate_plan import generate
    from run import _dumps

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        library = build_helper(out)
        print("| resources | findings | review instructions | per resource |")
        print("|---|---|---|---|")
        for size in (int(s) for s in args.sizes.split(",")):
            plan = out / f"plan-{size}.json"
            document, _ = generate(size)
            plan.write_bytes(_dumps(document))
            del document
            instructions, findings = count(plan, library, args.src, out)
            print(f"| {size:,} | {findings:,} | {instructions / 1e6:,.0f} M | {instructions / size / 1e3:,.0f} k |")


if __name__ == "__main__":
    main()
