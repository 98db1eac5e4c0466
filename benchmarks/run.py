"""tfreview vs Checkov on the same scaled plans, side by side in one run (`make bench`).

For each size: generate the plan (benchmarks/generate_plan.py), then time, as whole processes,
  * the parse floor: `python -c "orjson.loads(file)"` from tfreview's venv,
  * tfreview: `tfreview scan PLAN -o json --output-file … --soft-fail`,
  * Checkov 3.3.30 in its own virtualenv: `checkov -f PLAN --framework terraform_plan -o json --quiet
    --skip-download --soft-fail` (stopped after --checkov-timeout seconds),
recording wall time and peak RSS (os.wait4), and detection of the injected risks (manifest).
Prints a table with ratios and writes benchmarks/out/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CHECKOV_VERSION = "3.3.30"
sys.path.insert(0, str(HERE))

from generate_plan import generate  # noqa: E402  (the generator lives beside this script)


@dataclass
class Run:
    seconds: float
    peak_mib: float
    finished: bool
    returncode: int | None


def measure(command: list[str], timeout: float | None = None, stdout: Path | None = None) -> Run:
    """Wall time and peak RSS of one process (and what it waited for)."""
    sink = stdout.open("wb") if stdout else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=sink, stderr=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
    deadline = None if timeout is None else started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            elapsed = time.perf_counter() - started
            if stdout:
                sink.close()  # type: ignore[union-attr]
            return Run(elapsed, usage.ru_maxrss / 1024, True, os.waitstatus_to_exitcode(status))
        if deadline is not None and time.perf_counter() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            if stdout:
                sink.close()  # type: ignore[union-attr]
            return Run(time.perf_counter() - started, usage.ru_maxrss / 1024, False, None)
        time.sleep(0.005)


def checkov_venv(path: Path) -> Path | None:
    binary = path / "bin" / "checkov"
    if binary.exists():
        return binary
    print(f"installing checkov {CHECKOV_VERSION} into {path} (once)…", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run(
            [
                str(path / "bin" / "pip"),
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"checkov=={CHECKOV_VERSION}",
                "orjson",
            ],
            check=True,
        )
    except subprocess.CalledProcessError as exc:
        print(f"could not install checkov: {exc}; comparing without it", flush=True)
        shutil.rmtree(path, ignore_errors=True)
        return None
    return binary


def tfreview_detected(report: Path, manifest: list[dict[str, str]]) -> int:
    document = json.loads(report.read_text())
    flagged = {(f["address"], ref) for f in document["findings"] for ref in f.get("references", [])}
    return sum((m["address"], m["checkov_id"]) in flagged for m in manifest)


def checkov_detected(report: Path, manifest: list[dict[str, str]]) -> int | None:
    try:
        document = json.loads(report.read_text() or "null")
    except ValueError:
        return None
    reports = document if isinstance(document, list) else [document]
    flagged = set()
    for entry in reports:
        if not isinstance(entry, dict):
            continue
        for check in entry.get("results", {}).get("failed_checks", []):
            flagged.add((check.get("resource", ""), check.get("check_id")))
    return sum((m["address"], m["checkov_id"]) in flagged for m in manifest)


def main() -> None:
    parser = argparse.ArgumentParser(description="tfreview vs Checkov on scaled plans")
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool and size; the median is kept")
    parser.add_argument("--checkov-timeout", type=float, default=300.0)
    parser.add_argument("--checkov-max", type=int, default=10000, help="skip Checkov above this size")
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument("--checkov-venv", type=Path, default=OUT / "checkov-venv")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    checkov = None if args.no_checkov else checkov_venv(args.checkov_venv)
    tfreview = str(Path(sys.executable).parent / "tfreview")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        plan, manifest_path = OUT / f"plan-{size}.json", OUT / f"manifest-{size}.json"
        document, manifest = generate(size)
        plan.write_text(json.dumps(document))
        manifest_path.write_text(json.dumps(manifest, indent=1))
        mib = plan.stat().st_size / 2**20
        floor = _median(
            [
                measure(
                    [sys.executable, "-c", "import orjson,sys; orjson.loads(open(sys.argv[1],'rb').read())", str(plan)]
                )
                for _ in range(args.repeat)
            ]
        )
        ours_report = OUT / f"tfreview-{size}.json"
        ours = _median(
            [
                measure([tfreview, "scan", str(plan), "-o", "json", "--output-file", str(ours_report), "--soft-fail"])
                for _ in range(args.repeat)
            ]
        )
        ours_found = tfreview_detected(ours_report, manifest)
        theirs: Run | None = None
        theirs_found: int | None = None
        if checkov is not None and size <= args.checkov_max:
            theirs_report = OUT / f"checkov-{size}.json"
            runs = 1 if size > 1000 else args.repeat
            theirs = _median(
                [
                    measure(
                        [
                            str(checkov),
                            "-f",
                            str(plan),
                            "--framework",
                            "terraform_plan",
                            "-o",
                            "json",
                            "--quiet",
                            "--skip-download",
                            "--soft-fail",
                        ],
                        args.checkov_timeout,
                        theirs_report,
                    )
                    for _ in range(runs)
                ]
            )
            theirs_found = checkov_detected(theirs_report, manifest) if theirs.finished else None
        rows.append((size, mib, floor, ours, theirs, len(manifest), ours_found, theirs_found))
        _print_row(rows[-1])
    table = _table(rows)
    (OUT / "results.md").write_text(table)
    print("\n" + table)


def _median(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[len(ordered) // 2]


def _print_row(row: tuple[object, ...]) -> None:
    print(
        " | ".join(str(c) if not isinstance(c, Run) else f"{c.seconds:.2f}s/{c.peak_mib:.0f}MiB" for c in row),
        flush=True,
    )


def _table(rows: list[tuple[int, float, Run, Run, Run | None, int, int, int | None]]) -> str:
    lines = [
        "| resources | plan MB | parse floor (orjson) | tfreview | tfreview / floor | Checkov | Checkov / tfreview "
        "| injected risks | found by tfreview | found by Checkov |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, mib, floor, ours, theirs, injected, ours_found, theirs_found in rows:
        if theirs is None:
            checkov_cell, ratio = "not run", "—"
        elif not theirs.finished:
            checkov_cell, ratio = f"> {theirs.seconds:.0f} s (stopped), ≥ {theirs.peak_mib:.0f} MiB", "—"
        else:
            checkov_cell = f"{theirs.seconds:.2f} s, {theirs.peak_mib:.0f} MiB"
            ratio = f"{theirs.seconds / ours.seconds:.0f}×"
        lines.append(
            f"| {size:,} | {mib:.1f} | {floor.seconds:.2f} s, {floor.peak_mib:.0f} MiB "
            f"| {ours.seconds:.2f} s, {ours.peak_mib:.0f} MiB | {ours.seconds / floor.seconds:.1f}× | {checkov_cell} "
            f"| {ratio} | {injected} | {ours_found} | {'—' if theirs_found is None else theirs_found} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
