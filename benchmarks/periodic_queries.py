"""The periodic reads of a serving process against the rows earlier load left (issue 13, intake11): does any of
them cost more as the database fills?

`tfreview serve` (embedded workers on, as in `benchmarks/intake.py`'s `tfr`) on ONE data directory is given
`--rounds` loads of `--deliveries` signed 28 KB pull_request deliveries by wrk, each round's delivery ids new, and
waits until the workers ended every job (they die at once: no GitHub is configured) — the rows three rounds of
the intake benchmark would leave if they shared a database. Then, in this process, the same services are wired
on that database and every statement the periodic loops run is recorded (SQLAlchemy's cursor events) while each
runs once: the notifier's turn (`Dispatcher._turn`, and the reads of `pump`), the reaper's sweep, the watchdog's
tick (lease, queue signals, evaluation), a worker's claim (`claim_many`, nothing runnable). Printed: every
distinct statement with SQLite's `EXPLAIN QUERY PLAN` (a `SCAN` of a table, not of an index, is what grows with
the rows), and the CPU of each periodic call, median of `--calls`, on this database against a fresh empty one
in the same run.

    .venv/bin/python benchmarks/periodic_queries.py --rounds 3 --deliveries 6000
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

from intake_load import saturate, write_deliveries
from intake_servers import sqlite_rows, started
from tfreview.settings import DatabaseSettings, Settings
from tfreview.store.migrate import upgrade
from tfreview.wiring import build_services
from tfreview.worker.reaper import Reaper

SECRET = "periodic-" + uuid.uuid4().hex


def fill(data: Path, rounds: int, deliveries: int) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": SECRET}])
    argv = [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data)]
    with tempfile.TemporaryDirectory(prefix="tfreview-periodic-load-") as folder:
        for n in range(rounds):
            requests = Path(folder) / f"round{n}.bin"
            write_deliveries(requests, deliveries, SECRET, first=n * deliveries)
            with started(argv, env) as (address, _pid):
                load = saturate(address, requests, seconds=60, connections=32, threads=1, cycle=False)
                database = data / "tfreview.db"
                deadline = time.monotonic() + 300
                while sqlite_rows(database, "jobs", "WHERE state IN ('succeeded', 'dead')") < sqlite_rows(
                    database, "jobs"
                ):
                    if time.monotonic() > deadline:
                        raise SystemExit("the workers did not end every job within 300 s")
                    time.sleep(0.5)
            print(f"round {n + 1}: {load.accepted} deliveries accepted at {load.per_second:.0f}/s", flush=True)


@contextmanager
def recorded(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append((statement, parameters[0] if executemany and parameters else parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def periodic(services: Any) -> dict[str, Callable[[], object]]:
    ops = services.ops
    dispatcher = ops.dispatcher
    outbox = dispatcher._outbox
    reaper = Reaper(services)
    calls: dict[str, Callable[[], object]] = {
        "notifier turn (idle: seconds_to_next)": lambda: dispatcher._turn(outbox),
        "notifier pump (release_dead + due)": dispatcher.pump,
        "reaper sweep": reaper.run_once,
        "worker claim_many (nothing runnable)": lambda: services.queue.claim_many("probe", 2),
    }
    if ops.watchdog is not None:
        calls["watchdog tick"] = ops.watchdog.tick
    return calls


def cpu_per_call(call: Callable[[], object], calls: int) -> float:
    samples = []
    for _ in range(calls):
        begun = time.thread_time()
        call()
        samples.append(time.thread_time() - begun)
    return statistics.median(samples) * 1000.0


def sqlite_tables(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [str(n) for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def plans(database: Path, statements: list[tuple[str, Any]]) -> list[tuple[str, list[str]]]:
    seen: dict[str, list[str]] = {}
    with sqlite3.connect(database) as connection:
        for statement, parameters in statements:
            text = " ".join(statement.split())
            if text in seen or not text.upper().startswith(("SELECT", "UPDATE", "DELETE")):
                continue
            rows = connection.execute("EXPLAIN QUERY PLAN " + statement, parameters or ()).fetchall()
            seen[text] = [str(row[-1]) for row in rows]
    return list(seen.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--deliveries", type=int, default=6000)
    parser.add_argument("--calls", type=int, default=30, help="each periodic call is timed this many times")
    parser.add_argument("--data", help="an existing data dir filled earlier (skips the load)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tfreview-periodic-") as folder:
        data = Path(args.data) if args.data else Path(folder) / "full"
        if not args.data:
            data.mkdir()
            fill(data, args.rounds, args.deliveries)
        empty = Path(folder) / "empty"
        empty.mkdir()
        upgrade(f"sqlite:///{empty / 'tfreview.db'}")
        counts = {t: sqlite_rows(data / "tfreview.db", t) for t in ("jobs", "reviews", "deliveries", "notify_outbox")}
        print("rows:", ", ".join(f"{t} {n}" for t, n in counts.items()))
        cost: dict[str, dict[str, float]] = {}
        for name, directory in (("empty", empty), ("full", data)):
            settings = Settings(database=DatabaseSettings(url=f"sqlite:///{directory / 'tfreview.db'}"))
            services = build_services(settings)
            try:
                calls = periodic(services)
                if name == "full":
                    with recorded(services.database.engine) as statements:
                        for call in calls.values():
                            call()
                    tables = set(sqlite_tables(directory / "tfreview.db"))
                    for text, plan in plans(directory / "tfreview.db", statements):
                        scanned = [p.split()[1] for p in plan if p.startswith("SCAN ") and " INDEX" not in p]
                        flag = "  <-- SCAN of a table" if tables.intersection(scanned) else ""
                        print(f"\n{text[:400]}{flag}")
                        for line in plan:
                            print(f"    {line}")
                for label, call in calls.items():
                    cost.setdefault(label, {})[name] = cpu_per_call(call, args.calls)
            finally:
                services.close()
    print("\n| periodic call | CPU ms per call, empty database | after the rounds |")
    print("|---|---|---|")
    for label, by in cost.items():
        print(f"| {label} | {by['empty']:.2f} | {by['full']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
