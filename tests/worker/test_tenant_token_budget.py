"""D4 in the service: the per-tenant daily token budget is one budget in the shared database — the same for every
worker process, after a restart, exact when two workers race for its last tokens, and a new one each UTC day."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.settings import AdvisorSettings
from tfreview.settings import Settings
from tfreview.store.database import Database
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
        assert isinstance(one, LlmAdvisor) and isinstance(two, LlmAdvisor)
        assert one.budget is not None and two.budget is not None
        one.budget.spend(TENANT, 4_000)
        assert two.budget.remaining(TENANT) == 6_000  # the other worker sees what this one spent
        two.budget.spend(TENANT, 1_000)
    finally:
        first.close()
        second.close()
    restarted = build_services(settings)
    try:
        advisor = restarted.advisor
        assert isinstance(advisor, LlmAdvisor) and advisor.budget is not None
        assert advisor.budget.remaining(TENANT) == 5_000  # a restart does not hand out a fresh budget
        assert advisor.budget.remaining("github:78") == 10_000  # another tenant's is its own
    finally:
        restarted.close()


def test_d4_racing_reservations_never_pass_the_cap(url: str) -> None:
    from tfreview.store.token_budgets import SqlTokenBudget

    database = Database(url)
    try:
        budget = SqlTokenBudget(database, 10_000, today=lambda: date(2026, 3, 1))
        granted: list[bool] = []
        lock = threading.Lock()
        start = threading.Barrier(8)

        def race() -> None:
            start.wait()
            for _ in range(5):
                ok = budget.reserve(TENANT, 700)
                with lock:
                    granted.append(ok)

        threads = [threading.Thread(target=race) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert granted.count(True) == 10_000 // 700  # 14 of the 40 fit; not one more
        assert budget.remaining(TENANT) == 10_000 - 14 * 700
    finally:
        database.close()


def test_d4_a_new_utc_day_is_a_new_budget_and_a_refund_gives_tokens_back(url: str) -> None:
    from tfreview.store.token_budgets import SqlTokenBudget

    database = Database(url)
    today = [date(2026, 3, 1)]
    try:
        budget = SqlTokenBudget(database, 1_000, today=lambda: today[0])
        assert budget.reserve(TENANT, 900)
        assert not budget.reserve(TENANT, 200)
        budget.spend(TENANT, -600)  # the call used 300 of the 900 reserved
        assert budget.remaining(TENANT) == 700
        assert budget.reserve(TENANT, 200)
        today[0] = date(2026, 3, 2)
        assert budget.remaining(TENANT) == 1_000
        assert budget.reserve(TENANT, 1_000)
        assert not budget.reserve(TENANT, 1)
        assert not budget.reserve("github:78", 1_001)  # never more than the day's limit in one go
    finally:
        database.close()
