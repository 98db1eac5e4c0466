"""A deposed object is not a before side of its address (ADR 0635): its findings are not "resolved by this change".

tests/data/plans/real17/deposed_database.json: the current database a no-op (encrypted, private), the old object an
unfinished create-before-destroy replace left behind (unencrypted, public) deleted at the same address. Before, every
report said "2 existing, 2 resolved": the old object's problems, folded under the current object's address, were
counted as fixed by this change — a second time, after the replace that made the current object had resolved them
— and "reviewed 2 of 2 resources" counted the one database twice. A reader expects the current object's problems
(existing), the old object's delete (TFR-CHG-001), and nothing resolved: the change fixes nothing the configuration
says.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.cli import main
from tfreview.core.findings import Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "data" / "plans" / "real17" / "deposed_database.json"


def _scan(capsys: pytest.CaptureFixture[str], plan: Path, fmt: str) -> str:
    main(["scan", str(plan), "-o", fmt])
    return capsys.readouterr().out


def test_every_report_counts_the_current_objects_problems_and_resolves_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _scan(capsys, PLAN, "text")
    assert "Summary: 1 introduced (1 critical), 2 existing, 1 destroy\n" in text
    assert "Resolved by this change" not in text
    assert "reviewed 1 of 1 resource, 1 of them checked by a rule" in text

    markdown = _scan(capsys, PLAN, "markdown")
    assert markdown.startswith("**tfreview: FAIL** — 1 introduced (1 critical), 2 existing, 1 destroy\n")
    assert "Resolved by this change" not in markdown

    document = json.loads(_scan(capsys, PLAN, "json"))
    assert document["summary"]["findings"] == {"introduced": 1, "existing": 2, "resolved": 0}
    assert document["coverage"]["resources_total"] == document["coverage"]["resources_reviewed"] == 1
    assert sorted(f["rule_id"] for f in document["findings"]) == ["TFR-AWS-023", "TFR-AWS-202", "TFR-CHG-001"]

    sarif = json.loads(_scan(capsys, PLAN, "sarif"))
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["TFR-AWS-023", "TFR-AWS-202", "TFR-CHG-001"]


def _review(plan: dict[str, Any], tmp_path: Path) -> dict[str, list[str]]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    result = review(load_plan(path.read_bytes(), str(path)), load_rules(), Policy())
    found: dict[str, list[str]] = {status.value: [] for status in Status}
    for finding in result.findings:
        found[finding.status.value].append(finding.rule_id)
    return {status: sorted(ids) for status, ids in found.items()}


def test_what_the_current_object_fixes_is_still_resolved_once(tmp_path: Path) -> None:
    """The current object made private by this change (an update): resolved, once, whatever the old object had."""
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    current = next(rc for rc in plan["resource_changes"] if not rc.get("deposed"))
    current["change"]["actions"] = ["update"]
    current["change"]["before"] = copy.deepcopy(current["change"]["before"]) | {"publicly_accessible": True}
    found = _review(plan, tmp_path)
    assert found["resolved"] == ["TFR-AWS-022"]
    assert found["existing"] == ["TFR-AWS-023", "TFR-AWS-202"]
