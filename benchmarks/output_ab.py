"""Byte-identical output, before and after a change to the review or report path (issue 13).

Runs `tfreview scan PLAN -o json -o sarif -o markdown -o text` (the first three to files, text to stdout) with a
"before" source tree and with this checkout's, on every fixture plan (../shared/fixtures/plans/**/*.json and
tests/data/**/*.json, plans or not: an input error must stay the same error) and on generated plans, then
compares the three report files, stdout, stderr and the exit code byte for byte. "Before" is a source tree put
first on PYTHONPATH, made as for benchmarks/scan_ab.py:

    git archive main src | tar -x -C /tmp/main-src
    .venv/bin/python benchmarks/output_ab.py --before /tmp/main-src/src --sizes 1000,10000

Prints one line per difference and a count; exits 1 when anything differs.
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

FORMATS = ("json", "sarif", "markdown")  # to files; `text` goes to stdout


def _outputs(tree: str, plan: Path, out: Path) -> dict[str, bytes]:
    """Every byte one scan writes: its report files, stdout, stderr and exit code."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "tfreview", "scan", str(plan)]
    for fmt in FORMATS:
        command += ["-o", fmt]
    command += ["-o", "text"]
    for fmt in FORMATS:
        command += ["--output-file", str(out / f"report.{fmt}")]
    env = {**os.environ, "PYTHONPATH": tree, "NO_COLOR": "1"}
    done = subprocess.run(command, env=env, capture_output=True, cwd=ROOT, check=False)
    result = {"stdout": done.stdout, "stderr": done.stderr, "exit": str(done.returncode).encode()}
    for fmt in FORMATS:
        report = out / f"report.{fmt}"
        result[fmt] = report.read_bytes() if report.exists() else b"(none)"
        report.unlink(missing_ok=True)
    return result


def plans(sizes: list[int], tmp: Path) -> list[Path]:
    found = sorted((ROOT.parent / "shared" / "fixtures" / "plans").rglob("*.json"))
    found += sorted((ROOT / "tests" / "data").rglob("*.json"))
    for size in sizes:
        plan = tmp / f"generated-{size}.json"
        document, _ = generate(size)
        plan.write_bytes(_dumps(document))
        found.append(plan)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--before", required=True, help="the source tree to compare with (main's src)")
    parser.add_argument("--sizes", default="1000,10000", help="generated plans to add (empty: none)")
    parser.add_argument("--after", default=str(ROOT / "src"), help="the source tree to check (this checkout's)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    after = args.after
    differences = 0
    with tempfile.TemporaryDirectory() as tmp:
        every = plans(sizes, Path(tmp))
        for plan in every:
            old = _outputs(args.before, plan, Path(tmp) / "before")
            new = _outputs(after, plan, Path(tmp) / "after")
            for part in old:
                if old[part] != new[part]:
                    differences += 1
                    print(f"DIFFERS {part}: {plan}")
    print(
        f"{len(every)} plans, {len(every) * 6} outputs compared (json, sarif, markdown, stdout, stderr, exit), "
        f"{differences} differences"
    )
    raise SystemExit(1 if differences else 0)


if __name__ == "__main__":
    main()
