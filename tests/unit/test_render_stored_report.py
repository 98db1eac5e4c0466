"""A stored report read back renders exactly like the review it was made from (every publisher relies on it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfreview.core.errors import InputError
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.render.json_report import review_document
from tfreview.render.markdown import render_markdown
from tfreview.render.stored_report import report_markdown, review_from_report
from tfreview.rules import load_rules

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo" / "plan.json"


def test_round_trip_renders_the_same_comment() -> None:
    result = review(load_plan(DEMO.read_bytes(), str(DEMO)), load_rules(), Policy())
    report = review_document(result)
    assert review_from_report(report).findings == result.findings
    assert report_markdown(report) == render_markdown(result)


def test_a_report_of_another_schema_is_refused() -> None:
    with pytest.raises(InputError, match="schema version"):
        review_from_report({"schema_version": "0"})
