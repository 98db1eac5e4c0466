"""A plan document with `planned_values` but no `resource_changes` is never a silent "0 of 0" (ADR 0461)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tfreview.parsing.plan_json import plan_from_document, planned_resource_count

_RESOURCE = {"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a", "values": {}}


def _document(**extra: object) -> dict[str, object]:
    return {"format_version": "1.2", "planned_values": {"root_module": {"resources": [_RESOURCE]}}, **extra}


def test_planned_resources_without_changes_are_named_in_the_coverage() -> None:
    change_set = plan_from_document(_document(), "plan.json")
    assert change_set.changes == [] or all(c.type.endswith("_provider") for c in change_set.changes)
    (note,) = change_set.coverage.notes
    assert "no `resource_changes` but 1 resource in `planned_values`, which was not reviewed" in note


def test_child_modules_are_counted_and_a_plan_with_changes_has_no_note() -> None:
    nested = {"root_module": {"resources": [_RESOURCE], "child_modules": [{"resources": [_RESOURCE, _RESOURCE]}]}}
    assert planned_resource_count(nested) == 3
    assert planned_resource_count({"root_module": "garbage"}) == 0
    assert planned_resource_count(None) == 0
    with_changes = plan_from_document(_document(resource_changes=[]), "plan.json")
    assert with_changes.coverage.notes == ()
    empty = plan_from_document({"format_version": "1.2", "planned_values": {"root_module": {}}}, "plan.json")
    assert empty.coverage.notes == ()


def test_the_scan_command_says_it(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_document()), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(plan)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "reviewed 0 of 0 resources" in result.stdout
    assert "1 resource in `planned_values`, which was not reviewed" in result.stdout
    assert "Traceback" not in result.stderr
