"""A plan whose own `check` blocks failed at plan time (Terraform prints them as warnings; the plan is not errored)
says so in its coverage notes: the review passed without a word on the author's own failing assertion (the
`checks` section was known and read for nothing, ADR 0517). Found by review21 (session 21); ADR 0697.

Plan: tests/data/plans/review21/failed_check.json (hand-written after Terraform's `jsonchecks/checks.go`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tfreview.parsing.plan_json import load_plan
from tfreview.parsing.plan_sections import check_notes

PLAN = Path(__file__).parents[1] / "data" / "plans" / "review21" / "failed_check.json"


def test_failed_and_errored_checks_are_noted_and_passing_or_unknown_ones_are_not() -> None:
    notes = load_plan(PLAN.read_bytes(), str(PLAN)).coverage.notes

    failing = [note for note in notes if "check" in note]
    assert len(failing) == 1, notes
    assert "check.site_health (fail)" in failing[0]
    assert 'module.edge["eu"].check.certificate (error)' in failing[0]
    assert "terraform_data.release" not in failing[0]
    assert "output.url" not in failing[0]
    assert "answered 503" not in failing[0]  # the author's messages are not repeated (they may quote any value)


def test_the_note_is_in_every_report_and_the_verdict_is_unchanged() -> None:
    for output in ("text", "json", "sarif", "markdown"):
        scan = [sys.executable, "-m", "tfreview", "scan", str(PLAN), "--output", output]
        done = subprocess.run(scan, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "check.certificate" in (
            json.loads(done.stdout)["coverage"]["notes"][0] if output == "json" else done.stdout
        )


def test_shapes_nobody_writes_are_tolerated() -> None:
    assert check_notes({"checks": "x"}) == ()
    assert check_notes({"checks": [1, None, {"status": "fail"}, {"address": "x", "status": "fail"}]}) == (
        "2 checks of the plan's own (`check` blocks, conditions) failed when Terraform planned; Terraform printed "
        "them as warnings and went on, and tfreview does not judge them: (no address) (fail), (no address) (fail)",
    )
    assert check_notes({"condition_results": {}}) == ()
