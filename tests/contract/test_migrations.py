"""The migrations produce exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tfreview.store.database import Database
from tfreview.store.migrate import current_revision, head_revision
from tfreview.store.tables import Base


def test_migrations_match_the_models(sql_database: Database) -> None:
    # the fixture has upgraded a fresh database to head
    assert current_revision(sql_database) == head_revision()
    with sql_database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
