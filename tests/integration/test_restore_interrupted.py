"""`backup restore --force` interrupted (Ctrl-C) while it keeps the old database beside it: the run says
"interrupted" (exit 130), the database is unchanged, and nothing it wrote is left beside it (session 15, review15c).

Where the file system refuses hard links the old database is copied to `<db>.before-restore-<time>.partial` and
renamed (ADR 0543). A copy interrupted midway left that `.partial` (as large as the database) and the staging
file `.tfreview.db.restoring` (as large again): the `.partial`'s name carries the second the restore started, so
no later restore ever removed it. The child process gets the two conditions from Python audit hooks, the real
code path untouched: `os.link` refused as such a file system refuses it, and the Ctrl-C raised when the copy is
written and about to be flushed.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import child_env

INTERRUPTED_RESTORE = """
import errno, runpy, sys

def hook(event, args):
    if event == "os.link":
        raise PermissionError(errno.EPERM, "Operation not permitted")  # a file system without hard links
    if event == "open" and str(args[0]).endswith(".partial") and args[1] == "r+":
        raise KeyboardInterrupt  # Ctrl-C once the copy is written, before it is flushed and renamed

sys.addaudithook(hook)
sys.argv = ["tfreview", *sys.argv[1:]]
runpy.run_module("tfreview", run_name="__main__")
"""


def tfreview(*args: str, script: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "tfreview", *args]
    return subprocess.run(command, env=child_env(), capture_output=True, text=True, timeout=120, check=False)


def _contents(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_an_interrupted_restore_leaves_nothing_beside_the_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # the database and its backup: the same CLI in this process (ADR 0669); the restores are the processes under test
    assert tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env()).returncode == 0
    made = tfreview_in_process("backup", "create", "--data-dir", str(data), env=child_env())
    assert made.returncode == 0, made.stderr
    backup = made.stdout.split("backup ", 1)[1].split()[0]
    database = data / "tfreview.db"
    before = _contents(database)
    names = sorted(p.name for p in data.iterdir())

    done = tfreview("backup", "restore", "--data-dir", str(data), "--force", backup, script=INTERRUPTED_RESTORE)

    assert done.returncode == 130, (done.returncode, done.stderr)
    assert "interrupted" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in data.iterdir()) == names  # no .partial, no .restoring
    assert _contents(database) == before  # (its header says journal_mode=delete: each connection sets WAL again)
    assert tfreview("backup", "restore", "--data-dir", str(data), "--force", backup).returncode == 0
