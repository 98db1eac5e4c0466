"""A deposed object's delete is said as such in every report, and takes nothing with it.

tests/data/plans/real17/deposed_database.json: the database's current object a no-op, the old object an unfinished
create-before-destroy replace left behind (`"deposed": "5b6c7d8e"`) a delete at the same address. TFR-CHG-001 said
so (ADR 0607), but the change entry dropped the key: the "Destroys and replaces" table of the text, the PR comment
and the dashboard showed `delete aws_db_instance.main` with no reason, the JSON report had no field for it, and a
blast radius computed for the address (the current object's dependants) hung on the old object's delete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tfreview.advisor.context import build_context
from tfreview.advisor.prompt import build_prompt
from tfreview.cli import main
from tfreview.core.findings import ChangeEntry, Review
from tfreview.core.plan import ChangeKind
from tfreview.core.policy import Policy
from tfreview.core.ports import AdviceContext
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.ports.review_codec import decode, encode
from tfreview.render.json_report import render_json_bytes, review_document
from tfreview.render.stored_report import review_from_report
from tfreview.rules import load_rules
from tfreview.web.dashboard.review_view import destroys_first

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "data" / "plans" / "real17" / "deposed_database.json"
SCHEMA = json.loads((ROOT / "src" / "tfreview" / "render" / "schema" / "review-v1.json").read_text(encoding="utf-8"))
KEY = "5b6c7d8e"


def _plan(with_dependants: bool = False) -> dict[str, Any]:
    plan: dict[str, Any] = json.loads(PLAN.read_text(encoding="utf-8"))
    if with_dependants:  # an app server and an output refer to the database: the current object's dependants
        plan["configuration"] = {
            "root_module": {
                "resources": [
                    {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main"},
                    {
                        "address": "aws_instance.app",
                        "mode": "managed",
                        "type": "aws_instance",
                        "name": "app",
                        "expressions": {
                            "user_data": {"references": ["aws_db_instance.main.address", "aws_db_instance.main"]}
                        },
                    },
                ],
                "outputs": {
                    "db": {"expression": {"references": ["aws_db_instance.main.address", "aws_db_instance.main"]}}
                },
            }
        }
    return plan


def _review(plan: dict[str, Any]) -> Review:
    return review(load_plan(json.dumps(plan).encode(), path=str(PLAN)), load_rules(), Policy())


def _deposed(result: Review) -> ChangeEntry:
    (entry,) = [c for c in result.changes if c.kind is ChangeKind.DELETE]
    return entry


def _scan(fmt: str, path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["scan", "-o", fmt, "--no-color", str(path)]) == 1
    return capsys.readouterr().out


def test_the_change_entry_carries_the_deposed_key() -> None:
    entry = _deposed(_review(_plan()))
    assert (entry.address, entry.deposed) == ("aws_db_instance.main", KEY)


def test_a_deposed_delete_has_no_blast_radius_the_current_object_stays() -> None:
    entry = _deposed(_review(_plan(with_dependants=True)))
    assert entry.deposed == KEY
    assert entry.blast is None  # aws_instance.app and output.db refer to the current object, which stays


def test_the_current_object_replaced_keeps_its_blast_radius_beside_a_deposed_delete() -> None:
    plan = _plan(with_dependants=True)
    plan["resource_changes"][0]["change"]["actions"] = ["create", "delete"]
    changes = _review(plan).changes
    (replace,) = [c for c in changes if c.kind is ChangeKind.REPLACE]
    assert replace.deposed is None
    assert replace.blast is not None
    assert replace.blast.dependents == ("aws_instance.app",)
    assert _deposed(_review(plan)).blast is None


def test_the_json_report_says_deposed_and_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(with_dependants=True)), encoding="utf-8")
    report = json.loads(_scan("json", path, capsys))
    jsonschema.validate(report, SCHEMA)
    (entry,) = [c for c in report["changes"] if c["change"] == "delete"]
    assert entry["deposed"] == KEY
    assert entry["blast_radius"] is None
    result = _review(_plan())
    assert json.loads(render_json_bytes(result)) == review_document(result)  # the fast writer and the documents agree


def test_a_report_without_the_field_still_validates_and_reads() -> None:
    document = json.loads(render_json_bytes(_review(_plan())))
    for change in document["changes"]:
        del change["deposed"]  # a report written before the field
    jsonschema.validate(document, SCHEMA)
    assert _deposed(review_from_report(document)).deposed is None


def test_the_stored_review_keeps_the_key_and_older_ones_still_load() -> None:
    result = _review(_plan())
    assert _deposed(decode(json.loads(json.dumps(encode(result))))).deposed == KEY
    assert _deposed(review_from_report(json.loads(render_json_bytes(result)))).deposed == KEY
    older = encode(result)
    for change in older["review"]["changes"]:
        change.pop("deposed", None)  # stored before the field
    assert _deposed(decode(older)).deposed is None
    current = [c for c in encode(_review(_plan()))["review"]["changes"] if c["kind"] != "delete"]
    assert all("deposed" not in c for c in current)  # a review without one is stored as before


def test_the_text_report_says_the_delete_is_of_a_deposed_object(capsys: pytest.CaptureFixture[str]) -> None:
    out = _scan("text", PLAN, capsys)
    (line,) = [line for line in out.splitlines() if line.lstrip().startswith("!! DELETE")]
    assert "aws_db_instance.main" in line
    assert f"deposed object {KEY}" in line
    assert "the current object stays" in line


def test_the_pr_comment_says_the_delete_is_of_a_deposed_object(capsys: pytest.CaptureFixture[str]) -> None:
    out = _scan("markdown", PLAN, capsys)
    (row,) = [line for line in out.splitlines() if line.startswith("| **delete")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[0] == "**delete** (deposed)"
    assert f"deposed object {KEY}" in cells[3]
    assert "the current object stays" in cells[3]


def test_the_dashboard_says_the_delete_is_of_a_deposed_object() -> None:
    (destroy,) = destroys_first(_review(_plan()))
    assert destroy.entry.deposed == KEY
    assert f"deposed object {KEY}" in destroy.reason


def test_the_builtin_reviewer_says_the_destroyed_object_is_the_deposed_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["scan", "-o", "markdown", "--advisor", "builtin", str(PLAN)]) == 1
    advice = capsys.readouterr().out.split("AI review", 1)[1]
    (destroyed,) = [line for line in advice.splitlines() if line.startswith("> - aws\\_db\\_instance.main")][:1]
    assert f"deposed object {KEY}" in destroyed
    risky = [line for line in advice.splitlines() if "loses" in line]
    assert risky
    assert all(f"deposed object {KEY}" in line and "the current object stays" in line for line in risky)


def test_the_builtin_reviewers_concern_says_the_destroyed_object_is_the_deposed_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["scan", "-o", "json", "--advisor", "builtin", "--skip-rule", "TFR-CHG-001", str(PLAN)]
    main(args)
    (concern,) = json.loads(capsys.readouterr().out)["advice"]["concerns"]
    assert concern["category"] == "data-loss"
    assert f"deposed object {KEY}" in concern["message"]
    assert "the current object stays" in concern["message"]


def test_the_models_prompt_says_the_delete_is_of_a_deposed_object() -> None:
    change_set = load_plan(PLAN.read_bytes(), path=str(PLAN))
    context = build_context(AdviceContext(change_set, (), change_set.coverage), {})
    user = build_prompt(context, max_input_tokens=12_000, new_nonce=lambda: "0123456789abcdef").prompt.user
    changes = user.split("<<<DATA-0123456789abcdef changes\n", 1)[1].split("\nDATA-0123456789abcdef>>>", 1)[0]
    (line,) = [line for line in changes.splitlines() if line.startswith("- aws_db_instance.main: delete")]
    assert f"deposed object {KEY}" in line
    assert "the current object stays" in line
