"""One racing process of tests/contract/test_token_holds_contract.py: it reserves from a daily token budget on a
shared store and reports how many of its reservations were granted — or the error that stopped it.

A module of its own so that each spawned process imports only the store it races on: the test module imports the
contract conftest (moto, Alembic, every store), about 1 s of CPU more per process on a loaded 2-core machine
(ADR 0669)."""

from __future__ import annotations

import os
import traceback
from datetime import date
from typing import Any

TENANT = "github:77"
DAY = date(2026, 3, 1)
LIMIT = 10_000
TOKENS = 700  # 14 reservations fit the limit


def race(spec: tuple[str, Any], start: Any, results: Any, n: int) -> None:
    """Reserve TOKENS `n` times (each its own hold, never settled) once all racers are ready; put the number
    granted on `results`, or the traceback text if anything failed (the parent then fails at once with it,
    rather than waiting for a count that never comes)."""
    try:
        results.put(_reserve(spec, start, n))
    except BaseException:  # whatever stopped this racer is the parent's failure message
        results.put(traceback.format_exc())
        raise


def _reserve(spec: tuple[str, Any], start: Any, n: int) -> int:
    backend, where = spec
    if backend == "dynamodb":
        from tfreview.store.aws.connection import AwsClients
        from tfreview.store.aws.table import Table
        from tfreview.store.aws.token_budgets import DynamoTokenBudget

        budget: Any = DynamoTokenBudget(Table(AwsClients(where)), LIMIT, today=lambda: DAY)
        database = None
    else:
        from tfreview.store.database import Database
        from tfreview.store.token_budgets import SqlTokenBudget

        # racers take SQLite's one writer in turn: on a loaded machine a turn can wait past the 5 s default, and
        # the test is about the cap, not the wait (at load 14 a racer died "database is locked" after 7.1 s)
        database = Database(str(where), busy_timeout_ms=120_000)
        budget = SqlTokenBudget(database, LIMIT, today=lambda: DAY)
    try:
        start.wait()
        return sum(budget.reserve(TENANT, TOKENS, hold=f"{os.getpid()}-{i}", hold_seconds=600) for i in range(n))
    finally:
        if database is not None:
            database.close()
