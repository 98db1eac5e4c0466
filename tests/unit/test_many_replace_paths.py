"""A replace forced by hundreds of paths (`replace_paths`: Terraform lists every one, an element of a long nested
list each) named every one of them in the finding's message, the destroys list and the built-in reviewer's summary:
a 300-path replace made a message of 7,000 characters, 20,000 paths one of 540,000, in every report and the pull
request's comment (review21, session 21). The first ten are named, the rest counted.

Plan: tests/data/plans/review21/many_replace_paths.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PLAN = Path(__file__).parents[1] / "data" / "plans" / "review21" / "many_replace_paths.json"


def _scan(output: str) -> str:
    scan = [sys.executable, "-m", "tfreview", "scan", str(PLAN), "--soft-fail", "--advisor", "builtin", "-o", output]
    done = subprocess.run(scan, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_forcing_paths_are_named_ten_at_most() -> None:
    report = json.loads(_scan("json"))

    (finding,) = [f for f in report["findings"] if f["rule_id"] == "TFR-CHG-002"]
    assert "`parameter.9.value`" in finding["message"]
    assert "parameter.10.value" not in finding["message"]
    assert "and 50 more" in finding["message"]
    assert len(finding["message"]) < 1_000
    assert len(report["changes"][0]["replace_paths"]) == 60  # the data keeps them all
    assert "parameter.10.value" not in report["advice"]["summary"]


def test_every_report_stays_small() -> None:
    for output in ("text", "markdown", "sarif", "junit"):
        shown = _scan(output)
        assert "and 50 more" in shown, output
        assert shown.count("parameter.59.value") == 0, output
