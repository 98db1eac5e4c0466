"""The schema head read from the version files' text (no Alembic) is Alembic's own head, and a database is taken
to be at it only when its one `alembic_version` row says exactly that (ADR 0666)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from tfreview.core.errors import ConfigError
from tfreview.store.database import Database
from tfreview.store.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from tfreview.store.schema_head import VERSIONS, at_head, carried_head, stored_revision
from tfreview.store.setup import prepare_database


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    # the same files, read by Alembic: a new migration, a branch or a merge shows here first
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == [head_revision()]
    assert carried_head() == head_revision()
    assert carried_head(VERSIONS) is not None


def _versions(tmp_path: Path, *files: tuple[str, str]) -> Path:
    directory = tmp_path / "versions"
    directory.mkdir()
    (directory / "__init__.py").write_text("")
    for name, text in files:
        (directory / name).write_text(f'"""A migration."""\n\nfrom alembic import op\n\n{text}\n')
    return directory


def test_one_line_of_revisions_has_its_newest_as_the_head(tmp_path: Path) -> None:
    versions = _versions(
        tmp_path,
        ("0002_b.py", "revision: str = '0002_b'\ndown_revision: str | None = \"0001_a\"  # the parent"),
        ("0001_a.py", 'revision = "0001_a"\ndown_revision = None'),
        ("0003_c.py", 'revision = "0003_c"\ndown_revision = "0002_b"'),
    )
    assert carried_head(versions) == "0003_c"


@pytest.mark.parametrize(
    ("files", "why"),
    [
        (
            (
                ("1.py", 'revision = "a"\ndown_revision = None'),
                ("2.py", 'revision = "b"\ndown_revision = "a"'),
                ("3.py", 'revision = "c"\ndown_revision = "a"'),
            ),
            "a branch: two heads",
        ),
        (
            (("1.py", 'revision = "a"\ndown_revision = None'), ("2.py", 'revision = "b"\ndown_revision = ("a", "x")')),
            "a merge: a tuple of parents",
        ),
        (
            (("1.py", 'revision = "a"\ndown_revision = None'), ("2.py", 'revision = "b"\ndown_revision = "x"')),
            "a parent no file declares",
        ),
        (
            (("1.py", 'revision = "a"\ndown_revision = None'), ("2.py", 'revision = REVISION\ndown_revision = "a"')),
            "a revision that is not a literal",
        ),
        (
            (("1.py", 'revision = "a"\ndown_revision = None'), ("2.py", 'revision = "a"\ndown_revision = None')),
            "one revision twice",
        ),
        (
            (("1.py", 'revision = "a"\ndown_revision = None'), ("2.py", 'revision = "b"\ndown_revision = None')),
            "two roots",
        ),
        ((), "no migration at all"),
    ],
)
def test_files_that_are_not_one_line_leave_the_answer_to_alembic(
    tmp_path: Path, files: tuple[tuple[str, str], ...], why: str
) -> None:
    assert carried_head(_versions(tmp_path, *files)) is None, why


def test_a_folder_that_cannot_be_read_leaves_the_answer_to_alembic(tmp_path: Path) -> None:
    versions = _versions(tmp_path, ("1.py", 'revision = "a"\ndown_revision = None'))
    (versions / "2.py").write_bytes(b'revision = "\xff"\ndown_revision = "a"\n')  # not UTF-8
    assert carried_head(versions) is None


def _stamp(path: Path, *revisions: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM alembic_version")
        connection.executemany("INSERT INTO alembic_version VALUES (?)", [(r,) for r in revisions])


def test_only_one_row_equal_to_the_head_is_at_the_head(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    url = f"sqlite:///{path}"
    database = Database(url)
    try:
        assert stored_revision(database) is None  # no table yet
        assert not at_head(database)
        upgrade(url, "0005_plan_findings")
        assert stored_revision(database) == "0005_plan_findings"
        assert not at_head(database)
        upgrade(url)
        assert stored_revision(database) == head_revision()
        assert at_head(database)
        _stamp(path, head_revision() or "", "0005_plan_findings")  # two rows: Alembic's "more than one head"
        assert stored_revision(database) is None
        assert not at_head(database)
    finally:
        database.close()


def test_a_sqlite_database_not_at_the_head_still_goes_through_alembic(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0005_plan_findings")
    prepare_database(url, 5000)  # behind: migrated to the head
    database = Database(url)
    try:
        assert current_revision(database) == head_revision()
        _stamp(path, "9999_from_a_newer_release")
        with pytest.raises(ConfigError, match=r"revision 9999_from_a_newer_release, which this version .* not know"):
            prepare_database(url, 5000)
        assert current_revision(database) == "9999_from_a_newer_release"  # nothing changed
    finally:
        database.close()
