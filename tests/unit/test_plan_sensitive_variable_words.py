"""A sensitive root variable whose value is a literal word (`"true"`, `"off"`, `"null"`) is hidden where it is, but
its "copies" are not hunted in the prompt or the stored plan: every `true` of the plan is no copy of it (review17a).

Found from the outside: `tfreview scan plan.json --advisor openai` against a recording fake, with a `sensitive = true`
variable set to `"true"` (r17-llm hides the root variables' values everywhere): the prompt read
`publicly_accessible: (redacted)` and `storage_encrypted: "(redacted)"` — the model reviewed a database without
seeing whether it was public or encrypted — and the stored plan had every string holding `true` masked. The prompt's
floor said so already ("true" is too common to hunt for) but counted four characters, and `true` has four; a JSON
`true` marked sensitive was never hunted either."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.llm_openai import FakeOpenAI
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.context import Redactor
from tfreview.advisor.openai import OpenAIClient
from tfreview.advisor.settings import AdvisorSettings
from tfreview.core.plan import Coverage
from tfreview.core.ports import AdviceContext
from tfreview.core.redact import sensitive_variable_values
from tfreview.parsing.plan_json import load_plan
from tfreview.store.plan_redaction import redact_upload_and_secrets

CANARY = "CANARY-WORD-4c1d9e"


def _plan() -> dict[str, Any]:
    variables = {"flag": "true", "mode": "Off", "nothing": "null", "db_password": CANARY}
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "variables": {name: {"value": value} for name, value in variables.items()},
        "configuration": {"root_module": {"variables": {name: {"sensitive": True} for name in variables}}},
        "resource_changes": [
            {
                "address": "aws_db_instance.main",
                "mode": "managed",
                "type": "aws_db_instance",
                "name": "main",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {
                        "publicly_accessible": True,
                        "storage_encrypted": "true",
                        "tags": {"Owner": f"owner {CANARY}", "Backup": "off"},
                    },
                    "after_unknown": {},
                    "before_sensitive": False,
                    "after_sensitive": {},
                },
            }
        ],
    }


def test_a_literal_word_is_no_value_to_hunt_for() -> None:
    assert sensitive_variable_values(_plan()) == {CANARY}
    redactor = Redactor({"true", "Off", "null", CANARY})
    assert redactor.text(f"publicly_accessible: true, backup off, owner {CANARY}") == (
        "publicly_accessible: true, backup off, owner (redacted)"
    )


def test_the_prompt_keeps_the_plans_true_values_and_hides_the_secret() -> None:
    change_set = load_plan(json.dumps(_plan()).encode())
    with FakeOpenAI() as fake, OpenAIClient(f"{fake.url}/v1", None, "gpt-4o-mini") as model:
        advice = LlmAdvisor([model], AdvisorSettings(name="openai")).advise(AdviceContext(change_set, (), Coverage()))
        sent = json.loads(fake.requests[0].body)["messages"][-1]["content"]
    assert advice.is_llm
    assert "publicly_accessible: true" in sent
    assert 'storage_encrypted: "true"' in sent
    assert CANARY not in sent


def test_the_stored_plan_keeps_the_plans_true_values_and_hides_the_secret() -> None:
    stored, secrets = redact_upload_and_secrets(json.dumps(_plan()).encode(), "plan_json")
    after = json.loads(stored)["resource_changes"][0]["change"]["after"]
    assert after["storage_encrypted"] == "true"
    assert after["tags"]["Backup"] == "off"
    assert CANARY.encode() not in stored
    assert secrets == {CANARY}
