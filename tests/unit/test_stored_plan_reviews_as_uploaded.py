"""An uploaded plan is reviewed as `tfreview scan` reviews the same file (ADR 0544).

The worker reviews the plan store's redacted copy, which dropped `prior_state` and `planned_values` whole. The
review reads three things there, so the service's review of a real plan differed from the CLI's:
`tfjson__registry_module__plan.json` called an existing module call's finding introduced, the blast plan's
delete took no dependent with it, and `tfcompliance__test_issue-132.json` (a planned state, no
`resource_changes`) passed as "0 of 0" instead of saying its resource was not reviewed (ADR 0461)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.findings import Review
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules
from tfreview.store.plan_redaction import redact_upload

PLANS = Path(__file__).resolve().parents[1] / "data" / "plans"
CORPUS = sorted((PLANS / "corpus").glob("*.json"))
CANARY = "canary-7f3e-state-value"
RULES = [rule for rule in load_rules() if rule.category != "secrets"]  # the upload runs those on the original


def _outcome(data: bytes) -> tuple[Any, ...]:
    result: Review = review(load_plan(data, "upload"), RULES, Policy())
    return (
        result.verdict,
        sorted((f.rule_id, f.address, f.status.value, f.severity.value) for f in result.findings),
        result.coverage.notes,
        (result.coverage.resources_total, result.coverage.resources_reviewed),
        [(c.address, c.blast) for c in result.changes],
    )


@pytest.mark.parametrize("plan", [*CORPUS, PLANS / "blast" / "plan.json"], ids=lambda p: p.name)
def test_the_stored_copy_of_a_real_plan_reviews_as_the_plan(plan: Path) -> None:
    data = plan.read_bytes()
    assert _outcome(redact_upload(data, "plan_json")) == _outcome(data)


def test_the_three_plans_that_differed_differ_no_more() -> None:
    module = (PLANS / "corpus" / "tfjson__registry_module__plan.json").read_bytes()
    stored = review(load_plan(redact_upload(module, "plan_json")), RULES, Policy())
    assert [(f.address, f.status.value) for f in stored.findings if f.rule_id == "TFR-TF-001"] == [
        ("module.module", "existing")
    ]
    blast = (PLANS / "blast" / "plan.json").read_bytes()
    changes = review(load_plan(redact_upload(blast, "plan_json")), RULES, Policy()).changes
    queue = next(c for c in changes if c.address == "terraform_data.queue")
    assert queue.blast is not None
    assert queue.blast.dependents == ("terraform_data.alarm",)
    planned = (PLANS / "corpus" / "tfcompliance__test_issue-132.json").read_bytes()
    notes = review(load_plan(redact_upload(planned, "plan_json")), RULES, Policy()).coverage.notes
    assert any("1 resource in `planned_values`, which was not reviewed" in note for note in notes)


def test_what_is_kept_of_the_state_and_the_planned_values_holds_no_value_and_no_instance_key() -> None:
    resource = {"values": {"password": CANARY, "tags": {"k": CANARY}}, "sensitive_values": {"password": True}}
    plan = {
        "format_version": "1.2",
        "prior_state": {
            "values": {
                "root_module": {
                    "resources": [{**resource, "address": f'aws_s3_bucket.b["{CANARY}"]', "depends_on": ["x.y"]}],
                    "child_modules": [
                        {
                            "address": f'module.m["{CANARY}"]',
                            "resources": [{**resource, "address": f'module.m["{CANARY}"].aws_s3_bucket.c'}],
                        }
                    ],
                }
            }
        },
        "planned_values": {"root_module": {"resources": [{**resource, "address": "aws_s3_bucket.b"}]}},
    }
    stored = json.loads(redact_upload(json.dumps(plan).encode(), "plan_json"))
    assert CANARY not in json.dumps(stored)
    assert stored["prior_state"] == {
        "values": {
            "root_module": {
                "resources": [{"address": "aws_s3_bucket.b", "depends_on": ["x.y"]}],
                "child_modules": [{"address": "module.m"}],
            }
        }
    }
    assert stored["planned_values"] == {"root_module": {"resources": [{}]}}
    assert "resource_changes" not in stored
    with_changes = json.loads(redact_upload(json.dumps({**plan, "resource_changes": []}).encode(), "plan_json"))
    assert "planned_values" not in with_changes  # read only by a plan without `resource_changes`
