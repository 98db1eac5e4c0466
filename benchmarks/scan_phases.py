"""Where the CPU of one `tfreview scan` goes, phase by phase, beside the parse floor's own phases (issue 13).

Each run is a fresh process that runs `tfreview scan PLAN -o json --output-file … --soft-fail` through the CLI's
own `main` (collector off, as a scan runs), with the CPU time of the process (`time.process_time`) read around
each phase by wrapping the module functions the CLI calls: reading the plan, orjson's parse, plan → change set,
loading the rules, the review (and in it the state rules of each side, the change rules, the blast radius and
the rest: findings, folding, suppressions, change entries, coverage), the JSON report (the document, then
orjson's dump) and writing it, up to the moment it leaves. Before `main`: the interpreter's start
(`python -c pass`, a process of its own) and the imports a scan makes. The floor
(`python -c "import orjson; orjson.loads(file)"`) is split the same way: start, `import orjson`, read, parse,
and freeing the document when it leaves (a scan leaves with `os._exit` and frees nothing, ADR 0315); the floor
runs with the cyclic collector on, as that command does. The wrappers cost a few µs per phase; the median of
`--repeat` runs is kept, each phase on its own. Like every CPU figure here it moves with the machine's load:
compare within a run.

    .venv/bin/python benchmarks/scan_phases.py --size 10000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_plan import generate  # noqa: E402
from run import ROOT, _dumps  # noqa: E402

# Runs in the measured process: argv = [plan, report]; prints {phase: seconds} as JSON on stdout's last line.
_SCAN = r"""
import sys, time, gc, json
cpu = time.process_time
started = cpu()
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
spent = {"imports (CLI, engine, parsing, report)": cpu() - started}

def timed(module, name, label):
    function = getattr(module, name)
    def wrapper(*args, **kwargs):
        begin = cpu()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + cpu() - begin
    setattr(module, name, wrapper)

timed(inputs, "read_bytes", "read the plan file")
timed(plan_json, "parse_json", "parse (orjson.loads)")
timed(plan_json, "plan_from_document", "plan -> change set")
timed(rules, "load_rules_for", "load the rules (imports, index)")
timed(review, "review", "review")
timed(review, "_run_state_rules", "review: state rules (both sides)")
timed(review, "_run_change_rules", "review: change rules")
timed(review, "blast_radius", "review: blast radius")
timed(json_report, "review_document", "report: document")
timed(render, "render_pieces" if hasattr(render, "render_pieces") else "render_bytes", "report")  # ADR 0692
timed(scan_output, "write_whole", "write the report")
import orjson
dumps = orjson.dumps
def timed_dumps(*args, **kwargs):
    begin = cpu()
    try:
        return dumps(*args, **kwargs)
    finally:
        spent["report: orjson.dumps"] = spent.get("report: orjson.dumps", 0.0) + cpu() - begin
json_report.orjson = type("orjson", (), {"dumps": staticmethod(timed_dumps), "OPT_INDENT_2": orjson.OPT_INDENT_2,
                                         "OPT_APPEND_NEWLINE": orjson.OPT_APPEND_NEWLINE})
leave = cli._leave
def leaving(code):  # the scan leaves with os._exit, holding what it made (ADR 0315): say what it spent first
    spent["main (all of the scan after the imports)"] = cpu() - begin
    print(json.dumps(spent))
    return leave(code)
cli._leave = leaving
begin = cpu()
sys.exit(cli.main(["scan", sys.argv[1], "-o", "json", "--output-file", sys.argv[2], "--soft-fail"], leave=True))
"""

_FLOOR = r"""
import sys, time, json
cpu = time.process_time
begin = cpu(); import orjson; spent = {"import orjson": cpu() - begin}
begin = cpu(); data = open(sys.argv[1], "rb").read(); spent["read the plan file"] = cpu() - begin
begin = cpu(); document = orjson.loads(data); spent["parse (orjson.loads)"] = cpu() - begin
begin = cpu(); del document; spent["free the document"] = cpu() - begin
print(json.dumps(spent))
"""


def _child_cpu(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "tfreview")], check=True)
    subprocess.run([sys.executable, "-m", "tfreview.rules"], check=True, stdout=subprocess.DEVNULL)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    scan: dict[str, list[float]] = {}
    floor: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        plan, report = Path(tmp) / "plan.json", Path(tmp) / "report.json"
        document, _ = generate(args.size)
        plan.write_bytes(_dumps(document))
        del document
        runs = [
            ("start", [sys.executable, "-c", "pass"], None),
            ("floor", [sys.executable, "-c", _FLOOR, str(plan)], floor),
            ("scan", [sys.executable, "-c", _SCAN, str(plan), str(report)], scan),
        ]
        for _, command, _ in runs:  # warm-up: page cache
            _child_cpu(command, env)
        for _ in range(args.repeat):  # alternated, so the load falls on all alike
            for name, command, into in runs:
                total, out = _child_cpu(command, env)
                target = into if into is not None else scan
                target.setdefault(f"{name} process (CPU, whole)", []).append(total)
                if into is not None:
                    for phase, seconds in json.loads(out.strip().splitlines()[-1]).items():
                        into.setdefault(phase, []).append(seconds)
                if name == "start":
                    floor.setdefault("start process (CPU, whole)", []).append(total)
    median = {k: statistics.median(v) for k, v in scan.items()}
    floor_median = {k: statistics.median(v) for k, v in floor.items()}
    start = median["start process (CPU, whole)"]
    ratio = median["scan process (CPU, whole)"] / floor_median["floor process (CPU, whole)"]
    print(f"| {args.size:,} resources, median of {args.repeat} | CPU ms |")
    print("|---|---|")
    print(f"| **parse floor, whole process** | **{1000 * floor_median['floor process (CPU, whole)']:.0f}** |")
    print(f"| interpreter start (`python -c pass`) | {1000 * start:.0f} |")
    for phase in ("import orjson", "read the plan file", "parse (orjson.loads)", "free the document"):
        print(f"| {phase} | {1000 * floor_median[phase]:.0f} |")
    print(
        f"| **tfreview scan, whole process** ({ratio:.2f}× the floor) | "
        f"**{1000 * median['scan process (CPU, whole)']:.0f}** |"
    )
    print(f"| interpreter start (`python -c pass`) | {1000 * start:.0f} |")
    shown = ("start process (CPU, whole)", "scan process (CPU, whole)")
    inner = {
        "review": ("review: state rules (both sides)", "review: change rules", "review: blast radius"),
        "report": ("report: document", "report: orjson.dumps"),
    }
    for phase, seconds in median.items():
        if phase in shown or any(phase in parts for parts in inner.values()):
            continue
        print(f"| {phase} | {1000 * seconds:.0f} |")
        parts = [part for part in inner.get(phase, ()) if part in median]  # a tree may no longer call one
        for part in parts:
            print(f"| &nbsp;&nbsp;{part.split(': ', 1)[1]} | {1000 * median[part]:.0f} |")
        if parts:
            rest = seconds - sum(median[part] for part in parts)
            print(f"| &nbsp;&nbsp;the rest | {1000 * rest:.0f} |")
    load = os.getloadavg()
    print(f"\nload average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
