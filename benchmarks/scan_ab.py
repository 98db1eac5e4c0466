"""CPU of whole `tfreview scan` processes, before and after a change, alternated in one session (issue 13).

Timings on a loaded machine are noisy; running the parse floor, the "before" source tree and this checkout's in
turn, several times, puts the load on all three alike. "Before" is a source tree put first on PYTHONPATH, made
with `git archive main src | tar -x -C DIR` (compile it and its rule index first, as this checkout's is):

    git archive main src | tar -x -C /tmp/main-src
    .venv/bin/python -m compileall -q /tmp/main-src/src/tfreview
    PYTHONPATH=/tmp/main-src/src .venv/bin/python -m tfreview.rules
    .venv/bin/python benchmarks/scan_ab.py --before /tmp/main-src/src --size 10000 --repeat 7

Prints the median and minimum CPU seconds (user + system of the child) of each, the ratios to the floor and
the load average. `--prior-state` measures a second shape after the first, the same plan with the `prior_state`
`terraform show -json PLANFILE` writes for a workspace that has a state (generate_plan.py's `prior_state`):

    .venv/bin/python benchmarks/scan_ab.py --before /tmp/main-src/src --size 10000 --repeat 7 --prior-state

A copy of the checkout runs a few per cent apart from the checkout itself (an A/A of the two shows it): `--after
DIR` compares two copies made alike. `--newline` ends the plan with the newline `terraform show -json` writes.
`--faults` adds the median minor page faults and system CPU of each.
"""

from __future__ import annotations

import argparse
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


def cpu(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """CPU seconds (user + system), system seconds and minor page faults of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    system = after.ru_stime - before.ru_stime
    return (after.ru_utime - before.ru_utime) + system, system, after.ru_minflt - before.ru_minflt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--before", required=True, help="the source tree to compare with (main's src)")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--prior-state", action="store_true", help="also measure the plan with a prior_state")
    parser.add_argument("--after", default=None, help="the source tree measured as after (default: this checkout)")
    parser.add_argument("--newline", action="store_true", help="end the plan with a newline, as Terraform does")
    parser.add_argument("--faults", action="store_true", help="also print page faults and system CPU")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "tfreview")], check=True)
    subprocess.run([sys.executable, "-m", "tfreview.rules"], check=True, stdout=subprocess.DEVNULL)
    for prior_state in (False, True) if args.prior_state else (False,):
        measure(args, prior_state)


def measure(args: argparse.Namespace, prior_state: bool) -> None:
    before, size, repeat = args.before, args.size, args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        plan, report = Path(tmp) / "plan.json", Path(tmp) / "report.json"
        document, _ = generate(size, prior_state=prior_state)
        plan.write_bytes(_dumps(document) + (b"\n" if args.newline else b""))
        plan_bytes = plan.stat().st_size
        del document
        scan = [sys.executable, "-m", "tfreview", "scan", str(plan), "-o", "json", "--output-file", str(report)]
        scan.append("--soft-fail")
        floor = [sys.executable, "-c", "import orjson,sys; orjson.loads(open(sys.argv[1],'rb').read())", str(plan)]
        runs = {
            "parse floor": (floor, dict(os.environ)),
            "before": (scan, {**os.environ, "PYTHONPATH": before}),
            "after (this checkout)" if args.after is None else "after": (
                scan,
                {**os.environ, "PYTHONPATH": args.after or str(ROOT / "src")},
            ),
        }
        for command, env in runs.values():  # warm-up: page cache, bytecode
            cpu(command, env)
        measured: dict[str, list[tuple[float, float, int]]] = {name: [] for name in runs}
        for _ in range(repeat):
            for name, (command, env) in runs.items():
                measured[name].append(cpu(command, env))
    floor_median = statistics.median(m[0] for m in measured["parse floor"])
    shape = (
        f"{size:,} resources" + (", with a prior_state" if prior_state else "") + (", newline" if args.newline else "")
    )
    extra = (" median system s | median page faults |", "---|---|") if args.faults else ("", "")
    print(f"| {shape} ({plan_bytes / 1e6:.1f} MB) | median CPU s | min CPU s | median / floor |{extra[0]}")
    print(f"|---|---|---|---|{extra[1]}")
    for name, values in measured.items():
        median = statistics.median(m[0] for m in values)
        row = f"| {name} | {median:.3f} | {min(m[0] for m in values):.3f} | {median / floor_median:.2f}× |"
        if args.faults:
            row += f" {statistics.median(m[1] for m in values):.3f} | {statistics.median(m[2] for m in values):,.0f} |"
        print(row)
    load = os.getloadavg()
    print(f"\nload average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, {os.cpu_count()} CPUs, {repeat} runs each\n")


if __name__ == "__main__":
    main()
