"""The rule catalog for `tfreview rules list` and `tfreview rules show`."""

from __future__ import annotations

import json

from tests.unit.test_render import RULES, RULES_BY_ID
from tfreview.render.rules import rule_text, rules_json, rules_text
from tfreview.rules import load_rules


def test_rules_json_lists_every_field() -> None:
    documents = json.loads(rules_json(load_rules()))
    assert len(documents) == len(load_rules())
    keys = {
        "id", "long_id", "title", "severity", "provider", "category", "kind",
        "resource_types", "references", "references_by_kind", "provider_defaults", "remediation", "description",
    }  # fmt: skip
    assert all(set(d) == keys for d in documents)
    assert [d["id"] for d in documents] == sorted(d["id"] for d in documents)


def test_rules_text_is_aligned_and_counted() -> None:
    out = rules_text(RULES)
    lines = out.splitlines()
    assert lines[-1] == f"{len(RULES)} rules"
    assert len({line.index("test-rule-") for line in lines[:-1]}) == 1
    assert rules_text([]) == "no rules"


def test_rule_text_shows_everything_a_user_needs() -> None:
    out = rule_text(RULES_BY_ID["TFR-TEST-001"])
    for part in ("TFR-TEST-001  test-rule-001", "severity:       high", "aws_s3_bucket", "CKV_AWS_001", "Remediation:"):
        assert part in out
    assert "change rule" in rule_text(RULES_BY_ID["TFR-CHG-001"])
