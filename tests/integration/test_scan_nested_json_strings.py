"""`tfreview scan` of a plan whose JSON-text attributes (a policy, a container definition) are nested past the
standard library reader's depth, as a real process (ADR 0680).

Each rule that reads such a string as JSON raised a RecursionError: thirteen "rule … failed" diagnostics, where
text that is not JSON leaves each rule silent (it cannot say what the policy allows). Now such text is no JSON:
no diagnostic, and the rules still judge what else the resources say."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.integration.served import child_env

DEPTH = 5000  # 10 kB of text, far past the reader's ~1,000 levels
NESTED_LIST = "[" * DEPTH + "]" * DEPTH
NESTED_OBJECT = '{"a":' * DEPTH + "1" + "}" * DEPTH
ATTRIBUTES = {
    "aws_ecs_task_definition": {"family": "app", "container_definitions": NESTED_LIST},
    "aws_iam_policy": {"name": "p", "policy": NESTED_OBJECT},
    "aws_s3_bucket_policy": {"bucket": "b", "policy": NESTED_LIST},
    "aws_kms_key": {"policy": NESTED_OBJECT},
    "google_storage_bucket_iam_policy": {"bucket": "b", "policy_data": NESTED_OBJECT},
}


def _change(kind: str, after: dict[str, Any]) -> dict[str, Any]:
    provider = "google" if kind.startswith("google_") else "aws"
    return {
        "address": f"{kind}.nested",
        "mode": "managed",
        "type": kind,
        "name": "nested",
        "provider_name": f"registry.terraform.io/hashicorp/{provider}",
        "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}},
    }


def test_json_text_nested_past_the_readers_depth_fails_no_rule(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    changes = [_change(kind, after) for kind, after in ATTRIBUTES.items()]
    plan.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": changes}))
    argv = [sys.executable, "-m", "tfreview", "scan", str(plan), "-o", "json"]
    done = subprocess.run(argv, env=child_env(), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr  # nothing at or above the default threshold (high)
    report = json.loads(done.stdout)
    assert report["diagnostics"] == []
    assert "Traceback" not in done.stderr
    flagged = {finding["address"] for finding in report["findings"] if finding["status"] == "introduced"}
    assert "aws_kms_key.nested" in flagged, flagged  # still judged on what else it says (no rotation)
