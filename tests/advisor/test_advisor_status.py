"""The model chain's status as the dashboard reads it: through the `AdvisorStatus` port that wiring
mounts on the services (`Services.advisor_status`), never by probing the advisor for attributes."""

from __future__ import annotations

import random
from datetime import date

from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.settings import AdvisorSettings
from tfreview.advisor.token_budget import InMemoryTokenBudget
from tfreview.core.plan import Coverage
from tfreview.core.ports import AdviceContext
from tfreview.settings import Settings
from tfreview.wiring import advisor_status, build_memory_services

from .doubles import FakeTime, ScriptedClient, change, change_set, failure

CONTEXT = AdviceContext(change_set(change("aws_s3_bucket.a")), (), Coverage())


def test_breaker_states_name_each_model_and_open_after_failures() -> None:
    time = FakeTime()
    down = ScriptedClient([failure("server error", status=500)] * 10, time=time)
    settings = AdvisorSettings(name="openai", breaker_failures=1)
    advisor = LlmAdvisor([down], settings, clock=time.clock, sleep=time.sleep, rng=random.Random(7))
    assert advisor.breaker_states() == [("openai/gpt-test", "closed")]
    advisor.advise(CONTEXT)
    assert advisor.breaker_states() == [("openai/gpt-test", "open")]


def test_budget_states_say_what_the_tenant_has_left_today() -> None:
    time = FakeTime()
    budget = InMemoryTokenBudget(5_000, per_tenant={"github:1": 800}, today=lambda: date(2026, 1, 1))
    budget.spend("github:1", 300)
    advisor = LlmAdvisor([ScriptedClient([], time=time)], AdvisorSettings(name="openai"), budget_store=budget)
    assert advisor.budget_states("github:1") == [("github:1", 500, 800)]
    without = LlmAdvisor([ScriptedClient([], time=time)], AdvisorSettings(name="openai"))
    assert without.budget_states("github:1") == []


def test_wiring_mounts_the_status_of_a_model_chain_only() -> None:
    assert build_memory_services(Settings()).advisor_status is None  # the builtin reviewer has no breakers
    chain = LlmAdvisor([], AdvisorSettings(name="openai"))
    assert advisor_status(chain) is chain
