"""S2: no secret reaches a prompt, a log or an error message; the redaction placeholder does."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from tests.fakes.llm_openai import FakeOpenAI
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.model import Prompt
from tfreview.advisor.openai import OpenAIClient
from tfreview.advisor.settings import AdvisorSettings
from tfreview.core.findings import Advice as ModelAdvice
from tfreview.core.plan import Coverage
from tfreview.core.policy import Policy
from tfreview.core.ports import AdviceContext
from tfreview.core.redact import REDACTED, SENSITIVE
from tfreview.core.review import review
from tfreview.parsing.plan_json import plan_from_document
from tfreview.plumbing.secret_references import SecretSource
from tfreview.rules import load_rules

from .doubles import FakeTime, ScriptedClient, answer

PASSWORD = "canary-Pw-7f3a9c2e51"
DB_URL_SECRET = "canary-Url-0b8d4e6f"
AWS_KEY = "AKIAZ7CANARY3XQ4LM2N"
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEcanaryQ2hK9xZ\n-----END RSA PRIVATE KEY-----"
CANARIES = (PASSWORD, DB_URL_SECRET, AWS_KEY, "MIIEcanaryQ2hK9xZ")


def _plan() -> dict[str, object]:
    def resource(address: str, after: dict[str, object], sensitive: dict[str, object]) -> dict[str, object]:
        type_name, name = address.split(".")
        return {
            "address": address,
            "mode": "managed",
            "type": type_name,
            "name": name,
            "change": {
                "actions": ["update"],
                "before": {**after, "note": "old"},
                "after": after,
                "after_unknown": {},
                "before_sensitive": sensitive,
                "after_sensitive": sensitive,
            },
        }

    return {
        "format_version": "1.2",
        "resource_changes": [
            resource(
                "aws_db_instance.main",
                {"identifier": "main", "password": PASSWORD, "note": "new", "master_url": DB_URL_SECRET},
                {"password": True, "master_url": True},
            ),
            # a derived, unmarked copy of a sensitive value, and secret-shaped strings in plain fields
            resource(
                "aws_ssm_parameter.copy",
                {"name": "copy", "value_hint": f"postgres://app@db/{DB_URL_SECRET}", "description": PASSWORD},
                {},
            ),
            resource("aws_instance.web", {"ami": "ami-1", "user_data": f"export KEY={AWS_KEY}\n{PRIVATE_KEY}"}, {}),
            resource("aws_iam_access_key.ci", {"user": "ci", "tags": {"copied_from": AWS_KEY}}, {}),
        ],
    }


class LeakyError(Exception):
    pass


@pytest.mark.parametrize("outcome", ["answer", "all-down"])
def test_s2_no_canary_in_prompts_logs_or_errors(outcome: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    cs = plan_from_document(_plan(), "plan.json")
    result = review(cs, load_rules(), Policy())
    time = FakeTime()
    if outcome == "answer":
        client = ScriptedClient([answer()], time=time)
    else:  # the provider's error message echoes a secret: it must not travel on
        from tfreview.advisor.model import ProviderError

        echo = ProviderError(
            "openai", "unavailable", f"bad request near {PASSWORD} {AWS_KEY}", retriable=True, status=503
        )
        client = ScriptedClient([echo], time=time)
    advisor = LlmAdvisor([client], AdvisorSettings(name="openai"), clock=time.clock, sleep=time.sleep)
    advice = advisor.advise(
        AdviceContext(cs, tuple(result.findings), Coverage()),
        extras={"pr_body": f"rotating {AWS_KEY} today, password {PASSWORD}"},
    )
    assert isinstance(advice, ModelAdvice)

    sent = "\n".join(p.system + "\n" + p.user + json.dumps(p.json_schema) for p in client.calls)
    captured = sent + "\n" + caplog.text + "\n" + repr(advice) + json.dumps(advice.usage.as_dict())
    for canary in CANARIES:
        assert canary not in captured
    prompts: list[Prompt] = client.calls
    assert prompts
    assert SENSITIVE in sent
    assert REDACTED in sent


def test_s2_a_model_that_echoes_secrets_gets_none_into_the_advice() -> None:
    """A hostile or compromised provider answers with the plan's secrets (it may have them from another
    channel, or a prompt injection told it where to look) and with secret-shaped strings: the summary and
    every concern message lose them before the advice reaches a comment, a check run or a stored row."""
    cs = plan_from_document(_plan(), "plan.json")
    result = review(cs, load_rules(), Policy())
    echoed = f"password {PASSWORD}, url {DB_URL_SECRET}, key {AWS_KEY}, token sk-proj-Q2hK9xZcanaryEchoed0Abc"
    client = ScriptedClient(
        [
            answer(
                f"No issues. {echoed}",
                concerns=[
                    {"address": "aws_db_instance.main", "category": "secrets", "message": echoed, "severity": "low"}
                ],
            )
        ]
    )
    advisor = LlmAdvisor([client], AdvisorSettings(name="openai"))
    advice = advisor.advise(AdviceContext(cs, tuple(result.findings), Coverage()))

    assert advice.is_llm
    shown = advice.summary + "\n" + "\n".join(c.message for c in advice.concerns)
    for canary in (*CANARIES, "sk-proj-Q2hK9xZcanaryEchoed0Abc"):
        assert canary not in shown
    assert shown.count(REDACTED) == 8  # four secrets in the summary, four in the concern
    assert advice.summary.startswith("No issues. password (redacted), url (redacted)")


@pytest.mark.parametrize("echoed", [PASSWORD, DB_URL_SECRET, AWS_KEY])
def test_s2_a_model_name_that_echoes_a_secret_is_not_shown(echoed: str) -> None:
    """review19a: the answer's `model` field (OpenAI's `model`, Anthropic's) is shown as the advice's source in the
    comment ("AI review (openai/…)"), the JSON report and the stored usage. It was kept whenever it read as a model
    name and held no fragment of the API key: a provider answering `"model": "<the plan's password>"` put the
    password into the pull-request comment. A name holding one of the change's secrets is the configured model's."""
    cs = plan_from_document(_plan(), "plan.json")
    result = review(cs, load_rules(), Policy())
    client = ScriptedClient([answer(model=echoed)])
    advisor = LlmAdvisor([client], AdvisorSettings(name="openai"))
    advice = advisor.advise(AdviceContext(cs, tuple(result.findings), Coverage()))

    assert advice.is_llm
    assert advice.source == "openai/gpt-test"
    assert advice.usage.model == "gpt-test"
    shown = advice.source + json.dumps(advice.usage.as_dict())
    for canary in CANARIES:
        assert canary not in shown


def test_s2_a_model_name_the_provider_gives_is_kept_when_it_holds_no_secret() -> None:
    cs = plan_from_document(_plan(), "plan.json")
    result = review(cs, load_rules(), Policy())
    client = ScriptedClient([answer(model="gpt-4o-2024-08-06")])
    advice = LlmAdvisor([client], AdvisorSettings(name="openai")).advise(
        AdviceContext(cs, tuple(result.findings), Coverage())
    )
    assert advice.source == "openai/gpt-4o-2024-08-06"
    assert advice.usage.model == "gpt-4o-2024-08-06"


def test_s2_over_http_an_openai_answer_naming_a_secret_as_its_model_keeps_it_out(
    tmp_path: Path, http: httpx.Client
) -> None:
    """The same through the real adapter and a real server on loopback: `"model": "<the password>"` in a 200."""
    cs = plan_from_document(_plan(), "plan.json")
    result = review(cs, load_rules(), Policy())
    key_file = tmp_path / "openai.key"
    key_file.write_text("sk-test-key-0001\n", encoding="utf-8")
    text = json.dumps({"summary": "Looks fine.", "risk": "low", "concerns": []})
    with (
        FakeOpenAI() as fake,
        OpenAIClient(f"{fake.url}/v1", SecretSource.from_file(key_file), "gpt-4o-mini", http=http) as client,
    ):
        fake.script(fake.ok(text, model=PASSWORD))
        advice = LlmAdvisor([client], AdvisorSettings(name="openai")).advise(
            AdviceContext(cs, tuple(result.findings), Coverage())
        )
        assert fake.request_count == 1
    assert advice.is_llm
    assert advice.source == "openai/gpt-4o-mini"
    assert PASSWORD not in advice.source + json.dumps(advice.usage.as_dict())
