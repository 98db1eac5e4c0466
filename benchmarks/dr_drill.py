"""RPO and RTO of `tfreview drill dr` with 10,000 stored reviews, on SQLite and (when
TFREVIEW_TEST_POSTGRES_URL is set) PostgreSQL, side by side in one run.

    .venv/bin/python benchmarks/dr_drill.py [--reviews 10000]

Each review is a finished one with a 5-finding report and its finding rows, written the way the store
writes them (integrity hash included), in bulk; then the drill runs exactly as `tfreview drill dr` does
(backup → verified → restore into a fresh database → a real `tfreview serve` until /readyz → reconcile
→ audit). Prints one Markdown table row per database.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from tfreview.ops_cli.drill_dr import drill
from tfreview.plumbing.hashing import canonical_json, sha256_hex
from tfreview.ports.records import SourceInfo
from tfreview.settings import Settings
from tfreview.store.database import Database
from tfreview.store.migrate import upgrade_database
from tfreview.store.reviews import finding_rows, new_review_row
from tfreview.store.row_hashes import REVIEW_COLUMNS, attributes, review_hash
from tfreview.store.tables import FindingRow, ReviewRow


def populate(url: str, count: int) -> None:
    database = Database(url)
    try:
        upgrade_database(database)
        now = datetime.now(UTC)
        rows: list[ReviewRow] = []
        findings: list[FindingRow] = []
        for i in range(count):
            source = SourceInfo(
                kind="github", repository=f"acme/infra-{i % 50}", pull_request=i, commit_sha=f"{i:040x}"
            )
            row = new_review_row(str(uuid.uuid4()), f"github:{i % 20}", source, now)
            report = {
                "findings": [
                    {
                        "rule_id": f"TFR-AWS-{n:03d}",
                        "severity": "high",
                        "status": "new",
                        "address": f"aws_s3_bucket.b{i}_{n}",
                    }
                    for n in range(5)
                ],
                "summary": {"resources": 40, "changes": 12},
            }
            text_report = canonical_json(report)
            row.status, row.verdict, row.report = "completed", "fail", text_report
            row.content_hash = sha256_hex(text_report.encode())
            row.counts = canonical_json({"high": 5})
            row.integrity_hash = review_hash(attributes(row, REVIEW_COLUMNS))
            rows.append(row)
            findings.extend(finding_rows(row.id, report))
        with database.transaction() as session:
            session.add_all(rows)
            session.flush()
            session.add_all(findings)
    finally:
        database.close()


def measure(name: str, url: str, work: Path, count: int) -> str:
    populate(url, count)
    settings = Settings.model_validate(
        {"database": {"url": url}, "server": {"data_dir": str(work)}, "backup": {"directory": str(work / "backups")}}
    )
    began = time.perf_counter()
    result = drill(settings)
    total = time.perf_counter() - began
    assert result.passed, result.problems
    return (
        f"| {name} | {count:,} | {result.rows:,} | {result.backup_seconds:.1f} s | {result.rpo_seconds:.1f} s | "
        f"{result.restore_seconds:.1f} s | {result.ready_seconds:.1f} s | {result.audited_seconds:.1f} s | "
        f"{total:.1f} s |"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=10_000)
    args = parser.parse_args()
    lines = [
        "| database | reviews | rows backed up | backup (+verify) | RPO (drill) | restore "
        "| RTO → ready | RTO → audited | drill total |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    work = Path(tempfile.mkdtemp(prefix="tfreview-bench-dr-"))
    try:
        lines.append(measure("SQLite", f"sqlite:///{work / 'sqlite' / 'tfreview.db'}", work / "sqlite", args.reviews))
        server = os.environ.get("TFREVIEW_TEST_POSTGRES_URL")
        if server:
            name = f"tfreview_bench_{secrets.token_hex(5)}"
            admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(False)
                lines.append(measure("PostgreSQL", url, work / "pg", args.reviews))
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
