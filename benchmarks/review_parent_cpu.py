"""The worker's own CPU per review of an uploaded plan — what holds the server's interpreter lock (ADR 0702).

The intake of `tfreview serve` shares one interpreter lock with the embedded worker threads: what a worker thread
computes itself, the intake waits for. This measures it without the noise of a load generator: for each source tree
named (`--src`, e.g. main's, `git archive main src | tar -x -C /tmp/main-src`; the working tree's by default), a
child Python on that tree uploads `--plans` copies of one generated plan (generate_plan.py, `--resources`) into a
fresh SQLite database, then runs `service.reviewing.run_review` on each, as a worker thread does (review processes
on, `worker.review_process`), and reports per review: the calling thread's CPU (time.thread_time: the interpreter
lock's share), the review processes' CPU (their /proc counters) and the wall time. Trees are interleaved over
`--repeats` rounds; medians are printed side by side.

    python benchmarks/review_parent_cpu.py --src /tmp/main-src/src --src src --plans 12 --resources 1000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    """CPU seconds of this process's children (the review processes): the live ones from /proc, the ended ones
    (a process over `worker.review_process_max_rss_mib` is ended after its review, ADR 0703) from os.times."""
    ended = os.times()
    total = ended.children_user + ended.children_system
    me = str(os.getpid())
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def measure(plan: Path, plans: int, processes: bool) -> list[tuple[float, float, float]]:
    """(thread CPU, review processes' CPU, wall) per review, in this interpreter (run with the tree's PYTHONPATH)."""
    import time
    from datetime import UTC, datetime

    from tfreview.ports.job_types import ReviewJob
    from tfreview.ports.records import SourceInfo
    from tfreview.service.reviewing import run_review
    from tfreview.service.uploads import accept_upload
    from tfreview.settings import Settings
    from tfreview.store.migrate import upgrade
    from tfreview.wiring import build_services
    from tfreview.worker.review_processes import with_review_processes

    body = plan.read_bytes()
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-parent-") as data:
        url = f"sqlite:///{data}/tfreview.db"
        upgrade(url)
        settings = Settings.model_validate({"database": {"url": url}, "worker": {"review_process": processes}})
        services = build_services(settings)
        services = with_review_processes(services, None)
        ids = []
        for n in range(plans + 1):
            metadata = {"source": "api", "commit_sha": f"{n:040x}"}
            review_id, _ = accept_upload(
                services, "api:bench", body, "plan", metadata, SourceInfo(kind="api"), datetime.now(UTC)
            )
            ids.append(review_id)
        found = []
        for n, review_id in enumerate(ids):
            stored = services.reviews.get(review_id, None)
            assert stored is not None
            job = ReviewJob.for_review(stored.tenant_id, stored.id, plan_id=stored.plan_id)
            cpu, children, wall = time.thread_time(), _children_cpu(), time.perf_counter()
            run_review(services, job, lambda: None)
            spent = (time.thread_time() - cpu, _children_cpu() - children, time.perf_counter() - wall)
            if n:  # the first starts the review process (spawn, imports): not a review's cost
                found.append(spent)
        if services.review_processes is not None:
            services.review_processes.close()
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--src", action="append", help="a tree's src directory (repeatable; default: this tree's)")
    parser.add_argument("--plans", type=int, default=12, help="reviews measured per tree and round")
    parser.add_argument("--resources", type=int, default=1000, help="resources of the generated plan")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (trees interleaved)")
    parser.add_argument("--threads", action="store_true", help="also each tree with worker.review_process off")
    args = parser.parse_args()
    trees = [str(Path(s).resolve()) for s in (args.src or [str(HERE.parent / "src")])]
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-parent-plan-") as folder:
        plan = Path(folder) / "plan.json"
        generate = [sys.executable, str(HERE / "generate_plan.py"), "--resources", str(args.resources)]
        subprocess.run([*generate, "--out", str(plan)], check=True, capture_output=True)
        variants = [(tree, True) for tree in trees] + ([(tree, False) for tree in trees] if args.threads else [])
        results: dict[tuple[str, bool], list[tuple[float, float, float]]] = {v: [] for v in variants}
        print(f"load average {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs; plan {plan.stat().st_size} bytes")
        for round_ in range(args.repeats):
            for tree, processes in variants:
                env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
                env["PYTHONPATH"] = tree
                argv = [sys.executable, __file__, "--child", str(plan), str(args.plans), str(int(processes))]
                done = subprocess.run(argv, env=env, check=True, capture_output=True, text=True)
                found = json.loads(done.stdout.strip().splitlines()[-1])
                results[(tree, processes)].extend(tuple(f) for f in found)
                cpu = statistics.median(f[0] for f in found) * 1000
                print(f"round {round_ + 1} {tree} processes={processes}: worker thread {cpu:.0f} ms per review")
        print(f"load average {os.getloadavg()[0]:.2f} (1 min)\n")
        print("| tree | review processes | worker thread CPU ms per review | review processes' CPU ms | wall ms |")
        print("|---|---|---|---|---|")
        for (tree, processes), found in results.items():
            cpu, children, wall = (statistics.median(f[i] for f in found) * 1000 for i in range(3))
            print(f"| {tree} | {'on' if processes else 'off'} | {cpu:.0f} | {children:.0f} | {wall:.0f} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        import logging

        logging.disable(logging.WARNING)
        found = measure(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1")
        print(json.dumps(found))
    else:
        main()
