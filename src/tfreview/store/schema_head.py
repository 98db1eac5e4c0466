"""Is a database already at the schema this version carries? Answered with one SELECT, without Alembic (ADR 0666).

Every start of `serve` and `worker` and every operator command (`db upgrade`, `tokens`, `incidents`, `block`…)
checks its database's schema first. Through Alembic that cost ~0.3 s of CPU a process for importing Alembic and
Mako and reading every migration, to learn in nearly every case that nothing is to be done. Here the head is read
from the version files' own text (each declares `revision = "…"` and `down_revision = "…"`), and the database's
revision with `SELECT version_num FROM alembic_version`:

    head = carried_head()                      # "0027_reviews_plan_id_index", or None: ask Alembic
    stored_revision(database) == head          # True: at head, nothing to migrate or refuse

Only an exact answer counts: a database at the head (one row, equal to it) is left alone; anything else — behind,
newer, no table, several rows, version files that do not read as one line of revisions (a branch, a missing or
unusual assignment, a sourceless install) — goes through Alembic as before, with its messages. A test keeps
`carried_head()` equal to Alembic's own head (tests/contract/test_schema_head.py).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfreview.store.database import Database

VERSIONS = Path(__file__).with_name("migrations") / "versions"
# `revision = "0027_x"`, `down_revision: str | None = None`: the assignments Alembic's templates write
_ASSIGNMENT = re.compile(
    r"^(revision|down_revision)(?:[ \t]*:[^=\n]+)?[ \t]*=[ \t]*(None|\"[^\"\n]*\"|'[^'\n]*')[ \t]*(?:#.*)?$",
    re.MULTILINE,
)


def carried_head(versions: Path = VERSIONS) -> str | None:
    """The newest revision of the migrations in `versions`, read from their text; None when they do not form one
    line of revisions from a single root to a single head (the caller then asks Alembic)."""
    return _carried_head(versions.resolve())


@functools.cache
def _carried_head(versions: Path) -> str | None:
    parents: dict[str, str | None] = {}
    try:
        files = sorted(path for path in versions.glob("*.py") if not path.name.startswith("_"))
        texts = [path.read_text(encoding="utf-8") for path in files]
    except (OSError, UnicodeDecodeError):
        return None
    for text in texts:
        found: dict[str, list[str | None]] = {"revision": [], "down_revision": []}
        for name, value in _ASSIGNMENT.findall(text):
            found[name].append(None if value == "None" else value[1:-1])
        if len(found["revision"]) != 1 or len(found["down_revision"]) != 1:
            return None  # not the plain shape (a tuple of parents: a merge; none at all): Alembic knows
        revision = found["revision"][0]
        if revision is None or revision in parents:
            return None
        parents[revision] = found["down_revision"][0]
    roots = [revision for revision, parent in parents.items() if parent is None]
    children = [parent for parent in parents.values() if parent is not None]
    if len(roots) != 1 or len(children) != len(set(children)) or not set(children) <= set(parents):
        return None  # a branch, two roots, a parent no file declares
    heads = set(parents) - set(children)
    return heads.pop() if len(heads) == 1 else None


def stored_revision(database: Database) -> str | None:
    """The revision in the database's `alembic_version` table when it holds exactly one row; None when it holds
    none or several, or when the table cannot be read for a reason other than the database being unavailable
    (no such table). A database that is unavailable raises StoreUnavailable, as Alembic's own read would."""
    from sqlalchemy import exc, text

    from tfreview.store.database import translate_errors

    try:
        with translate_errors(), database.engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).fetchall()
    except exc.DBAPIError:  # not unavailable (translate_errors raised those): no table, no permission
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def at_head(database: Database) -> bool:
    """True when the database's schema is exactly the head this version carries; False when that is not known
    for sure (Alembic decides). StoreUnavailable when the database cannot be reached."""
    head = carried_head()
    return head is not None and stored_revision(database) == head
