"""A deposed object's destroy is not the current object's destroy: not the same finding for a baseline (ADR 0607).

Found from the outside (review17c, session 17): `tfreview baseline create` on a plan whose only destroy is a deposed
object's (tests/data/plans/real17/deposed_database.json: the old database a create-before-destroy replace left
behind) records TFR-CHG-001 at `aws_db_instance.main` with the fingerprint a destroy of the live database there has.
A later plan that destroys the live database then scanned with that baseline: "suppressed: recorded in the
baseline", verdict pass, exit 0. Two deposed objects at one address also shared one fingerprint.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.cli import main

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "real17" / "deposed_database.json"


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document))
    return path


def _live_destroy(tmp_path: Path) -> Path:
    document = json.loads(PLAN.read_text())
    live = document["resource_changes"][0]
    assert live["address"] == "aws_db_instance.main"
    assert "deposed" not in live
    live["change"].update(actions=["delete"], after=None, after_unknown={}, after_sensitive=False)
    document["resource_changes"] = [live]
    return _write(tmp_path / "live.json", document)


def _destroys(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(["scan", "-o", "json", *arguments])
    report = json.loads(capsys.readouterr().out)
    return code, [f for f in report["findings"] if f["rule_id"] == "TFR-CHG-001"]


def test_a_baselined_deposed_destroy_does_not_hide_the_live_databases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(PLAN), "-f", str(baseline)]) == 0
    capsys.readouterr()
    code, destroys = _destroys(capsys, "--baseline", str(baseline), str(_live_destroy(tmp_path)))
    assert [(f["address"], f["severity"]) for f in destroys] == [("aws_db_instance.main", "critical")]
    assert "deposed" not in destroys[0]["message"]
    assert code == 1


def test_two_deposed_objects_at_one_address_are_two_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(PLAN.read_text())
    other = copy.deepcopy(document["resource_changes"][1])
    other["deposed"] = "9f9f9f9f"
    document["resource_changes"].append(other)
    _, destroys = _destroys(capsys, str(_write(tmp_path / "two.json", document)))
    assert len(destroys) == 2
    assert len({f["fingerprint"] for f in destroys}) == 2
    _, live = _destroys(capsys, str(_live_destroy(tmp_path)))
    assert live[0]["fingerprint"] not in {f["fingerprint"] for f in destroys}
