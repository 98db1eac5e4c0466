"""Instructions of whole `tfreview scan` processes and of the parse floor, counted by valgrind's callgrind:
repeatable whatever the machine's load, so a change anywhere on the scan path (start-up, parsing, the change
set, the review, the report) is seen without timing noise (issue 13).

The same command as benchmarks/scan_scale.py (`tfreview scan PLAN -o json --output-file … --soft-fail`) and
floor (`python -c "import orjson; orjson.loads(file)"`), each once under `valgrind --tool=callgrind`, start-up
included, PYTHONHASHSEED fixed. `--before` adds a run with another source tree first on PYTHONPATH (main's,
from `git archive main src | tar -x -C DIR`, compiled and its rule index written as scan_ab.py says):

    .venv/bin/python benchmarks/scan_instructions.py --sizes 1000,10000 --before /tmp/main-src/src
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


def instructions(command: list[str], env: dict[str, str], out: Path) -> int:
    target = out / "callgrind.out"
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={target}", *command],
        env={**env, "PYTHONHASHSEED": "0"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    found = re.search(r"^(?:totals|summary):\s+(\d+)", target.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"no totals line in {target}")
    target.unlink()
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--before", default=None, help="a source tree to compare with (main's src)")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "tfreview")], check=True)
    subprocess.run([sys.executable, "-m", "tfreview.rules"], check=True, stdout=subprocess.DEVNULL)
    columns = ["parse floor", *(["before"] if args.before else []), "this checkout"]
    print(f"| resources | {' | '.join(columns)} | ratio to floor |")
    print(f"|---|{'---|' * len(columns)}---|")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            plan, report = out / f"plan-{size}.json", out / "report.json"
            document, _ = generate(size)
            plan.write_bytes(_dumps(document))
            del document
            floor = [sys.executable, "-c", "import orjson,sys; orjson.loads(open(sys.argv[1],'rb').read())", str(plan)]
            scan = [sys.executable, "-m", "tfreview", "scan", str(plan), "-o", "json", "--output-file", str(report)]
            scan.append("--soft-fail")
            counts = [instructions(floor, dict(os.environ), out)]
            if args.before:
                counts.append(instructions(scan, {**os.environ, "PYTHONPATH": args.before}, out))
            counts.append(instructions(scan, {**os.environ, "PYTHONPATH": str(ROOT / "src")}, out))
            ratios = ", ".join(f"{c / counts[0]:.2f}×" for c in counts[1:])
            cells = " | ".join(f"{c / 1e6:,.0f} M" for c in counts)
            print(f"| {size:,} | {cells} | {ratios} |", flush=True)


if __name__ == "__main__":
    main()
