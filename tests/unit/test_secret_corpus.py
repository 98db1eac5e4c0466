"""Both sides of the secret rules, measured on a corpus (issue 12 §3): every secret reported, no placeholder.

The corpus (tests/data/secrets/corpus.toml) is run through the rules as users meet them: a Lambda
environment variable (TFR-AWS-028) and an AWS provider argument (TFR-AWS-029), as plan JSON.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.findings import Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import plan_from_document
from tfreview.rules import find_rule

CORPUS = tomllib.loads((Path(__file__).parents[1] / "data" / "secrets" / "corpus.toml").read_text(encoding="utf-8"))
SECRETS: list[dict[str, str]] = CORPUS["secret"]
PLACEHOLDERS: list[dict[str, str]] = CORPUS["placeholder"]


def _plan(changes: list[dict[str, Any]]) -> Any:
    for change in changes:
        change.setdefault("mode", "managed")
        change["change"] = {"actions": ["create"], "before": None, "after": change.pop("after"), "after_unknown": {}}
    return plan_from_document({"format_version": "1.2", "resource_changes": changes}, "corpus.json")


def _lambda(index: int, entry: dict[str, str]) -> dict[str, Any]:
    variables = {entry["name"].upper(): entry["value"]}
    return {"address": f"aws_lambda_function.f{index}", "type": "aws_lambda_function", "name": f"f{index}",
            "after": {"function_name": f"f{index}", "environment": [{"variables": variables}]}}  # fmt: skip


def _provider(index: int, entry: dict[str, str]) -> dict[str, Any]:
    argument = entry["name"] if entry["name"] in ("access_key", "secret_key", "token") else "secret_key"
    after = {"region": "eu-west-1", argument: entry["value"], "skip_credentials_validation": True}
    return {"address": f"provider.aws.p{index}", "type": "aws_provider", "name": f"p{index}", "after": after}


def _flagged(rule_id: str, build: Any, entries: list[dict[str, str]]) -> set[int]:
    rule = find_rule(rule_id)
    assert rule is not None
    change_set = _plan([build(i, e) for i, e in enumerate(entries)])
    result = review(change_set, [rule], Policy())
    return {int(f.address.rsplit(".", 1)[1][1:]) for f in result.findings if f.status is not Status.RESOLVED}


@pytest.mark.parametrize(("rule_id", "build"), [("TFR-AWS-028", _lambda), ("TFR-AWS-029", _provider)])
def test_every_secret_is_reported_and_no_placeholder(rule_id: str, build: Any) -> None:
    found = _flagged(rule_id, build, SECRETS)
    missed = [SECRETS[i]["value"][:6] + "…" for i in range(len(SECRETS)) if i not in found]
    false_alarms = [PLACEHOLDERS[i]["value"] for i in sorted(_flagged(rule_id, build, PLACEHOLDERS))]
    print(  # the measure, both sides: `pytest -s` shows it
        f"{rule_id}: recall {len(found)}/{len(SECRETS)}, false positives {len(false_alarms)}/{len(PLACEHOLDERS)}"
    )
    assert missed == [], f"{rule_id} misses real secrets: {missed}"
    assert false_alarms == [], f"{rule_id} reports placeholders: {false_alarms}"


def test_the_corpus_has_both_sides() -> None:
    assert len(SECRETS) >= 10
    assert len(PLACEHOLDERS) >= 25
    assert not {e["value"] for e in SECRETS} & {e["value"] for e in PLACEHOLDERS}
