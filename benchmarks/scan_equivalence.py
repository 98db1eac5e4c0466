"""Whether two source trees write the same reports, byte for byte (issue 13: a faster scan says the same).

Scans every plan of the shared fixtures (or `--plans DIR`), a generated 1,000-resource plan and a generated
10,000-resource plan, each with and without a `prior_state`, with the "before" tree (first on PYTHONPATH, made
as for scan_ab.py) and with this checkout, in the json, sarif and text formats, and compares the reports.
Exits 1 and names each report that differs. `--hcl DIR` scans each folder of DIR as a source tree instead (HCL
mode: `tfreview scan FOLDER`, each of its root modules), no plan:

    git archive main src | tar -x -C /tmp/main-src
    .venv/bin/python benchmarks/scan_equivalence.py --before /tmp/main-src/src
    .venv/bin/python benchmarks/scan_equivalence.py --before /tmp/main-src/src --hcl ../shared/fixtures/hcl/corpus
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_plan import generate  # noqa: E402
from run import ROOT, _dumps  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures" / "plans"
FORMATS = ("json", "sarif", "text")


def scan(source: str, plan: Path, form: str, out: Path) -> tuple[int, bytes]:
    command = [sys.executable, "-m", "tfreview", "scan", str(plan), "-o", form]
    done = subprocess.run(
        [*command, "--output-file", str(out), "--soft-fail"],
        env={**os.environ, "PYTHONPATH": source},
        capture_output=True,
        check=False,
    )
    report = out.read_bytes() if out.exists() else b""
    out.unlink(missing_ok=True)
    return done.returncode, report + b"\n--stderr--\n" + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--before", required=True, help="the source tree to compare with (main's src)")
    parser.add_argument("--plans", type=Path, default=FIXTURES)
    parser.add_argument("--hcl", type=Path, help="a folder of source trees: scan each of them, not plans")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plans = sorted(args.plans.glob("*.json")) if args.hcl is None else []
        trees = sorted(path for path in args.hcl.iterdir() if path.is_dir()) if args.hcl is not None else []
        for size in (1000, 10000) if args.hcl is None else ():
            for prior_state in (False, True):
                plan = Path(tmp) / f"generated-{size}{'-prior-state' if prior_state else ''}.json"
                plan.write_bytes(_dumps(generate(size, prior_state=prior_state)[0]))
                plans.append(plan)
        differing, compared = [], 0
        for plan in plans + trees:
            for form in FORMATS:
                out = Path(tmp) / f"report.{form}"
                before = scan(args.before, plan, form, out)
                after = scan(str(ROOT / "src"), plan, form, out)
                compared += 1
                if before != after:
                    differing.append(f"{plan.name} ({form})")
    what = f"{len(trees)} source trees" if args.hcl is not None else f"{len(plans)} plans"
    print(f"{compared} reports compared ({what} × {len(FORMATS)} formats), {len(differing)} differ")
    for name in differing:
        print(f"  differs: {name}")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
