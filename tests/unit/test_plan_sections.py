"""The coverage notes for what a plan holds besides its resource changes (parsing/plan_sections.py, ADR 0517):
bounded, tolerant of any JSON where a section should be, and an errored plan refused only on a boolean true."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.core.errors import InputError
from tfreview.parsing.plan_json import load_plan
from tfreview.parsing.plan_sections import errored_plan_problem, section_notes

BASE = {"format_version": "1.2", "resource_changes": []}


def _deferred(count: int) -> list[dict[str, object]]:
    return [{"reason": "resource_config_unknown", "resource_change": {"address": f"x.y[{i}]"}} for i in range(count)]


def test_many_deferred_changes_are_counted_and_five_named() -> None:
    (note,) = section_notes({**BASE, "deferred_changes": _deferred(8)})
    assert note.startswith("8 changes Terraform deferred to a later plan were not reviewed")
    assert "x.y[4] (resource_config_unknown) and 3 more" in note
    assert "x.y[5]" not in note


@pytest.mark.parametrize(
    "section",
    [None, "x", 3, {"a": 1}, [None, 1, "s"], [{"resource_change": None, "reason": 7}]],
)
def test_any_json_in_a_section_is_tolerated(section: object) -> None:
    notes = section_notes({**BASE, "deferred_changes": section, "action_invocations": section})
    for note in notes:
        assert "(no address)" in note or note.startswith("the plan is not complete")


def test_a_long_or_strange_name_is_cut_in_a_note() -> None:
    long_key = "k" * 10_000
    (note,) = section_notes({**BASE, long_key: 1})
    assert len(note) < 300
    assert note.endswith("…`")


def test_complete_false_without_deferred_changes_is_said_once() -> None:
    (note,) = section_notes({**BASE, "complete": False})
    assert note.startswith("the plan is not complete (`complete: false`)")
    assert section_notes({**BASE, "complete": True, "applyable": False, "errored": False}) == ()


@pytest.mark.parametrize("errored", [False, None, "true", 1, [True]])
def test_only_a_boolean_true_marks_a_plan_errored(errored: object) -> None:
    assert errored_plan_problem({**BASE, "errored": errored}) is None


def test_an_errored_plan_is_an_input_error_naming_itself() -> None:
    data = json.dumps({**BASE, "errored": True, "applyable": False, "complete": False}).encode()
    with pytest.raises(InputError, match=r"the plan errored \(`errored: true`\).*\(0 resource changes\)"):
        load_plan(data, "p.json")


def test_an_invoked_action_says_how_it_is_invoked() -> None:
    invocation = {"address": "action.a.b", "invoke_action_trigger": {}}
    (note,) = section_notes({**BASE, "action_invocations": [invocation]})
    assert note.endswith("action.a.b (invoked with `terraform apply -invoke`)")


def test_terraform_1_2s_condition_results_are_known() -> None:
    """Terraform 1.2 (format 1.1) wrote the results of preconditions and postconditions as `condition_results`,
    the section 1.3 renamed `checks`: a plan of that version was told it held a key tfreview does not know."""
    plan = Path(__file__).resolve().parents[1] / "data" / "plans" / "real17" / "opentofu__show_json__conditions.json"
    assert section_notes(json.loads(plan.read_text(encoding="utf-8"))) == ()
    assert load_plan(plan.read_bytes(), path=str(plan)).coverage.notes == ()
