"""Cost of loading the rule library in a fresh process: every rule vs only the rules of a plan's types.

    .venv/bin/python benchmarks/rule_loading.py PLAN.json [--repeat 7]

Each measurement is a new interpreter (imports included), CPU time (user + sys) from `os.wait4`,
median of `--repeat` runs: `import tfreview.rules` alone, `load_rules()` (the whole library), and
`load_rules_for(types)` with the resource types of PLAN (what a review of PLAN needs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

SNIPPETS = {
    "import only": "import tfreview.rules",
    "load_rules()": "from tfreview.rules import load_rules; load_rules()",
    "load_rules_for(plan types)": (
        "import json, sys; from tfreview.rules import load_rules_for; "
        "types = {c.get('type') for c in json.load(open(sys.argv[1]))['resource_changes']}; "
        "print(len(load_rules_for(types)), len(types), file=sys.stderr)"
    ),
}


def cpu_seconds(code: str, plan: Path) -> float:
    process = subprocess.Popen([sys.executable, "-c", code, str(plan)], stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("plan", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    types = {c.get("type") for c in json.loads(args.plan.read_bytes())["resource_changes"]}
    from tfreview.rules import load_rules, load_rules_for

    print(f"{len(load_rules())} rules in the library; {len(load_rules_for(types))} concern the {len(types)} types")
    for label, code in SNIPPETS.items():
        runs = [cpu_seconds(code, args.plan) for _ in range(args.repeat)]
        print(f"{label:28} {statistics.median(runs) * 1000:7.1f} ms CPU (median of {args.repeat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
