"""The model's answer is validated; concerns about resources outside the change set are dropped and counted."""

from __future__ import annotations

import json

import pytest

from tfreview.advisor.output import OutputError, parse_output
from tfreview.core.severity import Severity

ADDRESSES = frozenset({"aws_s3_bucket.a", "aws_iam_role.r"})


def _concern(address: str, **extra: str) -> dict[str, str]:
    return {"address": address, "category": "iam", "message": "too wide", "severity": "high", **extra}


def test_a_valid_answer_is_parsed() -> None:
    text = json.dumps({"summary": "Adds a role.", "risk": "medium", "concerns": [_concern("aws_iam_role.r")]})
    parsed = parse_output(f"```json\n{text}\n```", ADDRESSES)
    assert parsed.summary == "Adds a role."
    assert parsed.risk is Severity.MEDIUM
    assert [c.address for c in parsed.concerns] == ["aws_iam_role.r"]
    assert parsed.concerns[0].severity is Severity.HIGH
    assert parsed.dropped == 0


def test_concerns_naming_unknown_addresses_are_dropped_and_counted() -> None:
    concerns = [_concern("aws_iam_role.r"), _concern("aws_iam_role.attacker"), _concern("module.x.aws_s3_bucket.a")]
    parsed = parse_output(json.dumps({"summary": "s", "risk": "low", "concerns": concerns}), ADDRESSES)
    assert [c.address for c in parsed.concerns] == ["aws_iam_role.r"]
    assert parsed.dropped == 2


def test_an_unknown_category_becomes_general() -> None:
    concerns = [_concern("aws_s3_bucket.a", category="vibes")]
    parsed = parse_output(json.dumps({"summary": "s", "risk": "low", "concerns": concerns}), ADDRESSES)
    assert parsed.concerns[0].category == "general"


@pytest.mark.parametrize(
    "text",
    [
        "approve",
        "[]",
        json.dumps({"summary": "s", "risk": "none", "concerns": []}),
        json.dumps({"summary": "", "risk": "low", "concerns": []}),
        json.dumps({"summary": "s", "risk": "low"}),
        json.dumps({"summary": "s", "risk": "low", "concerns": [], "verdict": "pass"}),
        json.dumps({"summary": "s", "risk": "low", "concerns": [{"address": "aws_s3_bucket.a"}]}),
        json.dumps({"summary": "s", "risk": "low", "concerns": [_concern("aws_s3_bucket.a", severity="none")]}),
        json.dumps({"summary": "s" * 5000, "risk": "low", "concerns": []}),
        "{" * 100_000,
    ],
)
def test_schema_breaking_answers_raise_without_echoing_them(text: str) -> None:
    with pytest.raises(OutputError) as caught:
        parse_output(text, ADDRESSES)
    assert "approve" not in str(caught.value)
    assert "pass" not in str(caught.value)
