"""`tfreview backup create` into a backup directory whose file system fills up midway (a size-limited tmpfs in a
user and mount namespace, `unshare -Urm`, as tests/chaos/test_sqlite_disk.py does: SQLite's own writes fail as on
a full disk). It used to leave the `.partial-wal` and `.partial-shm` SQLite kept beside the half backup, on the
very disk that was full, until a backup an hour later swept them; now the failed backup leaves nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import child_env

# inside the namespace: a tmpfs on the backup directory, filled so that the backup (not its manifest) runs out
FILL_THEN_BACKUP = """
set -e
mount -t tmpfs -o size=3m tmpfs "$2"
free=$(( $(stat -f -c '%a*%S' "$2") ))
head -c $(( free - $3 - 8192 )) /dev/zero > "$2/filler"
set +e
"$0" -m tfreview backup create --data-dir "$1" --dir "$2"
echo "exit=$?"
ls -a "$2"
"""


def _namespaces_available() -> str | None:
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    probe = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", "mount -t tmpfs -o size=1m t /mnt 2>&1 || mount -t tmpfs -o size=1m t /tmp"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return None if probe.returncode == 0 else f"no user namespaces with mounts here: {probe.stdout.strip()}"


def test_a_backup_that_fills_its_disk_leaves_nothing_behind(tmp_path: Path) -> None:
    reason = _namespaces_available()
    if reason is not None:
        pytest.skip(reason)
    data = tmp_path / "data"
    upgraded = tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env())  # ADR 0669
    assert upgraded.returncode == 0, upgraded.stderr
    database = data / "tfreview.db"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE filler (x TEXT)")  # a database of some size, so the backup fails midway
    connection.executemany("INSERT INTO filler VALUES (?)", [("x" * 1000,) for _ in range(1000)])
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    backups = tmp_path / "backups"
    backups.mkdir()

    done = subprocess.run(
        ["unshare", "-Urm", "bash", "-c", FILL_THEN_BACKUP, sys.executable, str(data), str(backups),
         str(database.stat().st_size)],
        env=child_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert "exit=3" in done.stdout, (done.stdout, done.stderr)  # SQLite's "disk I/O error": an upstream failure
    assert "SQLite backup failed" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    left = done.stdout.split("exit=3", 1)[1].split()
    assert sorted(left) == [".", "..", "filler"], left
