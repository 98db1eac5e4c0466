"""`tfreview db upgrade`: bring a database to the newest schema (Alembic, no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from tfreview import __version__
from tfreview.core.errors import ConfigError
from tfreview.store.database import Database, translate_errors
from tfreview.store.version_table import REVISION_CHARACTERS, quoted_revision, refuse_unreadable_version

MIGRATIONS = Path(__file__).with_name("migrations")
# any constant: serialises `db upgrade` of several processes starting at once on PostgreSQL
_PG_MIGRATION_LOCK = 0x7466726576696577


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head", *, busy_timeout_ms: int = 5000) -> None:
    """Apply every migration up to `revision` in one transaction."""
    database = Database(database_url, busy_timeout_ms)
    try:
        upgrade_database(database, revision)
    finally:
        database.close()


def upgrade_database(database: Database, revision: str = "head") -> None:
    """ConfigError, nothing changed, when the database is at a revision this version does not carry (written by a
    newer tfreview): Alembic's "Can't locate revision" was an internal error (exit 3) of every command; the same
    when its version table cannot say the revision (several rows, none beside tfreview's tables: ADR 0694)."""
    from alembic.runtime.migration import MigrationContext

    config = alembic_config(database)
    with translate_errors(), database.engine.begin() as connection:
        if not database.is_sqlite:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        refuse_unreadable_version(connection, _shown(database))
        refuse_newer_schema(MigrationContext.configure(connection).get_current_revision())
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def refuse_newer_schema(revision: str | None) -> None:
    """ConfigError when `revision` (a database's, a backup's) is one this version does not carry."""
    if revision is not None and revision not in known_revisions():
        raise ConfigError(
            f"the database schema is at revision {_plain(revision)}, which this version of tfreview ({__version__})"
            f" does not know (its newest is {head_revision()}): a newer tfreview wrote it; run that version (or newer)"
        )


def _plain(revision: str) -> str:
    """`revision` as it is when it is a short printable name (every migration's), else quoted, bounded and its control
    characters escaped: it comes from a database or a backup file, which may come from anywhere (review22)."""
    if revision.isprintable() and len(revision) <= REVISION_CHARACTERS:
        return revision
    return quoted_revision(revision)


def head_revision() -> str | None:
    """The newest revision of the migrations this version carries."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def known_revisions() -> frozenset[str]:
    """Every revision of the migrations this version carries (a database at another one is newer)."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(script.revision for script in ScriptDirectory.from_config(config).walk_revisions())


def current_revision(database: Database) -> str | None:
    """The revision the database is at (None before the first upgrade); ConfigError when its version table cannot
    say (ADR 0694)."""
    from alembic.runtime.migration import MigrationContext

    with translate_errors(), database.engine.connect() as connection:
        refuse_unreadable_version(connection, _shown(database))
        return MigrationContext.configure(connection).get_current_revision()


def _shown(database: Database) -> str:
    """The database's URL as the user wrote it (`sqlite:///…`, `postgresql://…`), its password hidden."""
    url = database.url
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)
