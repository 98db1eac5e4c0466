"""Where the state rules' instructions go in one review: the checks' own bodies, the runner's handling of the hits
they yield, and the runner's loop around them; and what share of the checks' cost finds nothing (issue 13, ADR
0732). Counted by valgrind's callgrind, collection on only inside `review._run_state_rules` (both sides, every call).

The same review of the generated plan is run in one process per variant, each with the library's rules whose
`check` is swapped for a stand-in after a first, uncounted review has recorded what every check yields on every
resource (keyed by the rule and the resource's value objects, which both reviews share) and whether it read the
side (`Snapshot.read`, which the runner's replay of no-op resources goes by, ADR 0648):

- `real`: the rules as they are;
- `replayed`: each check hands back what it yielded, read from the record (a call, a tuple key, a dict look-up);
- `replayed, no hits`: the same call and look-up, yielding nothing (the runner has no hit to handle);
- `empty`: each check a function that yields nothing (the runner's loop alone);
- `silent pairs real`: the real check where its (rule, resource type) pair yields nothing anywhere in the plan,
  `replayed` elsewhere: what the checks that a perfect "this rule finds nothing on this type" index would skip cost.

So: the checks' bodies = real − replayed + (replayed, no hits − empty); the hits' handling = replayed − replayed,
no hits; the loop = empty; the silent pairs' checks = silent pairs real − replayed. `--src` counts another tree too.

    .venv/bin/python benchmarks/state_rule_split.py --size 10000
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
from scan_function_instructions import build_toggle_helper  # noqa: E402
from scan_phase_instructions import prepare_checkout  # noqa: E402

VARIANTS = ("real", "replayed", "replayed, no hits", "empty", "silent pairs real")

# Runs in the measured process: argv = [helper library, plan, variant, file for the counts].
_REVIEW = r"""
import ctypes, gc, sys
from dataclasses import replace
import orjson
from tfreview.core import review as engine
from tfreview.core.policy import Policy
from tfreview.parsing.plan_json import plan_from_document
from tfreview.rules import load_rules_for
gc.disable()  # as the CLI runs a scan (ADR 0315)
toggle = ctypes.CDLL(sys.argv[1]).cg_toggle
variant = sys.argv[3]
change_set = plan_from_document(orjson.loads(open(sys.argv[2], "rb").read()), "plan.json")
rules = load_rules_for(change_set.resource_types())
policy = Policy()
record, pairs, counts = {}, {}, {"calls": 0, "hits": 0}
def key(rule_id, resource):
    return (rule_id, id(resource.values), id(resource.unknown), id(resource.configured))
def recording(rule):
    check = rule.check
    def recorded(resource, snapshot):
        before, snapshot.read = snapshot.read, False
        hits = tuple(check(resource, snapshot))
        record[key(rule.id, resource)] = (hits, snapshot.read)
        snapshot.read = snapshot.read or before
        pair = (rule.id, resource.type)
        calls_hits = pairs.setdefault(pair, [0, 0])
        calls_hits[0] += 1
        calls_hits[1] += len(hits)
        counts["calls"] += 1
        counts["hits"] += len(hits)
        return hits
    return recorded
def replaying(rule, with_hits=True):
    def replayed(resource, snapshot):
        hits, read = record[key(rule.id, resource)]
        if read:
            snapshot.read = True
        return hits if with_hits else ()
    return replayed
def empty(rule):
    def nothing(resource, snapshot):
        return ()
    return nothing
def silent_real(rule):
    check, replayed = rule.check, replaying(rule)
    def chosen(resource, snapshot):
        return check(resource, snapshot) if pairs[(rule.id, resource.type)][1] == 0 else replayed(resource, snapshot)
    return chosen
engine.review(change_set, [replace(r, check=recording(r)) if r.check else r for r in rules], policy)
make = {
    "real": None,
    "replayed": replaying,
    "replayed, no hits": lambda rule: replaying(rule, with_hits=False),
    "empty": empty,
    "silent pairs real": silent_real,
}[variant]
used = rules if make is None else [replace(r, check=make(r)) if r.check else r for r in rules]
run = engine._run_state_rules
def counted(*args, **kwargs):
    toggle()
    try:
        return run(*args, **kwargs)
    finally:
        toggle()
engine._run_state_rules = counted
engine.review(change_set, used, policy)
silent = [calls for calls, hits in pairs.values() if hits == 0]
with open(sys.argv[4], "w") as out:
    out.write(f"{counts['calls']} {counts['hits']} {len(pairs)} {len(silent)} {sum(silent)}\n")
"""


def count(plan: Path, helper: Path, src: str, variant: str, out: Path) -> tuple[int, str]:
    """(instructions inside the state-rule runs, the first review's counts line) for one variant."""
    for old in out.glob("callgrind.out*"):
        old.unlink()
    counts = out / "counts"
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            f"--callgrind-out-file={out / 'callgrind.out'}",
            sys.executable,
            "-c",
            _REVIEW,
            str(helper),
            str(plan),
            variant,
            str(counts),
        ],
        env={**os.environ, "PYTHONPATH": src, "PYTHONHASHSEED": "0"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    total = 0
    for dumped in out.glob("callgrind.out*"):
        summary = re.search(r"^(?:summary|totals):\s+(\d+)", dumped.read_text(), re.MULTILINE)
        total += int(summary.group(1)) if summary else 0
        dumped.unlink()
    return total, counts.read_text().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--src", default=None, help="another source tree to count beside this checkout's")
    args = parser.parse_args()
    prepare_checkout()
    trees = ([("--src", args.src)] if args.src else []) + [("this checkout", str(ROOT / "src"))]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        helper = build_toggle_helper(out)
        plan = out / "plan.json"
        document, _ = generate(args.size)
        plan.write_bytes(_dumps(document))
        del document
        counted = [(name, {v: count(plan, helper, src, v, out) for v in VARIANTS}) for name, src in trees]
    print(f"| state rules, both sides ({args.size:,} resources) | {' | '.join(name for name, _ in counted)} |")
    print(f"|---|{'---|' * len(counted)}")
    for variant in VARIANTS:
        print(f"| {variant} | {' | '.join(f'{rows[variant][0] / 1e6:,.1f} M' for _, rows in counted)} |")
    derived = {
        "the checks' bodies": lambda m: m["real"] - m["replayed"] + m["replayed, no hits"] - m["empty"],
        "the runner's handling of their hits": lambda m: m["replayed"] - m["replayed, no hits"],
        "the runner's loop": lambda m: m["empty"],
        "the checks of silent (rule, type) pairs": lambda m: m["silent pairs real"] - m["replayed"],
    }
    for label, of in derived.items():
        cells = " | ".join(f"{of({v: rows[v][0] for v in VARIANTS}) / 1e6:,.1f} M" for _, rows in counted)
        print(f"| = {label} | {cells} |")
    for name, rows in counted:
        calls, hits, pairs, silent, silent_calls = rows["real"][1].split()
        print(
            f"{name}: {int(calls):,} check calls yielding {int(hits):,} hits (the no-op replay aside); "
            f"{int(pairs)} (rule, type) pairs, {int(silent)} of them silent on the whole plan "
            f"({int(silent_calls):,} calls)"
        )


if __name__ == "__main__":
    main()
