"""docs/reference/coverage.md is generated from the committed benchmark data, and that data agrees with the rules."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from tfreview.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_coverage_docs.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_coverage_docs", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_reference_is_up_to_date() -> None:
    module = _generator()
    data = json.loads(module.DATA.read_text(encoding="utf-8"))
    assert module.TARGET.read_text(encoding="utf-8") == module.render(data), "run: make docs"


def test_coverage_data_totals_add_up() -> None:
    data = json.loads(_generator().DATA.read_text(encoding="utf-8"))
    checks = data["checks"]
    covered = [c for c in checks if c["rules"]]
    assert data["checks_failing"] == len(checks) == len({c["check"] for c in checks})
    assert data["checks_failing_covered"] == len(covered)
    assert data["pairs_failed"] == sum(c["failed"] for c in checks)
    assert data["pairs_failed_on_covered"] == sum(c["failed"] for c in covered)
    assert data["pairs_found_on_covered"] == sum(c["found"] for c in covered)
    assert all(0 <= c["found"] <= c["failed"] for c in checks)
    assert [c["failed"] for c in checks] == sorted((c["failed"] for c in checks), reverse=True)


def test_rules_named_in_the_coverage_data_still_name_their_check() -> None:
    """A rule the ranking credits with a check still exists and still references that check."""
    by_id = {rule.id: rule for rule in load_rules()}
    data = json.loads(_generator().DATA.read_text(encoding="utf-8"))
    for check in data["checks"]:
        for rule_id in check["rules"]:
            assert rule_id in by_id, f"{check['check']}: {rule_id} is not in the library"
            assert check["check"] in by_id[rule_id].references.checkov, f"{rule_id} no longer names {check['check']}"
