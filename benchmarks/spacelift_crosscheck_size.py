"""How long the Spacelift cross-check takes for a run whose `changesV3` lists N addresses (r16-spacelift).

    .venv/bin/python benchmarks/spacelift_crosscheck_size.py [N ...]

The transport reads at most 32 MB of one answer (~300,000 entries of ~100 bytes), so that is the largest list a
job ever compares; the note stays one line of at most five names whatever N is.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tfreview.integrations.spacelift.crosscheck import cross_check_notes
from tfreview.integrations.spacelift.models import PlannedChange
from tfreview.parsing.plan_json import load_plan

PLAN = Path(__file__).resolve().parents[1] / "tests" / "worker" / "data" / "plan_with_findings.json"


def main(sizes: list[int]) -> None:
    change_set = load_plan(PLAN.read_bytes(), path="plan.json")
    for size in sizes:
        planned = [PlannedChange(address=f'module.m["k{i}"].aws_s3_bucket.b["{"x" * 50}{i}"]') for i in range(size)]
        started = time.perf_counter()
        notes = cross_check_notes(change_set, planned, "stack/run")
        print(f"{size:>8} addresses  {time.perf_counter() - started:6.2f} s  note {len(notes[0])} chars")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 300_000])
