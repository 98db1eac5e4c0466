"""`backup restore` keeps the database it replaces beside it (`*.before-restore-<time>`): a hard link, or a copy
where the file system refuses links. The copy runs in its own process with a file size limit below the
database's size (RLIMIT_FSIZE: writes past it fail as a full disk fails them), so it fails midway for real.
ADR 0543.
"""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

COPY = """
import resource, signal, sys
from pathlib import Path
from tfreview.core.errors import ConfigError
from tfreview.store.backup import copy_whole
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing us
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    copy_whole(Path(sys.argv[1]), Path(sys.argv[2]))
except ConfigError as exc:
    print(exc)
    sys.exit(2)
"""


def _database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x TEXT)")
        connection.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,) for _ in range(600)])
    connection.close()
    path.chmod(0o600)


def _copy(source: Path, name: Path, limit: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", COPY, str(source), str(name), str(limit)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_a_copy_that_fills_the_disk_leaves_nothing_under_the_kept_name(tmp_path: Path) -> None:
    database = tmp_path / "tfreview.db"
    _database(database)
    kept = tmp_path / "tfreview.db.before-restore-20261206T120000Z"
    done = _copy(database, kept, database.stat().st_size // 2)
    assert done.returncode == 2, done.stderr
    assert "cannot keep a copy of tfreview.db" in done.stdout
    assert "the database is unchanged" in done.stdout
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tfreview.db"]  # no half copy under any name


def test_a_copy_with_room_is_whole_and_as_private_as_the_database(tmp_path: Path) -> None:
    database = tmp_path / "tfreview.db"
    _database(database)
    kept = tmp_path / "tfreview.db.before-restore-20261206T120000Z"
    (tmp_path / (kept.name + ".partial")).write_bytes(b"what a killed copy left")
    done = _copy(database, kept, database.stat().st_size * 4)
    assert done.returncode == 0, done.stdout + done.stderr
    assert kept.read_bytes() == database.read_bytes()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([database.name, kept.name])


def test_a_restore_removes_the_half_copy_a_killed_restore_left(tmp_path: Path) -> None:
    """A restore killed while copying the old database (a file system without hard links) left
    `tfreview.db.before-restore-<its second>.partial`; every later restore picks another second's name, so that
    half copy of the database stayed for good (found by `make chaos`, session 15). The next restore removes it."""
    from tests.cli_in_process import tfreview_in_process
    from tests.integration.served import child_env

    data = tmp_path / "data"

    def tfreview(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tfreview", *args, "--data-dir", str(data)], env=child_env(),
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    # the database and its backup: the same CLI in this process (ADR 0669); the restore is the process under test
    assert tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env()).returncode == 0
    made = tfreview_in_process("backup", "create", "--data-dir", str(data), env=child_env())
    assert made.returncode == 0, made.stderr
    half = data / "tfreview.db.before-restore-20261206T120000Z.partial"
    half.write_bytes((data / "tfreview.db").read_bytes()[:4096])
    other = data / "notes.partial"  # not a restore's: left alone
    other.write_text("mine", encoding="utf-8")
    done = tfreview("backup", "restore", "--force", made.stdout.split("backup ", 1)[1].split()[0])
    assert done.returncode == 0, done.stderr
    assert not half.exists()
    assert other.read_text(encoding="utf-8") == "mine"
    assert [p.name for p in data.iterdir() if ".before-restore-" in p.name and not p.name.endswith(".partial")]
