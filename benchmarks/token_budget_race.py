"""8 processes race for one tenant's daily token budget (ADR 0560): 20 reservations of 1,000 tokens each against a
cap of 50,000 on one database. Prints how many were granted and what the row holds: exactly 50 and 50,000.

    .venv/bin/python benchmarks/token_budget_race.py sqlite:////tmp/race.db
    .venv/bin/python benchmarks/token_budget_race.py "postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dbench_race"

A PostgreSQL URL's `search_path` schema is dropped and created first.
"""

from __future__ import annotations

import multiprocessing
import sys
from datetime import date
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import create_engine, text

from tfreview.store.database import Database
from tfreview.store.migrate import upgrade
from tfreview.store.token_budgets import SqlTokenBudget

PROCESSES = 8
TRIES = 20
LIMIT = 50_000
EACH = 1_000
DAY = date(2026, 12, 6)


def _race(url: str) -> int:
    database = Database(url, 5000)
    try:
        budget = SqlTokenBudget(database, LIMIT, today=lambda: DAY)
        return sum(1 for _ in range(TRIES) if budget.reserve("github:race", EACH))
    finally:
        database.close()


def _fresh_schema(url: str) -> None:
    options = parse_qs(urlsplit(url).query).get("options", [""])[0]
    schema = options.removeprefix("-csearch_path=")
    if not schema.isidentifier():
        raise SystemExit("a PostgreSQL URL names its schema: ?options=-csearch_path%3D<schema>")
    engine = create_engine(url.split("?", maxsplit=1)[0])
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()


def main(url: str) -> None:
    if url.startswith("postgresql"):
        _fresh_schema(url)
    upgrade(url)
    with multiprocessing.Pool(PROCESSES) as pool:
        granted = sum(pool.map(_race, [url] * PROCESSES))
    database = Database(url, 5000)
    with database.engine.connect() as connection:
        spent = connection.execute(text("SELECT spent FROM ai_token_spend")).scalar()
    database.close()
    print(f"granted {granted} of {PROCESSES * TRIES} reservations; spent {spent} of {LIMIT}")


if __name__ == "__main__":
    main(sys.argv[1])
