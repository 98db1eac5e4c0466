"""S2: the sections of a Terraform 1.9+/1.14 plan beside `resource_changes` hold values with sensitive masks of their
own: a deferred change (`deferred_changes[].resource_change.change`, `after_sensitive`) and an action invocation
(`action_invocations[]` / `deferred_action_invocations[].action_invocation`, `config_values` under
`config_sensitive`). An uploaded plan is stored with them masked, and a copy of such a value elsewhere too
(review21, session 21: they were stored in clear).

Plan: tests/data/plans/review21/deferred_sensitive.json (hand-written after hashicorp/terraform
`internal/command/jsonplan/plan.go`, see the PROVENANCE there).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes.llm_openai import FakeOpenAI
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.openai import OpenAIClient
from tfreview.advisor.settings import AdvisorSettings
from tfreview.core.plan import Coverage
from tfreview.core.ports import AdviceContext
from tfreview.parsing.plan_json import load_plan
from tfreview.store.plan_redaction import redact_upload_and_secrets

PLAN = Path(__file__).parents[1] / "data" / "plans" / "review21" / "deferred_sensitive.json"
CANARIES = (
    "CANARY-DEFERRED-5c1e-value",
    "CANARY-DEFERRED-5c1e-tag",
    "CANARY-ACTION-8d2f-payload",
    "CANARY-ACTION-8d2f-deferred",
)


def test_s2_sensitive_values_of_deferred_changes_and_action_invocations_are_not_stored() -> None:
    stored, secrets = redact_upload_and_secrets(PLAN.read_bytes(), "plan_json")

    assert [canary for canary in CANARIES if canary.encode() in stored] == []
    assert set(CANARIES) <= secrets  # the findings kept of the upload are masked with them too (ADR 0472)


def test_the_stored_sections_keep_their_shape_and_what_is_not_sensitive() -> None:
    stored = json.loads(redact_upload_and_secrets(PLAN.read_bytes(), "plan_json")[0])

    deferred = stored["deferred_changes"][0]
    assert deferred["reason"] == "provider_config_unknown"
    assert deferred["resource_change"]["address"] == "aws_ssm_parameter.token"
    assert deferred["resource_change"]["change"]["after"]["name"] == "/app/token"
    assert deferred["resource_change"]["change"]["after"]["value"] == "(sensitive value)"
    invocation = stored["action_invocations"][0]
    assert invocation["config_values"] == {"function_name": "notify", "payload": "(sensitive value)"}
    assert invocation["lifecycle_action_trigger"]["triggering_resource_address"] == "aws_s3_bucket.audit"
    later = stored["deferred_action_invocations"][0]["action_invocation"]
    assert later["config_values"] == {"function_name": "later", "payload": "(sensitive value)"}
    assert stored["resource_changes"][0]["change"]["after"]["tags"] == {"copied": "(sensitive value)"}


def test_s2_a_copy_of_a_deferred_sensitive_value_reaches_no_prompt() -> None:
    """The copy of the deferred change's sensitive tag in `aws_s3_bucket.audit` (unmarked there) went into the model's
    prompt of `tfreview scan --advisor openai`: the prompt's redactor knew the changes' masks, not the deferred ones."""
    change_set = load_plan(PLAN.read_bytes(), str(PLAN))
    assert set(CANARIES) <= change_set.sensitive_values

    with FakeOpenAI() as fake, OpenAIClient(f"{fake.url}/v1", None, "gpt-4o-mini") as model:
        advice = LlmAdvisor([model], AdvisorSettings(name="openai")).advise(AdviceContext(change_set, (), Coverage()))
        sent = b"".join(request.body for request in fake.requests).decode()
    assert advice.is_llm
    assert "aws_s3_bucket.audit" in sent
    assert [canary for canary in CANARIES if canary in sent] == []
