"""SQLite checkpoints off the commit path (store/wal_checkpoints.py, ADR 0416): no connection of a `Database`
checkpoints inside its COMMIT, the background checkpointer keeps the WAL bounded under a burst of worker commits,
and a SIGKILL in the middle of such a burst loses no acknowledged commit."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from tests.contract.conftest import fresh_sqlite
from tfreview.ports.jobs import NewJob
from tfreview.store.database import Database
from tfreview.store.jobs import SqlJobQueue
from tfreview.store.migrate import upgrade_database

PAGE = 4096
BOUND_PAGES = 64  # small, so the burst below writes many times the bound through the WAL
JOBS = 600
PAYLOAD = {"note": "x" * 3000}  # ~1 page of its own per job row


def _wal(database: Database) -> Path:
    return Path(f"{database.url.database}-wal")


def test_no_connection_checkpoints_inside_its_commit(tmp_path: Path) -> None:
    database = fresh_sqlite(tmp_path)
    try:
        pooled = [database.engine.raw_connection() for _ in range(3)]
        try:
            for connection in pooled:
                assert connection.driver_connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        finally:
            for connection in pooled:
                connection.close()
    finally:
        database.close()


def test_the_wal_stays_bounded_under_a_burst_of_worker_commits(tmp_path: Path) -> None:
    database = fresh_sqlite(tmp_path)
    assert database.checkpoints is not None
    database.checkpoints.due_pages = database.checkpoints.bound_pages = BOUND_PAGES
    queue = SqlJobQueue(database)
    largest = [0]
    rewinds: set[bytes] = set()  # the WAL header's checkpoint sequence number: SQLite adds 1 at each rewind
    stop = threading.Event()

    def watch() -> None:  # the WAL file's size and header, sampled through the burst
        while not stop.is_set():
            with contextlib.suppress(FileNotFoundError):
                largest[0] = max(largest[0], _wal(database).stat().st_size)
                with _wal(database).open("rb") as wal:
                    rewinds.add(wal.read(16)[12:16])
            stop.wait(0.002)

    def work(name: str) -> None:  # a worker: claim, settle, one transaction each
        while (job := queue.claim(name)) is not None:
            queue.complete(job.id, job.attempt_token or "")

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for n in range(JOBS):
            queue.enqueue(NewJob(kind="review", tenant_id="github:1", idempotency_key=f"k{n}", payload=PAYLOAD))
        workers = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(2)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join(120)
    finally:
        stop.set()
        watcher.join(10)
    try:
        with database.transaction(write=False) as session:
            done = session.connection().exec_driver_sql("SELECT count(*) FROM jobs WHERE state = 'succeeded'").scalar()
        assert done == JOBS
        assert len(rewinds) >= 5  # the WAL was rewound over and over through the burst...
        assert database.checkpoints.checkpoints > 0
        # ...and the WAL never held more than the bound and what commits add while one checkpoint runs
        assert largest[0] <= 8 * BOUND_PAGES * PAGE, f"WAL reached {largest[0]} bytes"
    finally:
        database.close()


_CHILD = """
import sys
from tfreview.ports.jobs import NewJob
from tfreview.store.database import Database
from tfreview.store.jobs import SqlJobQueue

database = Database(sys.argv[1])
database.checkpoints.due_pages = database.checkpoints.bound_pages = int(sys.argv[2])
queue = SqlJobQueue(database)
n = 0
while True:  # enqueue, claim, settle: each commit acknowledged on stdout only once it returned
    queue.enqueue(NewJob(kind="review", tenant_id="github:1", idempotency_key=f"k{n}", payload={"note": "x" * 3000}))
    job = queue.claim("victim")
    queue.complete(job.id, job.attempt_token or "")
    print(f"k{n}", flush=True)
    n += 1
"""


def test_a_sigkill_during_worker_commits_loses_nothing_acknowledged(tmp_path: Path) -> None:
    database = fresh_sqlite(tmp_path)
    url = str(database.url)
    database.close()
    acknowledged: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, str(BOUND_PAGES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as child:
        try:
            assert child.stdout is not None
            while len(acknowledged) < 400:  # several checkpoints' worth of WAL (BOUND_PAGES)
                line = child.stdout.readline().decode().strip()
                assert line, "the child ended before it was killed"
                acknowledged.append(line)
            child.send_signal(signal.SIGKILL)
            assert child.wait(30) == -signal.SIGKILL
            acknowledged += [line.strip() for line in child.stdout.read().decode().splitlines() if line.strip()]
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(30)
    # the kill left the WAL behind: opening replays it
    with contextlib.closing(sqlite3.connect(database.url.database or "")) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        succeeded = {key for (key,) in connection.execute("SELECT idempotency_key FROM jobs WHERE state = 'succeeded'")}
    lost = [key for key in acknowledged if key not in succeeded]
    assert not lost, f"{len(lost)} acknowledged commits lost, first {lost[:3]}"
    again = Database(url)
    try:
        upgrade_database(again)  # and the database opens and migrates as usual afterwards
        assert again.checkpoints is not None
    finally:
        again.close()
