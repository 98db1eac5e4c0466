"""Scan cost against size: per-resource cost of `tfreview scan` and of the parse floor, side by side (issue 13).

For each size (default 1k, 10k, 50k, 100k) the generated plan (benchmarks/generate_plan.py: risky
resources and cross-resource links included) is timed as whole processes, alternating floor and
tfreview so that the machine's load falls on both alike:
  * the parse floor: `python -c "import orjson; orjson.loads(file)"` (start-up included),
  * `tfreview scan PLAN -o json --output-file … --soft-fail`,
and prints wall and CPU seconds, peak RSS, the ratio to the floor and the CPU microseconds per resource
(linear cost: that figure stays flat). Then the start-up of `tfreview --version`.

    .venv/bin/python benchmarks/scan_scale.py --sizes 1000,10000,50000,100000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_plan import generate  # noqa: E402
from run import OUT, ROOT, Run, _dumps, measure, median  # noqa: E402


def _cell(run: Run) -> str:
    return f"{run.seconds:.2f} s ({run.cpu:.2f} cpu), {run.peak_mib:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,50000,100000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size and command; the median is kept")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    tfreview = str(Path(sys.executable).parent / "tfreview")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "tfreview")], check=True)
    # and the rule library's index (ADR 0290), which a scan writes itself only where Python writes bytecode
    subprocess.run([sys.executable, "-m", "tfreview.rules"], check=True, stdout=subprocess.DEVNULL)
    lines = [
        "| resources | plan MiB | findings | parse floor | tfreview scan | ratio (wall, cpu) "
        "| floor µs cpu/resource | tfreview µs cpu/resource |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in (int(s) for s in args.sizes.split(",")):
        plan = OUT / f"scale-{size}.json"
        report = OUT / f"scale-{size}-report.json"
        document, _ = generate(size)
        plan.write_bytes(_dumps(document))
        del document
        floor_command = [sys.executable, "-c", "import orjson,sys; orjson.loads(open(sys.argv[1],'rb').read())"]
        floor_command.append(str(plan))
        ours_command = [tfreview, "scan", str(plan), "-o", "json", "--output-file", str(report), "--soft-fail"]
        measure(floor_command)  # warm-up (page cache)
        floors: list[Run] = []
        ours: list[Run] = []
        for _ in range(args.repeat):  # alternate, so load spikes fall on both
            floors.append(measure(floor_command))
            ours.append(measure(ours_command))
        floor, run = median(floors), median(ours)
        findings = _dumps_count(report)
        lines.append(
            f"| {size:,} | {plan.stat().st_size / 2**20:.0f} | {findings:,} | {_cell(floor)} | {_cell(run)} "
            f"| {run.seconds / floor.seconds:.1f}×, {run.cpu / floor.cpu:.1f}× "
            f"| {floor.cpu / size * 1e6:.0f} | {run.cpu / size * 1e6:.0f} |"
        )
        print(lines[-1], flush=True)
        plan.unlink()
    version = median([measure([tfreview, "--version"]) for _ in range(max(5, args.repeat))])
    bare = median([measure([sys.executable, "-c", "pass"]) for _ in range(max(5, args.repeat))])
    lines.append("")
    lines.append(
        f"`tfreview --version`: {version.seconds * 1000:.0f} ms wall, {version.cpu * 1000:.0f} ms cpu "
        f"(bare `python -c pass`: {bare.seconds * 1000:.0f} ms wall, {bare.cpu * 1000:.0f} ms cpu); "
        f"load average at the end {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs."
    )
    print("\n" + "\n".join(lines))


def _dumps_count(report: Path) -> int:
    import json

    return len(json.loads(report.read_text(encoding="utf-8"))["findings"])


if __name__ == "__main__":
    main()
