"""Instructions of one `tfreview scan` phase by phase, counted by valgrind's callgrind: what
benchmarks/scan_phases.py times in CPU, without the timing noise of a shared machine (issue 13).

One process, `tfreview scan PLAN -o json --output-file … --soft-fail` through the CLI's own `main` (collector
off, as a scan runs), under `valgrind --tool=callgrind`; a 1-line C helper built with the system's
<valgrind/callgrind.h> (`CALLGRIND_DUMP_STATS_AT`, through ctypes) writes the counts since the last dump at each
phase's start and end, so every instruction of the process falls in exactly one row ("between …" rows: what
runs between two measured phases, e.g. the findings and folding between the state rules and the change rules).
PYTHONHASHSEED fixed. `--src` puts another source tree first on PYTHONPATH (main's, from
`git worktree add --detach DIR main`, compiled and its rule index written) for a before/after table:

    .venv/bin/python benchmarks/scan_phase_instructions.py --size 10000 --src /tmp/main/src
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

_HELPER_C = "#include <valgrind/callgrind.h>\nvoid cg_dump(const char *s) { CALLGRIND_DUMP_STATS_AT(s); }\n"

# Runs in the measured process: argv = [helper library, plan, report].
_SCAN = r"""
import ctypes, sys
_dump = ctypes.CDLL(sys.argv[1]).cg_dump
def dump(label):
    _dump(label.encode())
dump("interpreter start")
try:  # what `cli.main` does first (ADR 0468), here before the imports it times; a tree without it: nothing
    from tfreview.plumbing.record_code import install
    install()
except ImportError:
    pass
import tfreview.cli as cli
import tfreview.core.review as review
import tfreview.parsing.inputs as inputs
import tfreview.parsing.plan_json as plan_json
import tfreview.render as render
import tfreview.render.json_report as json_report
import tfreview.rules as rules
import tfreview.scan_output as scan_output
dump("imports (CLI, engine, parsing, report)")
last = ["imports"]
def timed(module, name, label):
    function = getattr(module, name)
    def wrapper(*args, **kwargs):
        dump(f"between {last[0]} and {label}")
        try:
            return function(*args, **kwargs)
        finally:
            dump(label)
            last[0] = label
    setattr(module, name, wrapper)
timed(inputs, "read_bytes", "read the plan file")
timed(plan_json, "parse_json", "parse (orjson.loads)")
timed(plan_json, "plan_from_document", "plan -> change set")
timed(rules, "load_rules_for", "load the rules")
timed(review, "_run_state_rules", "review: state rules, one side")
timed(review, "_run_change_rules", "review: change rules")
timed(review, "blast_radius", "review: blast radius")
timed(json_report, "review_document", "report: document")
# the report as the CLI makes it: its pieces where the tree writes them unjoined (ADR 0692), else its bytes
made = "render_pieces" if hasattr(render, "render_pieces") else "render_bytes"
timed(render, made, "report: the rest (orjson.dumps)")
timed(scan_output, "write_whole", "write the report")
leave = cli._leave
def leaving(code):
    dump(f"between {last[0]} and leaving")
    return leave(code)
cli._leave = leaving
sys.exit(cli.main(["scan", sys.argv[2], "-o", "json", "--output-file", sys.argv[3], "--soft-fail"], leave=True))
"""


def phases(plan: Path, helper: Path, src: str, out: Path) -> list[tuple[str, int]]:
    """(phase, instructions) in the order the dumps were written."""
    for old in out.glob("callgrind.out*"):
        old.unlink()
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out / 'callgrind.out'}",
            sys.executable,
            "-c",
            _SCAN,
            str(helper),
            str(plan),
            str(out / "report.json"),
        ],
        env={**os.environ, "PYTHONPATH": src, "PYTHONHASHSEED": "0"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    found: list[tuple[int, str, int]] = []
    for dumped in out.glob("callgrind.out.*"):
        text = dumped.read_text()
        trigger = re.search(r"^desc: Trigger: (?:Client Request: )?(.*)$", text, re.MULTILINE)
        summary = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.MULTILINE)
        part = dumped.name.rsplit(".", 1)[-1]
        if trigger and summary and part.isdigit():
            found.append((int(part), trigger.group(1), int(summary.group(1))))
        dumped.unlink()
    merged: dict[str, int] = {}
    for _, dumped_at, total in sorted(found):
        label = "leaving (after the last dump)" if dumped_at == "Program termination" else dumped_at
        merged[label] = merged.get(label, 0) + total  # the state rules run once per side: one row
    return list(merged.items())


def prepare_checkout() -> None:
    """This checkout's bytecode and rule index written, so that neither is counted."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "tfreview")], check=True)
    subprocess.run([sys.executable, "-m", "tfreview.rules"], check=True, stdout=subprocess.DEVNULL)


def build_dump_helper(out: Path) -> Path:
    """A tiny shared library whose `cg_dump(label)` asks callgrind to dump its counts there."""
    helper = out / "cg_dump.so"
    (out / "cg_dump.c").write_text(_HELPER_C)
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", str(helper), str(out / "cg_dump.c")], check=True)
    return helper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--src", default=None, help="another source tree to count beside this checkout's")
    args = parser.parse_args()
    prepare_checkout()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        helper = build_dump_helper(out)
        plan = out / "plan.json"
        document, _ = generate(args.size)
        plan.write_bytes(_dumps(document))
        del document
        trees = ([("--src", args.src)] if args.src else []) + [("this checkout", str(ROOT / "src"))]
        counted = [(name, dict(phases(plan, helper, src, out))) for name, src in trees]
    labels = list(dict.fromkeys(label for _, rows in counted for label in rows))
    print(f"| phase ({args.size:,} resources) | {' | '.join(name for name, _ in counted)} |")
    print(f"|---|{'---|' * len(counted)}")
    for label in labels:
        if all(rows.get(label, 0) < 50_000 for _, rows in counted):
            continue  # an empty gap between two phases (below 0.05 M in every tree)
        cells = " | ".join(f"{rows.get(label, 0) / 1e6:,.1f} M" for _, rows in counted)
        print(f"| {label} | {cells} |")
    totals = " | ".join(f"{sum(rows.values()) / 1e6:,.0f} M" for _, rows in counted)
    print(f"| **whole process** | {totals} |")


if __name__ == "__main__":
    main()
