"""A review process's start (ADR 0743): from `ReviewProcess(...)` to its first answer — the interpreter's start, its
imports, the settings through its pipe, one request answered (a pull request's review with settings that have no
GitHub App: refused in the child with a ConfigError, as fast as an answer can come) — and the stop that follows.

For each source tree named (`--src`, e.g. main's: `git archive main src | tar -x -C /tmp/main-src`; the working
tree's by default), a child Python on that tree starts `--starts` review processes one after another and reports
each one's spawn-to-first-answer time and the review process's CPU by then (less moved by a busy host); trees are
interleaved over `--repeats` rounds (a fresh child per round and tree), medians printed side by side. The processes
a start leaves running beside the review process (the `multiprocessing` resource tracker of ADR 0740's spawn) are
counted once per child.

    python benchmarks/review_process_start.py --src /tmp/main-src/src --src src --starts 5 --repeats 6
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def measure(starts: int) -> dict[str, object]:
    import pickle
    from datetime import UTC, datetime

    import tfreview
    from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
    from tfreview.settings import Settings
    from tfreview.worker.review_child import Failed
    from tfreview.worker.review_processes import ReviewProcess

    now = datetime.now(UTC)
    stored = StoredReview("r-1", "github:42", SourceInfo("github", "octo/infra", 1), ReviewStatus.IN_PROGRESS, now, now)
    settings = pickle.dumps(Settings())
    seconds, cpu = [], []
    for _ in range(starts):
        begun = time.perf_counter()
        child = ReviewProcess(settings)
        answer = child.ask((stored, {}, {}), lambda: False)
        seconds.append(time.perf_counter() - begun)
        cpu.append(_cpu_seconds(child.pid))
        assert isinstance(answer, Failed)
        child.stop()
    others = [pid for pid in _children() if pid != child.pid]  # what stayed beside the review processes
    return {"tree": str(Path(tfreview.__file__).parent.parent), "seconds": seconds, "cpu": cpu, "others": len(others)}


def _cpu_seconds(pid: int) -> float:
    """The process's user and system CPU so far (/proc/<pid>/stat), its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid() and fields[0] not in ("Z", "X"):
                found.append(int(entry.name))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", action="append", help="a source tree's src directory (repeatable)")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=6)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure(options.starts)))
        return
    trees = options.src or [str(Path(__file__).resolve().parent.parent / "src")]
    results: dict[str, list[float]] = {tree: [] for tree in trees}
    cpu: dict[str, list[float]] = {tree: [] for tree in trees}
    others: dict[str, set[int]] = {tree: set() for tree in trees}
    for _ in range(options.repeats):
        for tree in trees:
            env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}
            command = [sys.executable, __file__, "--child", "--starts", str(options.starts)]
            out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
            report = json.loads(out.strip().splitlines()[-1])
            assert Path(report["tree"]).resolve() == Path(tree).resolve(), report["tree"]
            results[tree] += report["seconds"]
            cpu[tree] += report["cpu"]
            others[tree].add(report["others"])
    print("| tree | starts | median ms | p10 ms | p90 ms | child CPU ms, median | other children |")
    print("|---|---|---|---|---|---|---|")
    for tree, seconds in results.items():
        deciles = statistics.quantiles(seconds, n=10)
        print(
            f"| {tree} | {len(seconds)} | {statistics.median(seconds) * 1000:.0f} | {deciles[0] * 1000:.0f}"
            f" | {deciles[-1] * 1000:.0f} | {statistics.median(cpu[tree]) * 1000:.0f} | {sorted(others[tree])} |"
        )


if __name__ == "__main__":
    main()
