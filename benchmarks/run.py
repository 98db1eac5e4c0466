"""tfreview vs Checkov on the same scaled plans, side by side in one run (`make bench`).

For each size: generate the plan and its manifest (benchmarks/generate_plan.py), then time, as whole
processes started from here (Python start-up and imports included),
  * the parse floor: `python -c "import orjson; orjson.loads(file)"` from tfreview's venv,
  * tfreview: `tfreview scan PLAN -o json --output-file … --soft-fail`,
  * Checkov 3.3.30 in its own virtualenv: `checkov -f PLAN --framework terraform_plan -o json --quiet
    --skip-download --soft-fail`, stopped (its whole process group) after --checkov-timeout seconds,
recording wall time, CPU time and peak RSS (os.wait4) and keeping the median run, then detection of
the injected risks (the manifest) by each tool. Prints a table and writes benchmarks/out/results.md
and results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CHECKOV_VERSION = "3.3.30"
sys.path.insert(0, str(HERE))

from generate_plan import generate  # noqa: E402  (the generator lives beside this script)


@dataclass
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system CPU seconds of the process and the children it waited for
    peak_mib: float  # peak resident set size
    finished: bool
    returncode: int | None


@dataclass
class Detection:
    found: int
    missed: list[dict[str, str]]


def measure(command: list[str], timeout: float | None = None, stdout: Path | None = None) -> Run:
    """Wall time, CPU time and peak RSS of one process, killed with its group after `timeout` seconds."""
    sink = stdout.open("wb") if stdout else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "NO_COLOR": "1"},
            start_new_session=True,  # its own process group, so a timeout stops any worker it forked
        )
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                elapsed = time.perf_counter() - started
                cpu = usage.ru_utime + usage.ru_stime
                return Run(elapsed, cpu, usage.ru_maxrss / 1024, True, os.waitstatus_to_exitcode(status))
            if deadline is not None and time.perf_counter() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                cpu = usage.ru_utime + usage.ru_stime
                return Run(time.perf_counter() - started, cpu, usage.ru_maxrss / 1024, False, None)
            time.sleep(0.002)
    finally:
        if stdout:
            sink.close()  # type: ignore[union-attr]


def median(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[len(ordered) // 2]


def checkov_binary(venv: Path) -> Path | None:
    """Checkov in its own virtualenv, installed there once (with orjson, as in reference/static-peers.md)."""
    binary = venv / "bin" / "checkov"
    if binary.exists():
        return binary
    print(f"installing checkov {CHECKOV_VERSION} into {venv} (once)…", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(venv / "bin" / "pip"),
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
        return None
    return binary


def tfreview_detection(report: Path, manifest: list[dict[str, str]]) -> Detection:
    """A risk is detected when a finding on its address comes from a rule whose references hold its Checkov id."""
    document = json.loads(report.read_text(encoding="utf-8"))
    flagged = {(f["address"], ref) for f in document["findings"] for ref in f.get("references", [])}
    missed = [m for m in manifest if (m["address"], m["checkov_id"]) not in flagged]
    return Detection(len(manifest) - len(missed), missed)


def checkov_detection(report: Path, manifest: list[dict[str, str]]) -> Detection | None:
    """A risk is detected when Checkov fails its check id on its address."""
    try:
        document = json.loads(report.read_text(encoding="utf-8") or "null")
    except ValueError:
        return None
    flagged: set[tuple[str, str]] = set()
    for entry in document if isinstance(document, list) else [document]:
        if not isinstance(entry, dict):
            continue
        for check in entry.get("results", {}).get("failed_checks", []):
            for key in ("resource_address", "resource"):
                if isinstance(check.get(key), str):
                    flagged.add((check[key], str(check.get("check_id"))))
    missed = [m for m in manifest if (m["address"], m["checkov_id"]) not in flagged]
    return Detection(len(manifest) - len(missed), missed)


def main() -> None:
    parser = argparse.ArgumentParser(description="tfreview vs Checkov on scaled plans")
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=5, help="runs of tfreview and of the parse floor; median kept")
    parser.add_argument("--checkov-repeat", type=int, default=3, help="Checkov runs at sizes up to 1 000")
    parser.add_argument("--checkov-repeat-large", type=int, default=1, help="Checkov runs above 1 000 (slow)")
    parser.add_argument(
        "--checkov-timeout", type=float, default=300.0, help="stop a Checkov run above 10 000 resources after this (s)"
    )
    parser.add_argument(
        "--checkov-timeout-small", type=float, default=1800.0, help="the same, up to 10 000 resources (a safety net)"
    )
    parser.add_argument("--checkov-max", type=int, default=None, help="do not run Checkov above this size")
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument("--checkov-venv", type=Path, default=OUT / "checkov-venv")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    checkov = None if args.no_checkov else checkov_binary(args.checkov_venv)
    tfreview = str(Path(sys.executable).parent / "tfreview")
    # an installed package ships compiled bytecode; an editable checkout may run with PYTHONDONTWRITEBYTECODE
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "tfreview")], check=True)
    # and the rule library's index (ADR 0290), which a scan writes itself only where Python writes bytecode
    subprocess.run([sys.executable, "-m", "tfreview.rules"], check=True, stdout=subprocess.DEVNULL)
    rows: list[dict[str, Any]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        plan, manifest_path = OUT / f"plan-{size}.json", OUT / f"manifest-{size}.json"
        document, manifest = generate(size)
        plan.write_bytes(_dumps(document))
        del document
        manifest_path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        floor_command = [sys.executable, "-c", "import orjson,sys; orjson.loads(open(sys.argv[1],'rb').read())"]
        floor_command.append(str(plan))
        ours_report = OUT / f"tfreview-{size}.json"
        ours_command = [tfreview, "scan", str(plan), "-o", "json", "--output-file", str(ours_report), "--soft-fail"]
        measure(floor_command)  # warm-up (page cache), not counted
        measure(ours_command)
        floor = median([measure(floor_command) for _ in range(args.repeat)])
        ours = median([measure(ours_command) for _ in range(args.repeat)])
        row: dict[str, Any] = {
            "resources": size,
            "plan_mib": plan.stat().st_size / 2**20,
            "floor": floor,
            "tfreview": ours,
            "injected": len(manifest),
            "tfreview_detection": tfreview_detection(ours_report, manifest),
            "checkov": None,
            "checkov_runs": 0,
            "checkov_detection": None,
        }
        if checkov is not None and (args.checkov_max is None or size <= args.checkov_max):
            theirs_report = OUT / f"checkov-{size}.json"
            runs = args.checkov_repeat if size <= 1000 else args.checkov_repeat_large
            checkov_command = [str(checkov), "-f", str(plan), "--framework", "terraform_plan", "-o", "json"]
            checkov_command += ["--quiet", "--skip-download", "--soft-fail"]
            timeout = args.checkov_timeout if size > 10_000 else args.checkov_timeout_small
            theirs = median([measure(checkov_command, timeout, theirs_report) for _ in range(runs)])
            row["checkov"], row["checkov_runs"] = theirs, runs
            if theirs.finished:
                row["checkov_detection"] = checkov_detection(theirs_report, manifest)
        rows.append(row)
        print(_row_line(row), flush=True)
    table = _table(rows, args)
    (OUT / "results.md").write_text(table, encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps(_plain(rows), indent=1), encoding="utf-8")
    print("\n" + table)


def _dumps(document: dict[str, Any]) -> bytes:
    try:
        import orjson
    except ImportError:
        return json.dumps(document).encode()
    return orjson.dumps(document)


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def convert(value: Any) -> Any:
        return asdict(value) if isinstance(value, Run | Detection) else value

    return [{key: convert(value) for key, value in row.items()} for row in rows]


def _row_line(row: dict[str, Any]) -> str:
    parts = [f"{row['resources']:>6} resources"]
    for key in ("floor", "tfreview", "checkov"):
        run: Run | None = row[key]
        if run is not None:
            state = "" if run.finished else " (stopped)"
            parts.append(f"{key} {run.seconds:.2f}s wall {run.cpu:.2f}s cpu {run.peak_mib:.0f}MiB{state}")
    found = [row["tfreview_detection"].found]
    if row["checkov_detection"] is not None:
        found.append(row["checkov_detection"].found)
    parts.append(f"found {'/'.join(map(str, found))} of {row['injected']}")
    return " | ".join(parts)


def _table(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}; "
        f"median of {args.repeat} runs (tfreview, floor); Checkov {args.checkov_repeat} runs up to 1k, "
        f"{args.checkov_repeat_large} above, stopped after {args.checkov_timeout:.0f} s above 10k resources; "
        f"load average at the end {os.getloadavg()[0]:.1f}.",
        "",
        "| resources | plan MiB | parse floor (orjson) | tfreview | tfreview / floor (wall, cpu) "
        "| Checkov | Checkov / tfreview (wall) | injected | found by tfreview | found by Checkov |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        floor, ours, theirs = row["floor"], row["tfreview"], row["checkov"]
        if theirs is None:
            checkov_cell, ratio = "not run", "—"
        elif not theirs.finished:
            checkov_cell = f"**did not finish**: stopped at {theirs.seconds:.0f} s, ≥ {theirs.peak_mib:.0f} MiB"
            ratio = f"> {theirs.seconds / ours.seconds:.0f}×"
        else:
            checkov_cell = f"{theirs.seconds:.2f} s, {theirs.peak_mib:.0f} MiB"
            ratio = f"{theirs.seconds / ours.seconds:.0f}×"
        theirs_found = row["checkov_detection"]
        lines.append(
            f"| {row['resources']:,} | {row['plan_mib']:.1f} "
            f"| {floor.seconds:.2f} s ({floor.cpu:.2f} cpu), {floor.peak_mib:.0f} MiB "
            f"| {ours.seconds:.2f} s ({ours.cpu:.2f} cpu), {ours.peak_mib:.0f} MiB "
            f"| {ours.seconds / floor.seconds:.1f}×, {ours.cpu / floor.cpu:.1f}× | {checkov_cell} | {ratio} "
            f"| {row['injected']} | {row['tfreview_detection'].found} "
            f"| {'—' if theirs_found is None else theirs_found.found} |"
        )
    lines.append("")
    for row in rows:
        for tool in ("tfreview", "checkov"):
            detection: Detection | None = row[f"{tool}_detection"]
            if detection is None or not detection.missed:
                continue
            by_risk: dict[str, int] = {}
            for miss in detection.missed:
                key = f"{miss['risk']} ({miss['checkov_id']})"
                by_risk[key] = by_risk.get(key, 0) + 1
            missed = ", ".join(f"{risk} × {count}" for risk, count in sorted(by_risk.items()))
            lines.append(f"- {row['resources']:,} resources, {tool} missed {len(detection.missed)}: {missed}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
