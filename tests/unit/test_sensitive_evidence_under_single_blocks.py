"""S2: a finding's evidence whose path steps into a single nested block without its index (`spec.container.1…`,
as rules address blocks) keeps the value's sensitive mask: a list marked `[true]` there was shown in clear
(`["CANARY…"]`) in every report (review21, session 21).

Found from the outside: every `bad` plan example of the rule library scanned again with every value marked
sensitive; TFR-K8S-019's evidence printed the container's `capabilities.drop` list as written.
Plan: tests/data/plans/review21/pod_sensitive_capabilities.json.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

PLAN = Path(__file__).parents[1] / "data" / "plans" / "review21" / "pod_sensitive_capabilities.json"
CANARY = "CANARY_CAP_3e9d"


def test_s2_a_sensitive_list_under_single_blocks_is_in_no_evidence() -> None:
    result = review(load_plan(PLAN.read_bytes(), str(PLAN)), load_rules(), Policy())

    flagged = [f for f in result.findings if f.rule_id == "TFR-K8S-019"]
    assert [f.evidence.path for f in flagged] == ["spec.container.1.security_context.capabilities.drop"]
    assert flagged[0].evidence.value == '["(sensitive value)"]'
    assert [f.rule_id for f in result.findings if CANARY in f"{f.message} {f.evidence.value}"] == []


def test_s2_a_sensitive_list_under_single_blocks_is_in_no_report() -> None:
    for output in ("text", "json", "sarif", "markdown", "junit"):
        scan = [sys.executable, "-m", "tfreview", "scan", str(PLAN), "--soft-fail", "--output", output]
        done = subprocess.run(scan, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "capabilities.drop" in done.stdout, output
        assert CANARY not in done.stdout + done.stderr, output
