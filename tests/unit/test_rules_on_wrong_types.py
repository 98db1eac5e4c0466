"""A value of the wrong JSON type in a resource's `after` fails no rule (a rule that raises is a diagnostic, and
the resource goes unjudged by it).

Setting each top-level attribute of each resource of the real plans in tests/data/plans/corpus to null, [], {},
"", 0, true, [null], [{}], {"a": null}, "*", -1 or 1e308 (39,528 reviews with every rule) failed exactly two
rules: TFR-AWS-009 and TFR-AWS-010 on an `aws_s3_bucket` whose `bucket` was a list or an object
("unhashable type: 'list'", in `is_log_target`). This runs the same mutations on one bucket."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import plan_from_document
from tfreview.rules import load_rules

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus" / "tfcompliance__test_issue-228.json"
HOSTILE: tuple[Any, ...] = (None, [], {}, "", 0, True, [None], [{}], {"a": None}, "*", -1, 1e308)
RULES = load_rules()


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(PLAN.read_bytes())
    return document


def _bucket_keys() -> list[str]:
    change = next(c for c in _document()["resource_changes"] if c["type"] == "aws_s3_bucket")
    return sorted(change["change"]["after"])


@pytest.mark.parametrize("key", _bucket_keys())
def test_a_bucket_attribute_of_any_json_type_fails_no_rule(key: str) -> None:
    for value in HOSTILE:
        document = copy.deepcopy(_document())
        for change in document["resource_changes"]:
            if change["type"] == "aws_s3_bucket":
                change["change"]["after"][key] = value
        result = review(plan_from_document(document, "plan.json"), RULES, Policy())
        assert result.diagnostics == [], (key, value)
