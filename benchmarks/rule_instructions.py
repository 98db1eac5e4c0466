"""Instructions of each rule's checks in a scan of a generated plan, counted by valgrind's callgrind (issue 13).

One process loads the plan as a scan does (`load_plan`), loads the rules of its types, builds the `Resource`s of
both sides as the engine does, then runs the state rules rule by rule: every check of one rule over every resource
of its types, the after side then the before side (hits listed, nothing folded), with a callgrind dump after each
rule, so each rule's row holds exactly its own checks. The engine runs them resource by resource instead; the
instructions a rule spends are the same but for shared caches: the first rule to read a policy document (or any
other cached fact) pays for it here. PYTHONHASHSEED fixed. `--src` puts another source tree first on PYTHONPATH
(compiled, its rule index written) for a before/after table; `--plan` scans a given plan file instead:

    .venv/bin/python benchmarks/rule_instructions.py --size 10000 --src /tmp/main/src --top 25
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
from scan_phase_instructions import build_dump_helper, prepare_checkout  # noqa: E402

# Runs in the measured process: argv = [helper library, plan].
_RULES = r"""
import ctypes, gc, sys
gc.disable()  # as `tfreview scan` runs (cli.py)
_dump = ctypes.CDLL(sys.argv[1]).cg_dump
def dump(label):
    _dump(label.encode())
from tfreview.core.plan import ChangeKind
from tfreview.core.review import _resource
from tfreview.core.rules import Snapshot
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules_for
with open(sys.argv[2], "rb") as stream:
    change_set = load_plan(stream.read(), sys.argv[2])
rules = [rule for rule in load_rules_for({c.type for c in change_set.changes}) if rule.check is not None]
managed = [c for c in change_set.changes if c.mode == "managed"]
sides = [
    [_resource(c, "after") for c in managed if c.after is not None and c.kind is not ChangeKind.DELETE],
    [_resource(c, "before") for c in managed if c.before is not None and c.kind is not ChangeKind.CREATE],
]
snapshots = [Snapshot(side) for side in sides]
by_type = [{} for _ in sides]
for found, side in zip(by_type, sides):
    for resource in side:
        found.setdefault(resource.type, []).append(resource)
dump("setup")
for rule in rules:
    types = frozenset(rule.resource_types)
    pairs = 0
    for side, found, snapshot in zip(sides, by_type, snapshots):
        for resource in [r for t in rule.resource_types for r in found.get(t, ())] if types else side:
            pairs += 1
            try:
                list(rule.check(resource, snapshot))
            except Exception:
                pass
    kind = "toml" if rule.declarative else "python"
    dump(f"{rule.id} {kind} {pairs}")
"""


def counts(plan: Path, helper: Path, src: str, out: Path) -> dict[str, tuple[str, int, int]]:
    """rule id -> (kind, resource/rule pairs, instructions)."""
    for old in out.glob("callgrind.out*"):
        old.unlink()
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out / 'callgrind.out'}",
            sys.executable,
            "-c",
            _RULES,
            str(helper),
            str(plan),
        ],
        env={**os.environ, "PYTHONPATH": src, "PYTHONHASHSEED": "0"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    found: dict[str, tuple[str, int, int]] = {}
    for dumped in out.glob("callgrind.out.*"):
        text = dumped.read_text()
        trigger = re.search(r"^desc: Trigger: (?:Client Request: )?(\S+) (python|toml) (\d+)$", text, re.MULTILINE)
        summary = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.MULTILINE)
        if trigger and summary:
            found[trigger.group(1)] = (trigger.group(2), int(trigger.group(3)), int(summary.group(1)))
        dumped.unlink()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--src", default=None, help="another source tree to count beside this checkout's")
    parser.add_argument("--top", type=int, default=25, help="rows of the costliest rules (the five cheapest follow)")
    parser.add_argument("--plan", default=None, help="a plan JSON file to scan instead of a generated one")
    args = parser.parse_args()
    prepare_checkout()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        helper = build_dump_helper(out)
        plan = out / "plan.json"
        if args.plan:
            plan = Path(args.plan)
        else:
            document, _ = generate(args.size)
            plan.write_bytes(_dumps(document))
            del document
        trees = ([("--src", args.src)] if args.src else []) + [("this checkout", str(ROOT / "src"))]
        counted = [(name, counts(plan, helper, src, out)) for name, src in trees]
    last = counted[-1][1]
    order = sorted(last, key=lambda rule_id: -max(rows.get(rule_id, ("", 0, 0))[2] for _, rows in counted))
    size = "given plan" if args.plan else f"{args.size:,} resources"
    print(f"| rule ({size}, both sides) | kind | pairs | {' | '.join(n for n, _ in counted)} |")
    print(f"|---|---|---|{'---|' * len(counted)}")
    for rule_id in order[: args.top] + order[-5:]:
        kind, pairs, _ = last[rule_id]
        cells = " | ".join(f"{rows.get(rule_id, ('', 0, 0))[2] / 1e6:,.1f} M" for _, rows in counted)
        print(f"| {rule_id} | {kind} | {pairs:,} | {cells} |")
    for kind in ("python", "toml"):
        cells = " | ".join(f"{sum(v[2] for v in rows.values() if v[0] == kind) / 1e6:,.1f} M" for _, rows in counted)
        print(f"| all {kind} rules | {kind} | {sum(v[1] for v in last.values() if v[0] == kind):,} | {cells} |")


if __name__ == "__main__":
    main()
