"""Can the database's `alembic_version` table say which schema it is at? Asked before Alembic is (ADR 0694).

Alembic keeps one row there, the revision the schema is at. A table holding several rows, a row without a
revision, or no table (or an empty one) beside tfreview's own tables — a hand edit, a half-restored copy, a
migration tool run against the wrong database — cannot say it, and Alembic's path ended every command on it with
an internal error ("more than one head present", "table api_tokens already exists"):

    problem = version_table_problem(connection)     # None: Alembic can read it (or the database is new)
    refuse_unreadable_version(connection, url)      # ConfigError (exit 2, one line), nothing changed

What is read is the table list and at most a few short revisions, quoted bounded: the refusal names what it found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tfreview.core.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

VERSION_TABLE = "alembic_version"
_NAMED = 3  # tables or revisions named in a refusal, the rest counted
REVISION_CHARACTERS = 64


def version_table_problem(connection: Connection) -> str | None:
    """What keeps `alembic_version` from saying the schema's revision; None when it says it (one row), or when
    there is nothing to say yet (no tfreview table: a new database)."""
    from sqlalchemy import inspect, text

    from tfreview.store.tables import Base

    names = set(inspect(connection).get_table_names())
    ours = sorted(names & set(Base.metadata.tables))
    if VERSION_TABLE not in names:
        return f"it holds tfreview's tables ({_few(ours)}) but no {VERSION_TABLE} table" if ours else None
    revisions = [row[0] for row in connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))]
    if len(revisions) > 1:
        quoted = sorted(quoted_revision(revision) for revision in revisions)
        return f"its {VERSION_TABLE} table holds {len(revisions)} rows ({_few(quoted)}) where Alembic keeps one"
    if revisions and revisions[0] in (None, ""):
        return f"its {VERSION_TABLE} table holds a row without a revision"
    if not revisions and ours:
        return f"it holds tfreview's tables ({_few(ours)}) but its {VERSION_TABLE} table is empty"
    return None


def refuse_unreadable_version(connection: Connection, database: str) -> None:
    """ConfigError when `version_table_problem` finds one; `database` names the database (its password hidden)."""
    problem = version_table_problem(connection)
    if problem is not None:
        raise ConfigError(
            f"the database {database} cannot say which schema revision it is at: {problem}; nothing was changed. "
            "Restore it from a backup (`tfreview backup restore`), or, if you know its revision, make that the one "
            f"row of {VERSION_TABLE} and run `tfreview db upgrade`"
        )


def quoted_revision(revision: object) -> str:
    """A revision as the refusal shows it: quoted, bounded, its control characters escaped."""
    if revision is None:
        return "NULL"
    shown = str(revision)
    cut = shown[:REVISION_CHARACTERS]
    return repr(cut) + ("…" if len(shown) > len(cut) else "")


def _few(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMED])
    return shown + (f" and {len(names) - _NAMED} more" if len(names) > _NAMED else "")
