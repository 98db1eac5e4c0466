"""S2: a sensitive root variable's value copied into an attribute the plan does not mark is hidden from the findings
too — their message and evidence go into the PR comment, the check run, SARIF and the stored report (review17a).

Found from the outside: `tfreview scan plan.json` of a plan whose `sensitive = true` variable is copied (through
`nonsensitive()`) into a CloudFront distribution's `minimum_protocol_version` printed
`viewer_certificate.0.minimum_protocol_version = CANARY…`: r17-llm (ADR 0591) hid it from the prompt and the stored
plan, not from the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

CANARY = "CANARY-TLS-5e0b7c"


def _plan() -> dict[str, Any]:
    certificate = {
        "acm_certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/abc",
        "cloudfront_default_certificate": False,
        "minimum_protocol_version": f"{CANARY}",
        "ssl_support_method": "sni-only",
    }
    after = {
        "enabled": True,
        "default_cache_behavior": [{"viewer_protocol_policy": "redirect-to-https", "target_origin_id": "s3"}],
        "ordered_cache_behavior": [],
        "logging_config": [{"bucket": "logs.s3.amazonaws.com", "include_cookies": False, "prefix": "cf/"}],
        "viewer_certificate": [certificate],
    }
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "variables": {"tls_policy": {"value": CANARY}},
        "configuration": {"root_module": {"variables": {"tls_policy": {"sensitive": True}}}},
        "resource_changes": [
            {
                "address": "aws_cloudfront_distribution.site",
                "mode": "managed",
                "type": "aws_cloudfront_distribution",
                "name": "site",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": after,
                    "after_unknown": {},
                    "before_sensitive": False,
                    "after_sensitive": {},  # nothing marked: the copy is what must be found
                },
            }
        ],
    }


def test_s2_a_copy_of_a_sensitive_variable_is_in_no_finding() -> None:
    result = review(load_plan(json.dumps(_plan()).encode()), load_rules(), Policy())

    flagged = [f for f in result.findings if f.evidence.path == "viewer_certificate.0.minimum_protocol_version"]
    assert flagged, [f.rule_id for f in result.findings]  # the rule still flags the value
    assert flagged[0].evidence.value == "(sensitive value)"
    assert all(CANARY not in f"{f.message} {f.evidence.value}" for f in result.findings)


def test_s2_a_copy_of_a_sensitive_variable_is_in_no_report(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_plan()))
    for output in ("text", "json", "sarif", "markdown"):
        scan = [sys.executable, "-m", "tfreview", "scan", str(plan), "--soft-fail", "--output", output]
        done = subprocess.run(scan, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "minimum_protocol_version" in done.stdout, output
        assert CANARY not in done.stdout + done.stderr, output
