"""A deposed object's delete is said to be one: the current object at the address stays.

Terraform writes the old object an unfinished create-before-destroy replace left behind as a change of its own, at
the current object's address with `"deposed": "<key>"` (`internal/command/jsonplan/plan.go`), and the state lists it
with `deposed_key`. tfreview dropped the key: the plan below (the database's current object a no-op, its deposed
object a delete) read "destroys this aws_db_instance; at risk: the database and all its data. The plan gives no
reason (a destroy plan?)" — a reviewer read that the live database goes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.cli import main
from tfreview.parsing.plan_json import load_plan

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "real17" / "deposed_database.json"


def test_the_deposed_key_is_read() -> None:
    changes = load_plan(PLAN.read_bytes(), path=str(PLAN)).changes
    assert [(c.address, c.actions, c.deposed) for c in changes] == [
        ("aws_db_instance.main", ("no-op",), None),
        ("aws_db_instance.main", ("delete",), "5b6c7d8e"),
    ]


def test_the_destroy_of_a_deposed_database_says_the_current_one_stays(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "-o", "json", str(PLAN)]) == 1
    report = json.loads(capsys.readouterr().out)
    (destroy,) = [f for f in report["findings"] if f["rule_id"] == "TFR-CHG-001"]
    assert destroy["address"] == "aws_db_instance.main"
    assert "deposed object" in destroy["message"]
    assert "5b6c7d8e" in destroy["message"]
    assert "The current object at this address stays." in destroy["message"]
    assert "no reason" not in destroy["message"]
    assert destroy["severity"] == "critical"  # the old object's data is still destroyed
