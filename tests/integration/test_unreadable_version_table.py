"""A database whose `alembic_version` table cannot say which schema it is at — two rows, a row without a revision,
no such table (or an empty one) beside tfreview's tables — is refused by `db upgrade`, `tokens list` and `serve`
with one line naming what is wrong and what to do, exit 2, nothing changed (ADR 0694). Alembic's own path ended
each of them with "internal error: CommandError: … more than one head" or "table api_tokens already exists"
(exit 3); PostgreSQL's `serve` and `tokens` said "no tfreview schema; run `tfreview db upgrade`", which then failed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.integration.live import fresh_postgres_database
from tests.integration.test_serve_process import tfreview, tfreview_env
from tfreview.store.migrate import upgrade

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"

# each damage: the statements that make it, and what the refusal must say about it
DAMAGES: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "two-rows": (
        ["INSERT INTO alembic_version (version_num) VALUES ('0001_initial')"],
        ("its alembic_version table holds 2 rows ('0001_initial', '", "') where Alembic keeps one"),
    ),
    "null-revision": (
        [
            "DROP TABLE alembic_version",
            "CREATE TABLE alembic_version (version_num VARCHAR(32))",
            "INSERT INTO alembic_version (version_num) VALUES (NULL)",
        ],
        ("its alembic_version table holds a row without a revision",),
    ),
    "no-version-table": (
        ["DROP TABLE alembic_version"],
        ("it holds tfreview's tables (ai_token_spend, api_tokens, ", "more) but no alembic_version table"),
    ),
    "empty-version-table": (
        ["DELETE FROM alembic_version"],
        ("it holds tfreview's tables (ai_token_spend, api_tokens, ", "more) but its alembic_version table is empty"),
    ),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at this version's schema: a SQLite file in tmp_path/data, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'tfreview.db'}"
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    with fresh_postgres_database(admin_url, f"tfreview_{uuid.uuid4().hex[:12]}") as url:
        yield url


def _contents(url: str) -> tuple[list[str], list[object]]:
    """The database's tables and its alembic_version rows."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sorted(inspect(connection).get_table_names())
            rows = (
                sorted(
                    (row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))),
                    key=str,
                )
                if "alembic_version" in tables
                else []
            )
    finally:
        engine.dispose()
    return tables, rows


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_version_table_that_cannot_say_the_revision_is_refused_with_one_line(
    database_url: str, tmp_path: Path, damage: str
) -> None:
    (tmp_path / "data").mkdir()
    upgrade(database_url)
    statements, said = DAMAGES[damage]
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()
    before = _contents(database_url)
    env = tfreview_env(TFREVIEW_DATABASE__URL=database_url, TFREVIEW_LOG_LEVEL="WARNING")
    for command in (["db", "upgrade"], ["tokens", "list"], ["serve", "--port", "0"]):
        result = tfreview(*command, env=env)
        assert result.returncode == 2, (command, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (command, result.stderr)
        assert "cannot say which schema revision it is at" in lines[0], (command, lines[0])
        assert all(phrase in lines[0] for phrase in said), (command, lines[0])
        assert "nothing was changed" in lines[0]
        assert "tfreview backup restore" in lines[0]
        assert "internal error" not in lines[0]
        assert _contents(database_url) == before  # refused before Alembic touched anything
