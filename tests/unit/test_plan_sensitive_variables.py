"""S2: a root variable declared `sensitive = true` has its value in clear in the plan's `variables`; copied into an
attribute the plan does not mark (`nonsensitive()`, a provider that drops the mark, a tag built from it), it must
still reach no prompt, no stored plan and no comment (session 17, r17-llm).

Found from the outside: `tfreview scan plan.json --advisor openai` against a recording fake; the prompt carried
`tags.Owner: "CANARY-…"`, the value of the sensitive `db_password`.
"""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.llm_openai import FakeOpenAI
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.openai import OpenAIClient
from tfreview.advisor.settings import AdvisorSettings
from tfreview.core.plan import Coverage
from tfreview.core.ports import AdviceContext
from tfreview.core.redact import sensitive_variable_values
from tfreview.parsing.plan_json import load_plan
from tfreview.store.plan_redaction import redact_upload_and_secrets

CANARY = "CANARY-VAR-7f3a9e1b"
NUMBER_CANARY = 918_273_645
PLAIN = "plain-team-value"


def _plan() -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "variables": {
            "db_password": {"value": CANARY},
            "db_pin": {"value": NUMBER_CANARY},
            "team": {"value": PLAIN},
        },
        "configuration": {
            "root_module": {
                "variables": {
                    "db_password": {"sensitive": True, "description": "the admin password"},
                    "db_pin": {"sensitive": True},
                    "team": {"description": "who owns it"},
                }
            }
        },
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
                        "engine": "postgres",
                        "identifier": f"db-{NUMBER_CANARY}",
                        "tags": {"Owner": f"owner {CANARY}", "Team": PLAIN},
                    },
                    "after_unknown": {},
                    "before_sensitive": False,
                    "after_sensitive": {},  # nothing marked: the copy is what must be found
                },
            }
        ],
    }


def test_the_values_of_sensitive_root_variables_are_the_plans_sensitive_values() -> None:
    found = sensitive_variable_values(_plan())

    assert CANARY in found
    assert str(NUMBER_CANARY) in found
    assert PLAIN not in found


def test_a_plan_without_the_sections_or_with_odd_shapes_has_none() -> None:
    assert sensitive_variable_values({}) == set()
    assert sensitive_variable_values({"variables": [], "configuration": "x"}) == set()
    odd = {"variables": {"a": "no mapping"}, "configuration": {"root_module": {"variables": {"a": {"sensitive": 1}}}}}
    assert sensitive_variable_values(odd) == set()


def test_a_parsed_plan_knows_its_sensitive_variable_values() -> None:
    change_set = load_plan(json.dumps(_plan()).encode())

    assert CANARY in change_set.sensitive_values
    assert PLAIN not in change_set.sensitive_values


def test_s2_a_copy_of_a_sensitive_variable_reaches_no_prompt() -> None:
    change_set = load_plan(json.dumps(_plan()).encode())
    with FakeOpenAI() as fake, OpenAIClient(f"{fake.url}/v1", None, "gpt-4o-mini") as model:
        advice = LlmAdvisor([model], AdvisorSettings(name="openai")).advise(AdviceContext(change_set, (), Coverage()))

        sent = b"".join(request.body for request in fake.requests).decode()
    assert advice.is_llm
    assert CANARY not in sent
    assert str(NUMBER_CANARY) not in sent
    assert PLAIN in sent  # a value nobody called sensitive is still shown
    assert "(sensitive value)" in sent or "(redacted)" in sent


def test_s2_a_copy_of_a_sensitive_variable_is_not_stored() -> None:
    stored, secrets = redact_upload_and_secrets(json.dumps(_plan()).encode(), "plan_json")

    assert CANARY.encode() not in stored
    assert str(NUMBER_CANARY).encode() not in stored
    assert CANARY in secrets  # and the findings kept of the upload are masked with it (ADR 0472)
    assert PLAIN.encode() in stored
