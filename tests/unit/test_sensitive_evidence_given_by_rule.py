"""S2: a rule may give its hit the offending value itself (`Hit(path, message, value)`) with a path that does not
lead to it (`""`: the bucket as a whole): the evidence showed that value in clear although the plan marks it
sensitive, and the message beside it was masked (review21, session 21).

Found from the outside: every `bad` example of the rule library, as a plan with every value marked sensitive;
TFR-AWS-009's evidence printed the inline `sse_algorithm`.
Plan: tests/data/plans/review21/bucket_sensitive_algorithm.json.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

PLAN = Path(__file__).parents[1] / "data" / "plans" / "review21" / "bucket_sensitive_algorithm.json"
CANARY = "CANARY-SSE-41b7"


def test_s2_a_sensitive_value_a_rule_hands_its_hit_is_in_no_evidence() -> None:
    result = review(load_plan(PLAN.read_bytes(), str(PLAN)), load_rules(), Policy())

    flagged = [f for f in result.findings if f.rule_id == "TFR-AWS-009"]
    assert flagged, [f.rule_id for f in result.findings]  # the rule still flags the bucket
    assert flagged[0].evidence.value == "(sensitive value)"
    assert [f.rule_id for f in result.findings if CANARY in f"{f.message} {f.evidence.value}"] == []


def test_s2_a_sensitive_value_a_rule_hands_its_hit_is_in_no_report() -> None:
    for output in ("text", "json", "sarif", "markdown", "junit"):
        scan = [sys.executable, "-m", "tfreview", "scan", str(PLAN), "--soft-fail", "--output", output]
        done = subprocess.run(scan, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "TFR-AWS-009" in done.stdout, output
        assert CANARY not in done.stdout + done.stderr, output
