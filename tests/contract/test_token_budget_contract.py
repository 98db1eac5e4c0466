"""The per-tenant daily token budget (D4, ADR 0560): the same scenarios on memory, SQLite, PostgreSQL and DynamoDB —
reservations are all or nothing and never pass the cap however many workers race, a give-back returns tokens to
the day they were reserved on, and a new UTC day is a new budget."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.contract.conftest import fresh_table, sql_database_of
from tfreview.advisor.token_budget import InMemoryTokenBudget, TokenBudget
from tfreview.store.aws.token_budgets import DynamoTokenBudget
from tfreview.store.token_budgets import SqlTokenBudget

TENANT = "github:77"
Budgets = Callable[[int], TokenBudget]


@pytest.fixture(params=["memory", "sqlite", "postgres", "dynamodb"])
def budgets(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[tuple[list[date], Budgets]]:
    yield from _budgets(request, sqlite_dir)


@pytest.fixture(params=["sqlite", "postgres", "dynamodb"])
def shared_budgets(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[tuple[list[date], Budgets]]:
    yield from _budgets(request, sqlite_dir)


def _budgets(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[tuple[list[date], Budgets]]:
    """(the day the budgets see, a budget with a given daily limit on one shared store)."""
    today = [date(2026, 3, 1)]
    if request.param == "memory":
        yield today, lambda limit: InMemoryTokenBudget(limit, today=lambda: today[0])
        return
    if request.param == "dynamodb":
        table = fresh_table(request)
        yield today, lambda limit: DynamoTokenBudget(table, limit, today=lambda: today[0])
        return
    with sql_database_of(request, sqlite_dir) as database:
        yield today, lambda limit: SqlTokenBudget(database, limit, today=lambda: today[0])


def test_racing_reservations_never_pass_the_cap(budgets: tuple[list[date], Budgets]) -> None:
    _, make = budgets
    budget = make(10_000)
    granted: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def race() -> None:
        start.wait()
        for _ in range(4):
            ok = budget.reserve(TENANT, 700)
            with lock:
                granted.append(ok)

    threads = [threading.Thread(target=race) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert granted.count(True) == 10_000 // 700  # 14 of the 24 fit; not one more
    assert budget.remaining(TENANT) == 10_000 - 14 * 700


def test_a_give_back_a_new_day_and_the_limit_in_one_go(budgets: tuple[list[date], Budgets]) -> None:
    today, make = budgets
    budget = make(1_000)
    assert budget.reserve(TENANT, 900)
    assert not budget.reserve(TENANT, 200)
    assert budget.remaining(TENANT) == 100  # a refused reservation counted nothing
    budget.spend(TENANT, -600)  # the call used 300 of the 900 reserved
    assert budget.remaining(TENANT) == 700
    assert budget.reserve(TENANT, 200)
    first = budget.today()
    today[0] = date(2026, 3, 2)
    assert budget.today() == date(2026, 3, 2)
    assert budget.remaining(TENANT) == 1_000  # a new UTC day, a new budget
    assert budget.reserve(TENANT, 1_000)
    assert not budget.reserve(TENANT, 1)
    budget.spend(TENANT, -200, day=first)  # yesterday's review settles on yesterday
    assert budget.remaining(TENANT) == 0
    assert not budget.reserve("github:78", 1_001)  # never more than the day's limit in one go
    assert budget.remaining("github:78") == 1_000
    budget.spend("github:78", -50)  # nothing to give back: the day does not go below zero
    assert budget.remaining("github:78") == 1_000
    budget.spend("github:78", 400)
    assert budget.remaining("github:78") == 600


def test_a_budget_is_shared_by_every_process_on_the_store(shared_budgets: tuple[list[date], Budgets]) -> None:
    _, make = shared_budgets
    one, two = make(5_000), make(5_000)
    assert one.reserve(TENANT, 3_000)
    assert two.remaining(TENANT) == 2_000
    assert not two.reserve(TENANT, 2_001)


def test_the_largest_daily_limit_the_settings_take_is_counted(budgets: tuple[list[date], Budgets]) -> None:
    # the largest `advisor.daily_tokens_per_tenant` the service starts with is one every store can count against
    from tfreview.advisor.settings import AdvisorSettings

    largest = next(m.le for m in AdvisorSettings.model_fields["daily_tokens_per_tenant"].metadata if hasattr(m, "le"))
    _, make = budgets
    budget = make(largest)
    assert budget.reserve(TENANT, 13_500)
    budget.spend(TENANT, -500)
    assert budget.remaining(TENANT) == largest - 13_000
