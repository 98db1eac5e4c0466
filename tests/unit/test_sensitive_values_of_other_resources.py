"""S2: a rule on one resource may quote a value it read from another (TFR-AWS-273 names the web ACL's rule override
in its finding on the CloudFront distribution); a value the plan marks sensitive in that other resource was shown
in clear, since only the finding's own resource's masks were read (review21, session 21). The service masked it
(its stored plan masks every sensitive value of the plan, ADR 0472); `tfreview scan`, whose Markdown is the pull
request's comment, did not.

Plan: tests/data/plans/review21/waf_sensitive_override.json.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

PLAN = Path(__file__).parents[1] / "data" / "plans" / "review21" / "waf_sensitive_override.json"
SENSITIVE = "Log4JRCE_BODY"  # marked sensitive in aws_wafv2_web_acl.edge only


def test_s2_a_value_sensitive_in_another_resource_is_in_no_finding() -> None:
    result = review(load_plan(PLAN.read_bytes(), str(PLAN)), load_rules(), Policy())

    flagged = [f for f in result.findings if f.rule_id == "TFR-AWS-273"]
    assert [f.address for f in flagged] == ["aws_cloudfront_distribution.site"]  # still flagged
    assert "(sensitive value)" in flagged[0].message
    assert [f.rule_id for f in result.findings if SENSITIVE in f"{f.message} {f.evidence.value}"] == []


def test_s2_a_value_sensitive_in_another_resource_is_in_no_report() -> None:
    for output in ("text", "json", "sarif", "markdown", "junit"):
        scan = [sys.executable, "-m", "tfreview", "scan", str(PLAN), "--soft-fail", "--output", output]
        done = subprocess.run(scan, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "TFR-AWS-273" in done.stdout, output
        assert SENSITIVE not in done.stdout + done.stderr, output
