"""B5/K-series as an operator meets it: a token revoked after the newest backup (a leak answered with `tokens revoke`,
or the old half of `secrets rotate api-token`) came back to life when that backup was restored — `tfreview backup
restore --force` put the backup's `active` row back and said nothing, and the leaked token authenticated again.
Found from the outside: tokens create → backup create → tokens revoke → backup restore --force → tokens list said
`active`. The restore now carries the replaced database's revocations into the restored one and says so.

The restore is a real process; the steps before it and the reads after it run the same CLI in this process
(tests/cli_in_process.py, ADR 0669): eight more interpreters cost ~12 s of CPU and prove nothing more."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import START_SECONDS, child_env
from tfreview.store.database import Database
from tfreview.store.tokens import SqlTokens


def _tfreview(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", *argv],
        env=child_env(), capture_output=True, text=True, timeout=START_SECONDS, check=False,
    )  # fmt: skip


def _here(*argv: str) -> subprocess.CompletedProcess[str]:
    return tfreview_in_process(*argv, env=child_env())


def _token_ids(data: Path) -> dict[str, str]:
    listed = _here("tokens", "list", "--data-dir", str(data))
    assert listed.returncode == 0, listed.stderr
    return {line.split()[-1]: line.split()[3] for line in listed.stdout.splitlines()[1:]}  # name -> state


def test_a_token_revoked_after_the_backup_stays_revoked_after_the_restore(tmp_path: Path) -> None:
    data = tmp_path / "data"
    secrets = {}
    for name in ("leaked", "kept", "later"):
        created = _here("tokens", "create", "--tenant", "github:7", "--scope", "write", "--name", name,
                            "--data-dir", str(data))  # fmt: skip
        assert created.returncode == 0, created.stderr
        secrets[name] = created.stdout.strip()
        if name == "kept":
            assert _here("backup", "create", "--data-dir", str(data)).returncode == 0
    listed = _here("tokens", "list", "--data-dir", str(data)).stdout.splitlines()[1:]
    leaked_id = next(line.split()[0] for line in listed if line.split()[-1] == "leaked")
    assert _here("tokens", "revoke", leaked_id, "--data-dir", str(data)).returncode == 0

    restored = _tfreview("backup", "restore", "--force", "--data-dir", str(data))

    assert restored.returncode == 0, restored.stderr
    assert "1 token revocation made since the backup carried over" in restored.stdout, restored.stdout
    assert _token_ids(data) == {"leaked": "revoked", "kept": "active"}  # "later" was made after the backup
    database = Database(f"sqlite:///{data / 'tfreview.db'}")
    try:
        tokens = SqlTokens(database)
        assert tokens.verify(secrets["leaked"]) is None
        assert tokens.verify(secrets["kept"]) is not None
    finally:
        database.close()
    audit = _here("audit-log", "--action", "backup.restore", "--data-dir", str(data))
    assert '"revocations_carried": 1' in audit.stdout, audit.stdout
