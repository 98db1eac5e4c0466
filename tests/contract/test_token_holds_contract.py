"""Reservations on the daily token budget are holds that expire (ADR 0560, amended), the same on memory, SQLite,
PostgreSQL and DynamoDB: a hold whose process died stops counting at its expiry, settling or releasing an expired (or
already released) hold is harmless, and many PROCESSES reserving at the cap still never pass it."""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.contract import token_racer
from tests.contract.conftest import empty_postgres, fresh_sqlite, sql_database_of
from tfreview.advisor.token_budget import InMemoryTokenBudget, TokenBudget
from tfreview.store.aws.connection import AwsClients
from tfreview.store.aws.table import Table
from tfreview.store.aws.token_budgets import DynamoTokenBudget
from tfreview.store.database import Database
from tfreview.store.token_budgets import SqlTokenBudget

TENANT = "github:77"
DAY = date(2026, 3, 1)
Budgets = Callable[[int], TokenBudget]


@pytest.fixture(params=["memory", "sqlite", "postgres", "dynamodb"])
def clocked(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[tuple[list[float], Budgets]]:
    """(the wall clock the budgets see, a budget with a given daily limit on one shared store)."""
    now = [1_000_000.0]
    options: dict[str, Any] = {"today": lambda: DAY, "clock": lambda: now[0]}
    if request.param == "memory":
        yield now, lambda limit: InMemoryTokenBudget(limit, **options)
        return
    if request.param == "dynamodb":
        table = Table(AwsClients(request.getfixturevalue("moto_server").fresh_target()))
        yield now, lambda limit: DynamoTokenBudget(table, limit, **options)
        return
    with sql_database_of(request, sqlite_dir) as database:
        yield now, lambda limit: SqlTokenBudget(database, limit, **options)


def test_a_hold_nobody_settles_stops_counting_at_its_expiry(clocked: tuple[list[float], Budgets]) -> None:
    now, make = clocked
    budget = make(10_000)
    assert budget.reserve(TENANT, 6_000, hold="killed", hold_seconds=210)  # its process is then SIGKILLed
    assert not budget.reserve(TENANT, 6_000, hold="next", hold_seconds=210)
    assert budget.remaining(TENANT) == 4_000
    now[0] += 209
    assert budget.remaining(TENANT) == 4_000  # before its expiry a hold counts: its call may still be running
    now[0] += 2
    assert budget.remaining(TENANT) == 10_000
    assert budget.reserve(TENANT, 6_000, hold="next", hold_seconds=210)  # the expired hold is swept away
    assert budget.remaining(TENANT) == 4_000


def test_settling_and_releasing_an_expired_hold_are_harmless(clocked: tuple[list[float], Budgets]) -> None:
    now, make = clocked
    budget = make(10_000)
    assert budget.reserve(TENANT, 3_000, hold="slow", hold_seconds=100)
    now[0] += 101
    assert budget.reserve(TENANT, 2_000, hold="other", hold_seconds=100)  # sweeps "slow" away
    budget.spend(TENANT, 1_200, hold="slow")  # the slow call came back after all: what it used is counted
    assert budget.remaining(TENANT) == 10_000 - 2_000 - 1_200
    budget.release(TENANT, "slow")
    budget.release(TENANT, "slow")  # nothing given back that was not held
    assert budget.remaining(TENANT) == 10_000 - 2_000 - 1_200
    budget.spend(TENANT, 500, hold="other")  # settled: spent for good, it never expires
    budget.release(TENANT, "other")
    budget.release(TENANT, "other")
    assert budget.remaining(TENANT) == 10_000 - 1_200 - 500
    now[0] += 10_000
    assert budget.remaining(TENANT) == 10_000 - 1_200 - 500


def test_a_topped_up_hold_is_settled_and_released_once(clocked: tuple[list[float], Budgets]) -> None:
    now, make = clocked
    budget = make(10_000)
    assert budget.reserve(TENANT, 1_000, hold="review", hold_seconds=100)
    budget.spend(TENANT, 800, hold="review")  # a malformed answer: asked again
    assert budget.reserve(TENANT, 800, hold="review", hold_seconds=100)  # topped up to 1,000 held again
    budget.spend(TENANT, 1_300, hold="review")  # 300 past the hold
    budget.release(TENANT, "review")
    assert budget.remaining(TENANT) == 10_000 - 800 - 1_300
    now[0] += 1_000
    assert budget.remaining(TENANT) == 10_000 - 800 - 1_300


def _spec(request: pytest.FixtureRequest, backend: str, sqlite_dir: Path) -> tuple[str, Any]:
    if backend == "dynamodb":
        return backend, request.getfixturevalue("moto_server").fresh_target()
    if backend == "sqlite":
        fresh_sqlite(sqlite_dir).close()
        return backend, f"sqlite:///{sqlite_dir / 'store' / 'tfreview.db'}"
    empty_postgres(request.getfixturevalue("postgres_url")).close()
    return backend, request.getfixturevalue("postgres_url")


@pytest.mark.parametrize("backend", ["sqlite", "postgres", "dynamodb"])
def test_processes_reserving_at_the_cap_never_pass_it(
    request: pytest.FixtureRequest, backend: str, sqlite_dir: Path
) -> None:
    """Three processes, nine reservations each, released at once: 27 asked for, 14 fit, not one more. (Five
    processes of five each until ADR 0669: each spawned process costs its interpreter and imports, and three
    racing on one row take its lock in turn as five do.)"""
    spec = _spec(request, backend, sqlite_dir)
    spawn = multiprocessing.get_context("spawn")
    racers = 3
    start = spawn.Barrier(racers)
    results = spawn.Queue()
    workers = [spawn.Process(target=token_racer.race, args=(spec, start, results, 9)) for _ in range(racers)]
    for worker in workers:
        worker.start()
    try:
        granted = [results.get(timeout=120) for _ in workers]
    except queue.Empty:
        pytest.fail(f"a racer reported nothing within 120 s; exit codes {[w.exitcode for w in workers]}")
    finally:
        for worker in workers:
            worker.join(timeout=30)
    failures = [g for g in granted if isinstance(g, str)]
    assert not failures, failures[0]  # a racer's traceback, at once
    assert [worker.exitcode for worker in workers] == [0] * racers
    assert sum(granted) == token_racer.LIMIT // token_racer.TOKENS  # 14 of the 27 fit; not one more
    database = Database(str(spec[1])) if backend != "dynamodb" else None
    budget: TokenBudget = (
        DynamoTokenBudget(Table(AwsClients(spec[1])), 10_000, today=lambda: DAY)
        if database is None
        else SqlTokenBudget(database, 10_000, today=lambda: DAY)
    )
    assert budget.remaining(TENANT) == 10_000 - 14 * 700  # the holds (600 s) still count
    if database is not None:
        database.close()
