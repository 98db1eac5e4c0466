"""The group-commit intake writer alone on PostgreSQL: CPU per delivery in this process and in its backend.

No HTTP: `IntakeWriter.submit` is called for `--deliveries` webhook-like deliveries (a ~28 KB pull_request
payload, a review job, a queued review, a tenant on the first) in bursts of `--burst` submitted at once and
then awaited, so every batch holds `--burst` deliveries. Measured per delivery: this process's CPU
(`time.process_time`: the submitting thread and the writer thread), the CPU of the PostgreSQL backends
serving the benchmark's fresh database (/proc/<pid>/stat; the server runs on this machine) and wall time.
Then the stored rows are counted (deliveries, jobs, reviews: each must equal the deliveries submitted).

A/B in one session: `--variant NAME=SRC_DIR` (repeatable) runs each round of each variant as its own process
with SRC_DIR first on PYTHONPATH, alternated round by round, medians reported:

    git archive main src | tar -x -C /tmp/intake-pg-main-src
    TFREVIEW_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python \\
        benchmarks/intake_writer_pg.py --variant main=/tmp/intake-pg-main-src/src --variant branch=src
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def child(url: str, deliveries: int, burst: int) -> dict[str, float]:
    """One measured run in this process, with whichever tfreview PYTHONPATH gave it."""
    from intake_load import _padded_template
    from tfreview.plumbing.clock import utcnow
    from tfreview.ports.jobs import NewJob
    from tfreview.ports.records import Delivery, SourceInfo, Tenant
    from tfreview.store.database import Database
    from tfreview.store.intake_writer import IntakeWriter
    from tfreview.store.migrate import upgrade_database

    database = Database(url)
    upgrade_database(database)
    writer = IntakeWriter(database)
    template = _padded_template()
    pull = template["pull_request"]
    assert isinstance(pull, dict)
    tenant = Tenant("github:4242", "github", "acme")

    def one(n: int) -> tuple[Delivery, bytes, NewJob, tuple[str, SourceInfo]]:
        pull["number"] = 1000 + n
        sha = f"{n:040x}"
        pull["head"]["sha"] = sha
        body = json.dumps(template).encode()
        review_id = str(uuid.uuid4())
        key = f"github:{tenant.id}:acme/infra:{1000 + n}:{sha}"
        payload = {"review_id": review_id, "key": key, "pull": {"repository": "acme/infra", "number": 1000 + n}}
        job = NewJob(kind="review", tenant_id=tenant.id, idempotency_key=key, payload=payload, max_attempts=5)
        source = SourceInfo(kind="github", repository="acme/infra", pull_request=1000 + n, commit_sha=sha)
        delivery = Delivery(
            source="github",
            key=str(uuid.uuid4()),
            event="pull_request.opened",
            tenant_id=tenant.id,
            payload_sha256="",
            received_at=utcnow(),
            status="accepted",
        )
        return delivery, body, job, (review_id, source)

    # warm-up (connection, prepared statements, the tenant row): not measured
    warm = [one(-1 - n) for n in range(burst)]
    for future in [writer.submit(d, b, j, r, tenant) for d, b, j, r in warm]:
        future.result(60)
    items = [one(n) for n in range(deliveries)]
    with database.engine.connect() as conn:  # the writer's backend: the only other connection of this database
        pids = [
            int(row[0])
            for row in conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    backend_before = sum(_backend_cpu(pid) for pid in pids)
    batches_before = writer.batches
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    for start in range(0, deliveries, burst):
        futures = [writer.submit(d, b, j, r) for d, b, j, r in items[start : start + burst]]
        for future in futures:
            future.result(60)
    cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
    backend = sum(_backend_cpu(pid) for pid in pids) - backend_before
    batches = writer.batches - batches_before
    writer.close()
    with database.engine.connect() as conn:
        counts = {
            table: int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() or 0)
            for table in ("deliveries", "jobs", "reviews")
        }
    database.close()
    expected = deliveries + burst
    if any(count != expected for count in counts.values()):
        raise SystemExit(f"stored rows {counts} != {expected} deliveries")
    return {
        "process_ms": cpu * 1000 / deliveries,
        "backend_ms": backend * 1000 / deliveries,
        "wall_ms": wall * 1000 / deliveries,
        "batch": deliveries / max(1, batches),
    }


def _fresh_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = "tfr_wbench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


def _drop(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--burst", type=int, default=32, help="deliveries submitted at once (one batch)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variant", action="append", default=[], help="NAME=SRC_DIR (default: this checkout)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.deliveries, args.burst)))
        return
    admin = os.environ.get("TFREVIEW_BENCH_POSTGRES_URL") or os.environ.get("TFREVIEW_TEST_POSTGRES_URL")
    if not admin:
        raise SystemExit("set TFREVIEW_BENCH_POSTGRES_URL to an admin URL of a PostgreSQL server on this machine")
    admin = admin.replace("postgresql+psycopg://", "postgresql://")
    variants = [v.split("=", 1) for v in args.variant] or [["this", str(HERE.parent / "src")]]
    found: dict[str, list[dict[str, float]]] = {name: [] for name, _ in variants}
    print(f"load average before {os.getloadavg()[0]:.2f}; {args.deliveries} deliveries in bursts of {args.burst}")
    for round_ in range(args.rounds):
        for name, src in variants:
            database, url = _fresh_database(admin)
            try:
                env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(src).resolve()), str(HERE)]))
                argv = [sys.executable, __file__, "--child", url, "--deliveries", str(args.deliveries)]
                argv += ["--burst", str(args.burst)]
                done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=600)
            finally:
                _drop(admin, database)
            if done.returncode != 0:
                raise SystemExit(f"{name}: {done.stdout}{done.stderr}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            found[name].append(result)
            print(
                f"round {round_ + 1} {name}: process {result['process_ms']:.3f} ms, backend {result['backend_ms']:.3f}"
                f" ms, wall {result['wall_ms']:.3f} ms per delivery (batches of {result['batch']:.1f}), "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    print(f"\nload average after {os.getloadavg()[0]:.2f}\n")
    print("| variant | process CPU ms / delivery | PostgreSQL backend CPU ms / delivery | wall ms / delivery |")
    print("|---|---|---|---|")
    for name, results in found.items():
        cells = []
        for field in ("process_ms", "backend_ms", "wall_ms"):
            values = [r[field] for r in results]
            spread = ", ".join(f"{v:.3f}" for v in values)
            cells.append(f"{statistics.median(values):.3f} ({spread})")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
