"""What lies in the backup directory is read, never trusted: a manifest (planted, copied from another host,
edited) naming a file other than the one beside it — `../tfreview.db`, an absolute path — made `backup create`'s
retention DELETE that file (the live database itself, or any file the service user may remove), and made
`backup verify`/`restore` read it. Such a manifest is now no backup: not listed, not pruned, not restorable.
A backup of a newer schema is refused before it replaces the database. The real CLI on a real data directory.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import child_env
from tfreview.store.backup import create_backup
from tfreview.store.migrate import head_revision, upgrade


def tfreview(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", *args], env=child_env(), capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


def _data_dir_with_a_backup(tmp_path: Path) -> Path:
    """A data directory at the head revision holding one backup, made in this process by what `db upgrade` and
    `backup create` call: each command in a process of its own costs seconds on a loaded 2-core machine, and what
    these tests prove is what the CLI does with the directory afterwards (those commands stay real processes)."""
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite:///{data / 'tfreview.db'}"
    upgrade(url)
    create_backup(url, data / "backups")
    return data


def test_a_manifest_naming_another_file_is_neither_pruned_nor_restored(tmp_path: Path) -> None:
    data = _data_dir_with_a_backup(tmp_path)
    database = data / "tfreview.db"
    backups = data / "backups"
    (genuine,) = backups.glob("*.manifest.json")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    for name, file in (("old-1", str(victim)), ("old-2", "../tfreview.db"), ("..", ".."), ("old-3", "old-3/../x")):
        document = json.loads(genuine.read_text())
        document.update(file=file, created_at="2001-01-01T00:00:00+00:00")  # past any retention
        (backups / f"{name}.manifest.json").write_text(json.dumps(document))

    listed = tfreview("backup", "list", "--data-dir", str(data))
    again = tfreview("backup", "create", "--data-dir", str(data))
    restored = tfreview("backup", "restore", "--data-dir", str(data), "--force", "../tfreview.db")

    assert listed.returncode == 0, listed.stderr
    assert "victim" not in listed.stdout
    assert "../tfreview.db" not in listed.stdout
    assert again.returncode == 0, again.stderr
    assert victim.read_text() == "precious\n"
    assert database.exists()
    assert restored.returncode == 2, restored.stderr
    assert "no backup '../tfreview.db'" in restored.stderr
    assert "Traceback" not in restored.stderr + again.stderr
    assert genuine.stem.removesuffix(".manifest") in tfreview("backup", "list", "--data-dir", str(data)).stdout


def _set_revision(database: Path, revision: str) -> None:
    connection = sqlite3.connect(database)
    try:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        connection.commit()
    finally:
        connection.close()


def test_a_backup_from_a_newer_schema_is_refused_before_it_replaces_the_database(tmp_path: Path) -> None:
    """A backup a newer tfreview took (its schema at a revision this version does not carry): the restore swapped it
    in, then failed to migrate it — exit 3, "CommandError: Can't locate revision" — leaving a database this version
    cannot start on. Now: exit 2 before anything changes. And `serve`, `db upgrade` on such a database: exit 2 with
    the same one line instead of the internal error."""
    data = tmp_path / "data"
    # the database: the same CLI in this process (ADR 0669); `serve`, `db upgrade` and the restore below are processes
    assert tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env()).returncode == 0
    database = data / "tfreview.db"
    current = head_revision()
    assert current is not None
    _set_revision(database, "9999_from_a_newer_tfreview")
    newer = create_backup(f"sqlite:///{database}", data / "backups")  # what the newer version's backup holds
    assert newer.schema_revision == "9999_from_a_newer_tfreview"
    refused = [tfreview(*command, "--data-dir", str(data)) for command in (("serve", "--port", "0"), ("db", "upgrade"))]
    _set_revision(database, current)
    before = database.read_bytes()

    restored = tfreview("backup", "restore", "--data-dir", str(data), "--force", newer.file)

    for done in [*refused, restored]:
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "internal error" not in done.stderr
        assert "revision 9999_from_a_newer_tfreview, which this version of tfreview" in done.stderr, done.stderr
    assert f"backup {newer.file} cannot be restored by this version" in restored.stderr
    assert database.read_bytes() == before
    assert sorted(p.name for p in data.iterdir()) == ["backups", "tfreview.db"]


def test_a_backup_whose_manifest_is_damaged_or_missing_is_named_as_such(tmp_path: Path) -> None:
    """`backup verify NAME` / `restore NAME` of a backup whose manifest is truncated or gone said "no backup NAME"
    while the file lay there; now they say what is wrong with it (exit 2 either way, nothing restored)."""
    data = _data_dir_with_a_backup(tmp_path)
    (manifest,) = (data / "backups").glob("*.manifest.json")
    name = manifest.name.removesuffix(".manifest.json")
    manifest.write_bytes(manifest.read_bytes()[:100])  # a copy cut short

    damaged = tfreview("backup", "verify", "--data-dir", str(data), name)
    by_stem = tfreview("backup", "restore", "--data-dir", str(data), "--force", name.removesuffix(".sqlite3"))
    manifest.write_bytes(b"[" * 100_000)  # nested past the reader's depth: was exit 3, a RecursionError (ADR 0680)
    nested = tfreview("backup", "verify", "--data-dir", str(data), name)
    manifest.unlink()
    missing = tfreview("backup", "verify", "--data-dir", str(data), name)

    for done, why in ((damaged, "Unterminated string"), (by_stem, "Unterminated string"), (nested, "nested deeper")):
        assert done.returncode == 2, done.stderr
        assert f"backup manifest {manifest.name} is unreadable: not JSON: {why}" in done.stderr, done.stderr
        assert f"no backup in {data / 'backups'} can be used as " in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert missing.returncode == 2, missing.stderr
    assert f"no backup in {data / 'backups'} can be used as {name!r}: {name} has no manifest" in missing.stderr


def test_a_foreign_file_with_a_matching_manifest_is_refused_with_one_line(tmp_path: Path) -> None:
    """A file that is no SQLite database under a backup's name, its manifest's size and SHA-256 made to match (a
    copy of the wrong file, a deliberate swap): verify and restore ended in exit 3, "internal error: DatabaseError:
    file is not a database"; now exit 2 naming the backup, the database untouched."""
    data = _data_dir_with_a_backup(tmp_path)
    (manifest,) = (data / "backups").glob("*.manifest.json")
    backup = manifest.with_name(manifest.name.removesuffix(".manifest.json"))
    foreign = b"SQLite format 3\x00" + bytes(range(256)) * 40
    backup.write_bytes(foreign)
    document = json.loads(manifest.read_text())
    document.update(size=len(foreign), sha256=hashlib.sha256(foreign).hexdigest())
    manifest.write_text(json.dumps(document))
    database = data / "tfreview.db"
    before = database.read_bytes()

    verified = tfreview("backup", "verify", "--data-dir", str(data), backup.name)
    restored = tfreview("backup", "restore", "--data-dir", str(data), "--force", backup.name)

    for done in (verified, restored):
        assert done.returncode == 2, done.stderr
        assert f"backup {backup.name} is not a readable SQLite database: " in done.stderr, done.stderr
        assert "internal error" not in done.stderr
    assert database.read_bytes() == before
