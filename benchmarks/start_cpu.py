"""The CPU of starting `tfreview` service processes: one-shot commands on an up-to-date SQLite database and
`serve` until its `/healthz` answers 200, for this checkout and another source tree side by side (ADR 0666–0668).

Both trees first get what the Makefile's `bytecode` step writes (`compileall`, `python -m tfreview.rules`); the
processes run with the environment's PYTHONDONTWRITEBYTECODE (the suite's). Each case runs `--repeat` times,
alternating the trees run by run (so load drifts hit both alike); the figure is
the median of the process's user+system CPU (a one-shot command: its rusage; `serve`: /proc/PID/stat at the first
200 of /healthz, then SIGTERM). `--instructions CASES` adds one run of those one-shot commands under valgrind's
callgrind (instruction counts: the same whatever the load); for "serve to /healthz", `serve --no-worker`'s count
until it prints its URL (`callgrind_control --dump`). Base tree: `git archive main src | tar -x -C /tmp/base`.

    .venv/bin/python benchmarks/start_cpu.py --before /tmp/r20-cli-base/src --repeat 7 \
        --instructions "db upgrade (at head),tokens list,settings error"
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS: dict[str, list[str]] = {
    "db upgrade (at head)": ["db", "upgrade"],
    "tokens list": ["tokens", "list"],
    "secrets status": ["secrets", "status"],
    "incidents list": ["incidents", "list"],
    "settings error": ["tokens", "list"],  # with TFREVIEW_DATABASE__BUSY_TIMEOUT_MS=10
}


def _env(tree: str, data_dir: Path, case: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env.update(PYTHONPATH=tree, PYTHONHASHSEED="0", TFREVIEW_DATABASE__URL=f"sqlite:///{data_dir / 'tfreview.db'}")
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = '[{"value": "bench-secret"}]'
    if case == "settings error":
        env["TFREVIEW_DATABASE__BUSY_TIMEOUT_MS"] = "10"
    return env


def command_cpu(tree: str, data_dir: Path, case: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "tfreview", *COMMANDS[case]],
        env=_env(tree, data_dir, case),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def serve_cpu(tree: str, data_dir: Path) -> float:
    """CPU of `serve --port 0` (worker included, the embedded default) until /healthz first answers 200."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0"],
        env=_env(tree, data_dir, "serve"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "serving on " not in line:
            raise SystemExit(f"serve did not start: {line!r}")
        url = line.split("serving on ", 1)[1].split()[0]
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:  # loopback only
                    if answer.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.01)
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    finally:
        process.terminate()
        process.wait(60)
        if process.stdout is not None:
            process.stdout.close()


def instructions(tree: str, data_dir: Path, case: str, out: Path) -> int:
    target = out / "callgrind.out"
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={target}", sys.executable, "-m", "tfreview"]
        + COMMANDS[case],
        env=_env(tree, data_dir, case),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    found = re.search(r"^(?:totals|summary):\s+(\d+)", target.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"no totals line in {target}")
    target.unlink()
    return int(found.group(1))


def serve_instructions(tree: str, data_dir: Path, out: Path) -> int:
    """Instructions of `serve --no-worker --port 0` until it prints its URL (callgrind_control dumps the counts then;
    without the worker: its polling under valgrind's slowness would add a count that depends on the wait)."""
    target = out / "callgrind.serve"
    valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={target}"]
    process = subprocess.Popen(
        [*valgrind, sys.executable, "-m", "tfreview", "serve", "--no-worker", "--port", "0"],
        env=_env(tree, data_dir, "serve"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "serving on " not in line:
            raise SystemExit(f"serve did not start under valgrind: {line!r}")
        subprocess.run(["callgrind_control", "--dump=listening", str(process.pid)], check=True, capture_output=True)
        dumps = sorted(out.glob("callgrind.serve.*"))
        if not dumps:
            raise SystemExit(f"no callgrind dump in {out}")
        found = re.search(r"^(?:totals|summary):\s+(\d+)", dumps[0].read_text(), re.MULTILINE)
        if found is None:
            raise SystemExit(f"no totals line in {dumps[0]}")
        return int(found.group(1))
    finally:
        process.terminate()
        process.wait(600)
        if process.stdout is not None:
            process.stdout.close()
        for leftover in out.glob("callgrind.serve*"):
            leftover.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", required=True, help="the source tree to compare with (main's src)")
    parser.add_argument("--after", default=str(ROOT / "src"), help="the tree measured against it (this checkout's)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--instructions", default="", help="the one-shot cases to count instructions of (callgrind)")
    parser.add_argument("--cases", default=",".join([*COMMANDS, "serve to /healthz"]))
    args = parser.parse_args()
    trees = {"before": args.before, "this checkout": args.after}
    for tree in trees.values():  # each tree's `make bytecode` (bytecode, rule index, records), outside the runs
        subprocess.run([sys.executable, "-m", "compileall", "-q", tree], check=True)
        subprocess.run(
            [sys.executable, "-m", "tfreview.rules"],
            env={**os.environ, "PYTHONPATH": tree},
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(f"load before: {os.getloadavg()[0]:.2f} (1 min)", flush=True)
    print("| start | before CPU s | this checkout CPU s | ratio |" + (" before instr. | after instr. |" * 1))
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            dirs = {name: Path(tmp) / f"{name}-{case}".replace(" ", "_").replace("/", "") for name in trees}
            for name, tree in trees.items():  # a database at the head, with its files made, before measuring
                dirs[name].mkdir()
                setup = _env(tree, dirs[name], "db upgrade (at head)")
                subprocess.run(
                    [sys.executable, "-m", "tfreview", "db", "upgrade"],
                    env=setup,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            cpu: dict[str, list[float]] = {name: [] for name in trees}
            for _ in range(args.repeat):
                for name, tree in trees.items():
                    if case == "serve to /healthz":
                        cpu[name].append(serve_cpu(tree, dirs[name]))
                    else:
                        cpu[name].append(command_cpu(tree, dirs[name], case))
            medians = {name: statistics.median(values) for name, values in cpu.items()}
            counts = ["", ""]
            if case in args.instructions.split(",") and case != "serve to /healthz":
                counts = [f"{instructions(t, dirs[n], case, Path(tmp)) / 1e6:,.0f} M" for n, t in trees.items()]
            elif case in args.instructions.split(","):  # to its URL, without the worker (serve_instructions)
                counts = [f"{serve_instructions(t, dirs[n], Path(tmp)) / 1e6:,.0f} M" for n, t in trees.items()]
            ratio = medians["this checkout"] / medians["before"]
            print(
                f"| {case} | {medians['before']:.2f} | {medians['this checkout']:.2f} | {ratio:.2f}× | "
                f"{counts[0]} | {counts[1]} |",
                flush=True,
            )
            for directory in dirs.values():
                shutil.rmtree(directory, ignore_errors=True)
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
