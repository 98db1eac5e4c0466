"""The change's sensitive values the redactor hunts for in free text (prompt material and the model's answer):
strings, and numbers as they print; a sensitive boolean is no string to find (Python's `True` is not even how a
plan writes it), and hunting `True`/`False` only cut those words out of the model's answer."""

from __future__ import annotations

from typing import Any

from tfreview.advisor.context import Redactor
from tfreview.parsing.plan_json import plan_from_document


def _plan(after: dict[str, Any], sensitive: dict[str, Any]) -> dict[str, Any]:
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": {}, "after_sensitive": sensitive}
    resource = {"address": "aws_db_instance.db", "type": "aws_db_instance", "name": "db", "change": change}
    return {"format_version": "1.2", "resource_changes": [resource]}


def test_a_sensitive_boolean_is_not_hunted_in_free_text() -> None:
    plan = _plan(
        {"deletion_protection": False, "storage_encrypted": True},
        {"deletion_protection": True, "storage_encrypted": True},
    )
    redactor = Redactor.for_change_set(plan_from_document(plan, "plan.json"))
    text = "Set storage_encrypted = True; deletion_protection is False here."
    assert redactor.secrets(text) == text
    assert redactor.text(text) == text


def test_sensitive_strings_and_numbers_still_are() -> None:
    plan = _plan({"password": "hunter2hunter2", "port": 15432}, {"password": True, "port": True})
    redactor = Redactor.for_change_set(plan_from_document(plan, "plan.json"))
    assert redactor.secrets("password hunter2hunter2 on port 15432") == "password (redacted) on port (redacted)"
