"""The plans of tests/data/plans/real17 (public `terraform`/`tofu show -json` output and plans written after
Terraform's source) scanned in every format: exit 0 or 1, no traceback, SARIF valid against its schema, the JSON
report against its own, and no value the plan marks sensitive printed anywhere (canaries)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tfreview.cli import main

TESTS = Path(__file__).resolve().parents[1]
REAL = TESTS / "data" / "plans" / "real17"
PLANS = [*sorted(REAL.glob("*.json")), REAL / "odd_keys" / "plan.json"]
SARIF = json.loads((TESTS / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
REPORT = json.loads((TESTS.parent / "src" / "tfreview" / "render" / "schema" / "review-v1.json").read_text())
# per plan, the values it marks sensitive: none may be printed
CANARIES = {
    "tfplanformat__sensitive.json": ("hxk5iA==", "87193988"),
    "opentofu__show_json__sensitive_values.json": ("boop",),
    "sensitive_nested.json": ("S17-canary-",),
}
FORMATS = ("text", "json", "sarif", "markdown", "github", "junit")


def _kinds(plan: dict[str, Any]) -> dict[str, int]:
    """What the report's `summary.changes` should count: managed changes by kind, no-ops left out."""
    kinds = {("create",): "create", ("update",): "update", ("delete",): "delete", ("forget",): "forget"}
    counted: dict[str, int] = {}
    for entry in plan["resource_changes"]:
        actions = tuple(entry["change"]["actions"])
        kind = "replace" if {"create", "delete"} <= set(actions) else kinds.get(actions)
        if entry.get("mode", "managed") == "managed" and kind is not None:
            counted[kind] = counted.get(kind, 0) + 1
    return counted


@pytest.mark.parametrize("plan", PLANS, ids=[p.parent.name if p.name == "plan.json" else p.stem for p in PLANS])
def test_a_real_plan_scans_in_every_format_without_a_secret(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    planned = json.loads(plan.read_text(encoding="utf-8"))
    for fmt in FORMATS:
        code = main(["scan", "-o", fmt, "--no-color", str(plan)])
        captured = capsys.readouterr()
        assert code in (0, 1), (fmt, captured.err)
        assert "Traceback" not in captured.err
        for canary in CANARIES.get(plan.name, ()):
            assert canary not in captured.out + captured.err, (fmt, canary)
        if fmt == "sarif":
            jsonschema.validate(json.loads(captured.out), SARIF)
        if fmt == "json":
            report = json.loads(captured.out)
            jsonschema.validate(report, REPORT)
            assert report["summary"]["changes"] == _kinds(planned)
