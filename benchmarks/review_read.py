"""The API's read of a stored review whose report rendering is kept (ADR 0372), side by side on SQLite and
PostgreSQL: the SQL store's `get` whole (the row, the report's integrity hash and `json.loads` of the report)
then the cache's look-up, as before, against `get(with_report=False)` (the row without the report) then the
look-up, as `GET /api/v1/reviews/{id}` does now when the rendering is kept. Wall time (the database is another
process on PostgreSQL), median of the rounds, A and B alternated in each round, in one run.

    .venv/bin/python benchmarks/generate_plan.py --resources 10000 --out benchmarks/out/plan-10k.json \
        --manifest benchmarks/out/manifest-10k.json
    .venv/bin/python benchmarks/review_read.py benchmarks/out/plan-10k.json --rounds 15 \
        --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.inputs import load_change_set
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.ports.review_codec import encode, report_json
from tfreview.rules import load_rules_for
from tfreview.service.report_cache import ReportCache
from tfreview.store.database import Database
from tfreview.store.migrate import upgrade
from tfreview.store.reviews import SqlReviewStore


def _wall(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@contextmanager
def _postgres(server: str) -> Iterator[str]:
    name = f"tfreview_bench_read_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _measure(label: str, url: str, report: dict[str, Any], rounds: int) -> None:
    upgrade(url)
    database = Database(url)
    try:
        store = SqlReviewStore(database)
        created = store.create("bench", SourceInfo("api"))
        stored = store.save_result(created.id, ReviewStatus.COMPLETED, report, "fail", {"findings": {}})
        cache = ReportCache()
        cache.rendered(stored, "api", lambda: report_json(report))  # the first request kept its rendering

        def before() -> bytes | None:
            whole = store.get(stored.id, "bench")
            assert whole is not None
            return cache.rendered(whole, "api", lambda: report_json(report))

        def after() -> bytes | None:
            light = store.get(stored.id, "bench", with_report=False)
            assert light is not None
            return cache.held(light, "api")

        assert before() == after() is not None
        seconds: dict[str, list[float]] = {"get whole + look-up": [], "get without report + look-up": []}
        for _ in range(rounds):
            seconds["get whole + look-up"].append(_wall(before))
            seconds["get without report + look-up"].append(_wall(after))
        for name, found in seconds.items():
            median, least = statistics.median(found) * 1000, min(found) * 1000
            print(f"{label:10s} {name:30s} median {median:8.2f} ms (min {least:.2f})")
    finally:
        database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is created and dropped)")
    args = parser.parse_args()
    change_set = load_change_set(args.plan)
    result = review(change_set, load_rules_for(change_set.resource_types()), Policy())
    report = encode(result)
    print(f"findings {len(result.findings):,}, changes {len(result.changes):,}")
    with tempfile.TemporaryDirectory() as folder:
        _measure("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", report, args.rounds)
    if args.postgres:
        with _postgres(args.postgres) as url:
            _measure("PostgreSQL", url, report, args.rounds)


if __name__ == "__main__":
    main()
