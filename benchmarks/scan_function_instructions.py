"""Instructions spent in named functions of one `tfreview scan`, counted by valgrind's callgrind, for two source
trees side by side: what a change to one step of the review or the report costs or saves, without the timing
noise of a shared machine (issue 13, ADR 0618).

benchmarks/scan_phase_instructions.py splits a whole scan into its phases; this one measures a function inside a
phase. Each (tree, function) is one process, `tfreview scan PLAN -o json --output-file … --soft-fail` through the
CLI's own `main`, run under `valgrind --tool=callgrind --collect-atstart=no`, with the function wrapped so that
collection is on from its outermost call to its return (a 1-line C helper built with the system's
<valgrind/callgrind.h>, `CALLGRIND_TOGGLE_COLLECT`, through ctypes): the count is every instruction run inside it,
summed over its calls. A function is named `module:function` or `module:Class.method`, and wrapped where that
module holds it (a module that imported it by name keeps its own reference: name it there, e.g.
`tfreview.core.finding_making:evidence_of`). PYTHONHASHSEED fixed. `--src` as for scan_phase_instructions.py:

    .venv/bin/python benchmarks/scan_function_instructions.py --size 2000 --src /tmp/main-src/src \\
        tfreview.core.finding_making:FindingMaker.make tfreview.render.json_text:fingerprints
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

from generate_plan import generate  # noqa: E402
from run import ROOT, _dumps  # noqa: E402
from scan_phase_instructions import prepare_checkout  # noqa: E402

_HELPER_C = "#include <valgrind/callgrind.h>\nvoid cg_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }\n"

# Runs in the measured process: argv = [helper library, plan, report, function, file for the call count].
_SCAN = r"""
import ctypes, importlib, sys
toggle = ctypes.CDLL(sys.argv[1]).cg_toggle
import tfreview.cli as cli
module_name, _, name = sys.argv[4].partition(":")
owner = importlib.import_module(module_name)
for part in name.split(".")[:-1]:
    owner = getattr(owner, part)
name = name.split(".")[-1]
function = getattr(owner, name)
depth, calls = [0], [0]
def wrapper(*args, **kwargs):
    if depth[0] == 0:
        calls[0] += 1
        toggle()
    depth[0] += 1
    try:
        return function(*args, **kwargs)
    finally:
        depth[0] -= 1
        if depth[0] == 0:
            toggle()
setattr(owner, name, wrapper)
leave = cli._leave
def leaving(code):
    with open(sys.argv[5], "w") as counted:
        counted.write(str(calls[0]))
    return leave(code)
cli._leave = leaving
sys.exit(cli.main(["scan", sys.argv[2], "-o", "json", "--output-file", sys.argv[3], "--soft-fail"], leave=True))
"""


def count(plan: Path, helper: Path, src: str, function: str, out: Path) -> tuple[int, int]:
    """(instructions inside `function`, its outermost calls) in one scan of `plan` with the tree `src`."""
    for old in out.glob("callgrind.out*"):
        old.unlink()
    calls = out / "calls"
    calls.unlink(missing_ok=True)
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            f"--callgrind-out-file={out / 'callgrind.out'}",
            sys.executable,
            "-c",
            _SCAN,
            str(helper),
            str(plan),
            str(out / "report.json"),
            function,
            str(calls),
        ],
        env={**os.environ, "PYTHONPATH": src, "PYTHONHASHSEED": "0"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    total = 0
    for dumped in out.glob("callgrind.out*"):
        summary = re.search(r"^(?:summary|totals):\s+(\d+)", dumped.read_text(), re.MULTILINE)
        total += int(summary.group(1)) if summary else 0
        dumped.unlink()
    return total, int(calls.read_text()) if calls.exists() else 0


def build_toggle_helper(out: Path) -> Path:
    """A tiny shared library whose `cg_toggle()` turns callgrind's collection on or off."""
    helper = out / "cg_toggle.so"
    (out / "cg_toggle.c").write_text(_HELPER_C)
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", str(helper), str(out / "cg_toggle.c")], check=True)
    return helper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("functions", nargs="+", help="module:function or module:Class.method")
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--src", default=None, help="another source tree to count beside this checkout's")
    args = parser.parse_args()
    prepare_checkout()
    trees = ([("--src", args.src)] if args.src else []) + [("this checkout", str(ROOT / "src"))]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        helper = build_toggle_helper(out)
        plan = out / "plan.json"
        document, _ = generate(args.size)
        plan.write_bytes(_dumps(document))
        del document
        rows = [
            (function, [count(plan, helper, src, function, out) for _, src in trees]) for function in args.functions
        ]
    print(f"| function ({args.size:,} resources) | {' | '.join(name for name, _ in trees)} |")
    print(f"|---|{'---|' * len(trees)}")
    for function, counted in rows:
        cells = " | ".join(
            f"{total / 1e6:,.1f} M ({calls:,} calls, {total / calls:,.0f} each)" if calls else f"{total / 1e6:,.1f} M"
            for total, calls in counted
        )
        print(f"| `{function}` | {cells} |")


if __name__ == "__main__":
    main()
