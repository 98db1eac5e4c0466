"""What one periodic integrity audit costs on an aged database: the bounded slice `serve` runs each period
(`backup.audit_rows_per_pass`, ADR 0506) against the full pass `tfreview audit` keeps (issue 13, audit13).

Opens a COPY of an aged SQLite data directory (e.g. the one `benchmarks/intake_aging.py --keep DIR` left after
100,000 deliveries: never point it at one you want to keep, the audit writes its cursors and seals rows),
migrates it to head, then runs `--passes` periodic passes of `--rows` rows per table one after the other, each
as `serve` runs it (`run_periodic_audit`: positions read from and saved to the database), and with `--full` one
full pass after them. Per pass: rows checked per table, the process's CPU seconds (user + system, this process
only: the audit runs in the caller's thread) and the bytes read through read(2)/pread(2) (/proc/self/io rchar:
page cache hits included, i.e. what SQLite asked for).

    cp -r /tmp/intake13-aged /tmp/audit13-aged
    .venv/bin/python benchmarks/audit_slice.py --data-dir /tmp/audit13-aged --rows 10000 --passes 3 --full
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from tfreview.ops.recorder import NullRecorder
from tfreview.service.data_safety import run_audit, run_periodic_audit
from tfreview.store.database import Database
from tfreview.store.integrity import AuditReport
from tfreview.store.migrate import upgrade_database


def _rchar() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return 0


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _row(label: str, report: AuditReport, cpu: float, read: int, wall: float) -> str:
    checked = report.checked
    return (
        f"| {label} | {checked.get('deliveries', 0):,} | {checked.get('reviews', 0):,} | {checked.get('plans', 0):,} "
        f"| {report.jobs_checked:,} | {cpu:.2f} | {read / 2**20:,.0f} | {wall:.1f} | {len(report.mismatches)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True, help="a COPY of an aged SQLite data directory")
    parser.add_argument("--rows", type=int, default=10_000, help="rows per table and pass (audit_rows_per_pass)")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="then one full pass (`tfreview audit`)")
    args = parser.parse_args()
    database = Database(f"sqlite:///{args.data_dir / 'tfreview.db'}")
    try:
        upgrade_database(database)
        print("| pass | deliveries | reviews | plans | jobs | CPU s | MiB read | wall s | mismatches |")
        print("|---|---|---|---|---|---|---|---|---|")
        runs = [(f"slice {n + 1} (K={args.rows:,})", args.rows) for n in range(args.passes)]
        if args.full:
            runs.append(("full", 0))
        for label, rows in runs:
            cpu, read, wall = _cpu(), _rchar(), time.monotonic()
            if rows:
                report = run_periodic_audit(database, NullRecorder(), rows=rows)
            else:
                report = run_audit(database, NullRecorder())
            print(_row(label, report, _cpu() - cpu, _rchar() - read, time.monotonic() - wall), flush=True)
    finally:
        database.close()


if __name__ == "__main__":
    main()
