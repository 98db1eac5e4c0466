"""B3 as an operator runs it: `tfreview audit` on a copy of the database with a flipped bit in a job's payload (no
longer UTF-8) stopped with "tfreview: internal error: OperationalError: ... Could not decode to UTF-8 column
'payload' with text '<the stored payload>'" (exit 3) — the stored bytes on the terminal, and no audit of anything
after that row. Found by flipping random bytes in a backup copy and auditing it. It now reports the job like any
other mismatch (exit 1), names no stored byte, and finishes the audit."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import START_SECONDS, child_env
from tfreview.ports.jobs import NewJob
from tfreview.store.database import Database
from tfreview.store.jobs import SqlJobQueue

STORED = "stored-payload-canary-6f2e"


def _audit(data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "audit", "--data-dir", str(data)],
        env=child_env(), capture_output=True, text=True, timeout=START_SECONDS, check=False,
    )  # fmt: skip


def test_audit_reports_a_job_whose_payload_is_no_longer_utf8_and_exits_1(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # the same CLI in this process (ADR 0669): the audits are the processes under test
    upgraded = tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env())
    assert upgraded.returncode == 0, upgraded.stderr
    database = Database(f"sqlite:///{data / 'tfreview.db'}")
    try:
        queue = SqlJobQueue(database)
        damaged, _ = queue.enqueue(NewJob("notify", "github:7", "notify:a", {"note": STORED}))
        healthy, _ = queue.enqueue(NewJob("notify", "github:7", "notify:b", {"note": "fine"}))
    finally:
        database.close()
    clean = tfreview_in_process("audit", "--data-dir", str(data), env=child_env())
    assert clean.returncode == 0, clean.stdout  # clean before the damage
    connection = sqlite3.connect(data / "tfreview.db")
    connection.execute(
        "UPDATE jobs SET payload = CAST(X'F2' || CAST(payload AS BLOB) AS TEXT) WHERE id = ?", (damaged.id,)
    )
    connection.commit()
    connection.close()

    audited = _audit(data)

    assert audited.returncode == 1, audited.stderr
    assert f"MISMATCH jobs {damaged.id}: its stored payload is not UTF-8" in audited.stdout, audited.stdout
    assert f"MISMATCH jobs {healthy.id}" not in audited.stdout
    assert "; 1 mismatch(es)" in audited.stdout, audited.stdout  # the audit went to the end
    assert "internal error" not in audited.stderr
    assert STORED not in audited.stdout + audited.stderr
