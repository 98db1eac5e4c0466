"""Migration 0027 (ADR 0633): `reviews.plan_id` is indexed, on SQLite and PostgreSQL; the upgrade of a populated
database keeps every row, a plan's reviews are then found through the index, and the downgrade takes it away."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, func, insert, inspect, select, text
from sqlalchemy.engine import make_url

from tests.contract.conftest import POSTGRES_ENV
from tfreview.store.database import Database
from tfreview.store.migrate import alembic_config, current_revision, head_revision, upgrade_database
from tfreview.store.tables import ReviewRow

BEFORE = "0026_ai_token_holds"
INDEX = "ix_reviews_plan_id"
REVIEWS = 300


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database of its own at 0026 (the session's PostgreSQL database stays at head for the other tests)."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'before.db'}")
        try:
            upgrade_database(database, BEFORE)
            yield database
        finally:
            database.close()
        return
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    name = f"tfreview_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        database = Database(
            make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(False)
        )
        try:
            upgrade_database(database, BEFORE)
            yield database
        finally:
            database.close()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _populate(database: Database) -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    rows = [
        {
            "id": f"00000000-0000-4000-8000-{n:012d}",
            "tenant_id": "acme",
            "source_kind": "upload",
            "status": "completed",
            "counts": "{}",
            "plan_id": f"plan-{n % 100}" if n % 3 else None,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(REVIEWS)
    ]
    with database.engine.begin() as conn:
        conn.execute(insert(ReviewRow), rows)


def _indexes(database: Database) -> set[str]:
    with database.engine.connect() as conn:
        return {str(index["name"]) for index in inspect(conn).get_indexes("reviews")}


def _plan_reviews(database: Database, plan_id: str) -> int:
    with database.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(ReviewRow).where(ReviewRow.plan_id == plan_id)
        ).scalar_one()


def _plan(database: Database) -> str:
    """How the database finds a plan's reviews (the query `integrity` runs)."""
    query = "SELECT plan_id FROM reviews WHERE plan_id IN ('plan-7', 'plan-8')"
    with database.engine.begin() as conn:
        if database.is_sqlite:
            return " ".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {query}")))
        conn.execute(text("SET LOCAL enable_seqscan = off"))  # a table this small is scanned whatever its indexes
        return " ".join(str(row[0]) for row in conn.execute(text(f"EXPLAIN {query}")))


def test_the_upgrade_of_a_populated_database_indexes_plan_id_and_the_downgrade_removes_it(database: Database) -> None:
    _populate(database)
    assert INDEX not in _indexes(database)
    assert INDEX not in _plan(database)  # before: the whole table is read

    upgrade_database(database)
    assert current_revision(database) == head_revision()
    assert INDEX in _indexes(database)
    assert INDEX in _plan(database)
    assert _plan_reviews(database, "plan-7") == 2  # every row kept: plan-7 is n = 7 and 107 (207 is a multiple of 3)
    with database.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ReviewRow)).scalar_one() == REVIEWS

    command.downgrade(alembic_config(database), BEFORE)
    assert INDEX not in _indexes(database)
    assert _plan_reviews(database, "plan-7") == 2
    upgrade_database(database)  # and up again
    assert INDEX in _indexes(database)


def test_an_index_built_online_beforehand_is_found_by_the_upgrade(database: Database) -> None:
    """On PostgreSQL an operator builds it with CREATE INDEX CONCURRENTLY first (docs/howto/run-the-service.md);
    the upgrade, in its one transaction, then only records the revision."""
    _populate(database)
    concurrently = "" if database.is_sqlite else "CONCURRENTLY "
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"CREATE INDEX {concurrently}IF NOT EXISTS {INDEX} ON reviews (plan_id)"))
    upgrade_database(database)
    assert current_revision(database) == head_revision()
    assert INDEX in _indexes(database)
