"""How long the start-up page check (`PRAGMA quick_check`, r15-data, ADR 0542) takes on a large SQLite database.

`serve`, `worker` and `db upgrade` run `check_sqlite_durability` before any write. This makes a database with
tfreview's schema (`tfreview db upgrade`), fills `findings` with small rows (many b-tree pages and two indexes:
the most pages per byte) and `plans` with 400 kB blobs until the file is about `--gigabytes`, then times that
check a few times. The file is written to `--directory` and left there unless `--remove`.

    .venv/bin/python benchmarks/quick_check_size.py --directory /tmp/qc --gigabytes 1.6 --remove
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tfreview.store.setup import check_sqlite_durability


def _fill(database: Path, gigabytes: float) -> None:
    finding_rows = int(gigabytes * 1.9e6)  # ~ 0.6 of the bytes: rows of ~ 300 bytes with two index entries each
    blobs = int(gigabytes * 600)  # ~ 0.4 of the bytes: 400 kB each
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    review = str(uuid.uuid4())
    rows = (
        (review if i % 50 else str(uuid.uuid4()), f"TFR-AWS-{i % 300:03d}", "medium", "introduced",
         f'module.m["{i}"].aws_s3_bucket.b{i}' + "x" * 150, os.urandom(32).hex())
        for i in range(finding_rows)
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO findings(review_id, rule_id, severity, status, address, fingerprint) VALUES (?,?,?,?,?,?)", rows
    )
    connection.commit()
    blob = os.urandom(400_000)
    for i in range(blobs):
        connection.execute(
            "INSERT INTO plans(id, tenant_id, kind, content, sha256, metadata, created_at)"
            " VALUES (?, 't', 'plan_json', ?, ?, '{}', datetime('now'))",
            (f"p{i}", blob, "0" * 64),
        )
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--directory", type=Path, required=True)
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--remove", action="store_true")
    args = parser.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    database = args.directory / "tfreview.db"
    url = f"sqlite:///{database}"
    if not database.exists():
        env = {**os.environ, "TFREVIEW_DATABASE__URL": url}
        subprocess.run([sys.executable, "-m", "tfreview", "db", "upgrade"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        _fill(database, args.gigabytes)
        print(f"filled in {time.perf_counter() - started:.1f} s")
    print(f"file: {database.stat().st_size / 1e9:.2f} GB")
    for _ in range(args.runs):
        started = time.perf_counter()
        check_sqlite_durability(url, 5000)
        print(f"check_sqlite_durability (quick_check + durability): {time.perf_counter() - started:.2f} s")
    if args.remove:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
