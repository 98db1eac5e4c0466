"""`tfreview scan DIR -o json` with two source trees side by side: the median CPU of each (user+system, from the
children's rusage) over `--repeat` runs, alternating the trees run by run so load drifts hit both alike, and a digest
of each tree's report (its `timing` left out) to show the output is the same.

    .venv/bin/python benchmarks/scan_cpu_ab.py --before /tmp/base/src --after /tmp/head/src --repeat 4 DIR
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys


def run(tree: str, target: str) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env.update(PYTHONPATH=tree, PYTHONHASHSEED="0")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", target, "-o", "json"], env=env, capture_output=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    document = json.loads(done.stdout)
    document.pop("timing", None)
    digest = hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("target")
    args = parser.parse_args()
    trees = [("before", args.before), ("after", args.after)]
    cpu: dict[str, list[float]] = {name: [] for name, _ in trees}
    digests: dict[str, set[str]] = {name: set() for name, _ in trees}
    for index in range(args.repeat):
        for name, tree in trees if index % 2 == 0 else trees[::-1]:
            seconds, digest = run(tree, args.target)
            cpu[name].append(seconds)
            digests[name].add(digest)
    for name, _ in trees:
        runs = ", ".join(f"{s:.2f}" for s in cpu[name])
        print(f"{name}: median {statistics.median(cpu[name]):.2f} CPU s ({runs}); report {sorted(digests[name])}")


if __name__ == "__main__":
    main()
