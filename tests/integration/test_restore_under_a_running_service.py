"""`backup restore --force` on the SQLite file a running `tfreview serve` has open: refused with exit 2 and a
message that says what to do (it was exit 3, "SQLite restore failed: database is locked"), the database and the
service untouched, and no staging copy left beside the database. ADR 0533.

The restores are real processes; the database and backup they are tried on are made by the same CLI in this process
(tests/cli_in_process.py, ADR 0669).
"""

from __future__ import annotations

import stat
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import child_env, serving


def tfreview(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", *args], env=child_env(), capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


def here(*args: str) -> subprocess.CompletedProcess[str]:
    return tfreview_in_process(*args, env=child_env())


def test_a_restore_over_the_database_a_running_service_uses_is_refused_cleanly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert here("db", "upgrade", "--data-dir", str(data)).returncode == 0
    made = here("backup", "create", "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    backup = made.stdout.split("backup ", 1)[1].split()[0]
    with serving(data) as served:
        with urllib.request.urlopen(served.url + "/readyz", timeout=30) as ready:  # it has the database open
            assert ready.status == 200
        before = sorted(p.name for p in data.iterdir())
        done = tfreview("backup", "restore", "--data-dir", str(data), "--force", backup)
        assert done.returncode == 2, (done.returncode, done.stderr)
        assert "in use by another process" in done.stderr, done.stderr
        assert "stop it" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert sorted(p.name for p in data.iterdir()) == before  # no staging copy, no before-restore link
        with urllib.request.urlopen(served.url + "/readyz", timeout=30) as ready:
            assert ready.status == 200
    done = tfreview("backup", "restore", "--data-dir", str(data), "--force", backup)  # stopped: it restores
    assert done.returncode == 0, done.stderr
    assert not (data / ".tfreview.db.restoring").exists()
    assert [p.name for p in data.iterdir() if ".before-restore-" in p.name]


def test_backups_and_restores_are_as_private_as_the_database(tmp_path: Path) -> None:
    """A 0600 database: its backup was 0644 (readable by every local user: token hashes, the audit log, stored
    plans), and a restore replaced it with a 0644 file. Both now take the database's own mode."""
    data = tmp_path / "data"
    assert here("db", "upgrade", "--data-dir", str(data)).returncode == 0
    (data / "tfreview.db").chmod(0o600)
    made = tfreview("backup", "create", "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    backup = made.stdout.split("backup ", 1)[1].split()[0]
    assert stat.S_IMODE((data / "backups" / backup).stat().st_mode) == 0o600
    done = tfreview("backup", "restore", "--data-dir", str(data), "--force", backup)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((data / "tfreview.db").stat().st_mode) == 0o600
    (data / "tfreview.db").chmod(0o640)  # a group that reads it (a backup agent) keeps reading it
    done = tfreview("backup", "restore", "--data-dir", str(data), "--force", backup)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((data / "tfreview.db").stat().st_mode) == 0o640
