"""D4 in the service: the per-tenant daily token budget is one budget in the shared database — the same for every
worker process, after a restart, exact when two workers race for its last tokens, and a new one each UTC day."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.settings import AdvisorSettings
from tfreview.settings import Settings
from tfreview.wiring import build_services

from .conftest import _emptied, database_settings, sqlite_url

TENANT = "github:77"


def _llm_settings(url: str, daily: int) -> Settings:
    settings = database_settings(url)
    provider = {"provider": "openai", "model": "gpt-test", "base_url": "http://127.0.0.1:9/v1"}  # never called
    advisor = AdvisorSettings(name="openai", providers=[provider], daily_tokens_per_tenant=daily)  # type: ignore[list-item]
    return settings.model_copy(update={"advisor": advisor})


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return _emptied(request.getfixturevalue("postgres_url"))


def test_d4_the_budget_is_shared_by_every_worker_and_outlives_a_restart(url: str) -> None:
    settings = _llm_settings(url, 10_000)
    first = build_services(settings)
    second = build_services(settings)  # another worker process on the same database
    try:
        one, two = first.advisor, second.advisor
        assert isinstance(one, LlmAdvisor)
        assert isinstance(two, LlmAdvisor)
        assert one.budget is not None
        assert two.budget is not None
        one.budget.spend(TENANT, 4_000)
        assert two.budget.remaining(TENANT) == 6_000  # the other worker sees what this one spent
        two.budget.spend(TENANT, 1_000)
    finally:
        first.close()
        second.close()
    restarted = build_services(settings)
    try:
        advisor = restarted.advisor
        assert isinstance(advisor, LlmAdvisor)
        assert advisor.budget is not None
        assert advisor.budget.remaining(TENANT) == 5_000  # a restart does not hand out a fresh budget
        assert advisor.budget.remaining("github:78") == 10_000  # another tenant's is its own
    finally:
        restarted.close()
