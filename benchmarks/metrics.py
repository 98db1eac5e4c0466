"""Metrics costs (issue 10), `make bench`:

1. `/metrics` scrape time with 10,000 reviews stored: a SQLite data directory filled through the real
   intake (10,000 deliveries → 10,000 reviews and jobs), then the scrape (`services.exposition()`, which
   includes the database-derived queue gauges) and a real `GET /metrics` over HTTP through the app, each
   timed N times. Aim: < 50 ms.
2. Intake throughput with metrics on vs off: `tfreview serve` as a process (SQLite, workers running),
   the flat-out load of benchmarks/intake.py, alternating on/off runs; prints the cost in %. Aim: ≤ 5 %.

The machine may be shared and loaded: figures are noisy, run it more than once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from intake_load import saturate, write_deliveries, wrk_available  # noqa: E402  (the intake benchmark's load)
from intake_servers import tfreview_server  # noqa: E402
from tfreview.ports.job_types import PullRequestHead, ReviewJob  # noqa: E402
from tfreview.ports.records import SourceInfo, Tenant  # noqa: E402
from tfreview.service.intake import accept_delivery  # noqa: E402
from tfreview.settings import MetricsSettings, Settings  # noqa: E402
from tfreview.store.setup import prepare_database  # noqa: E402
from tfreview.wiring import build_services  # noqa: E402

TOKEN = "bench-metrics-token"


def fill(settings: Settings, count: int) -> None:
    services = build_services(settings)
    tenant = Tenant(id="github:1", kind="github", name="bench")
    try:
        services.tenants.ensure(tenant)
        now = datetime.now(UTC)
        for n in range(count):
            source = SourceInfo(kind="github", repository="acme/infra", pull_request=n + 1, commit_sha=f"{n:040x}")
            pull = PullRequestHead("acme/infra", n + 1, f"{n:040x}")
            accept_delivery(
                services,
                source="github",
                key=f"bench-{n}",
                event="pull_request",
                tenant=tenant,
                body=b"{}",
                received_at=now,
                job=ReviewJob.for_pull_request(tenant.id, pull),
                review_source=source,
            )
    finally:
        services.close()


def timed(call: object, repeat: int, cpu: list[float] | None = None) -> list[float]:
    """Wall milliseconds per call; with `cpu`, this process's CPU milliseconds per call are appended to it
    (the machine's load does not inflate those)."""
    assert callable(call)
    found = []
    for _ in range(repeat):
        begun, cpu_begun = time.perf_counter(), time.process_time()
        call()
        found.append((time.perf_counter() - begun) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - cpu_begun) * 1000)
    return found


def scrape_time(reviews: int, repeat: int) -> None:
    from fastapi.testclient import TestClient

    from tfreview.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="tfreview-bench-metrics-") as data:
        settings = Settings(metrics=MetricsSettings(token=TOKEN))  # type: ignore[arg-type]  # pydantic coerces
        settings = settings.model_copy(
            update={"database": settings.database.model_copy(update={"url": f"sqlite:///{data}/tfreview.db"})}
        )
        prepare_database(settings.database.url, settings.database.busy_timeout_ms)
        begun = time.perf_counter()
        fill(settings, reviews)
        print(f"stored {reviews} deliveries/reviews/jobs in {time.perf_counter() - begun:.1f} s")
        services = build_services(settings)
        try:
            assert services.exposition is not None
            size = len(services.exposition())
            in_process_cpu: list[float] = []
            over_http_cpu: list[float] = []
            in_process = timed(services.exposition, repeat, in_process_cpu)
            with TestClient(create_app(services)) as client:
                headers = {"Authorization": f"Bearer {TOKEN}"}
                assert client.get("/metrics", headers=headers).status_code == 200
                over_http = timed(lambda: client.get("/metrics", headers=headers), repeat, over_http_cpu)
        finally:
            services.close()
    for name, found, cpu in (("exposition()", in_process, in_process_cpu), ("GET /metrics", over_http, over_http_cpu)):
        p95 = statistics.quantiles(found, n=20)[-1]
        verdict = "met" if p95 < 50 else "MISSED"
        print(
            f"/metrics with {reviews} reviews, {name}: p50 {statistics.median(found):.1f} ms, p95 {p95:.1f} ms "
            f"({size} bytes) — aim < 50 ms: {verdict}; CPU p50 {statistics.median(cpu):.1f} ms, "
            f"p95 {statistics.quantiles(cpu, n=20)[-1]:.1f} ms"
        )


def intake_cost(count: int, concurrency: int, rounds: int) -> None:
    """`tfreview serve --no-worker` flat out under wrk (the intake benchmark's load generator and pre-signed
    deliveries), metrics on and off in alternating order, each round on a fresh data directory."""
    if not wrk_available():
        raise SystemExit("wrk is not installed: `make bench` installs it (Debian's wrk package, as root)")
    secret = "bench-" + uuid.uuid4().hex
    rates: dict[str, list[float]] = {"on": [], "off": []}
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-load-") as folder:
        for round_ in range(rounds):
            for mode in ("on", "off") if round_ % 2 == 0 else ("off", "on"):
                requests = Path(folder) / f"{mode}-{round_}.bin"
                write_deliveries(requests, count, secret, first=(round_ * 2 + (mode == "on")) * count)
                extra = {"TFREVIEW_METRICS__ENABLED": "true" if mode == "on" else "false"}
                with tfreview_server(secret, worker=False, postgres=None, extra=extra) as server:
                    load = saturate(server.url, requests, seconds=30, connections=concurrency, threads=2, cycle=False)
                rate = load.accepted / load.seconds if load.seconds else 0.0
                rates[mode].append(rate)
                refused = f", {load.failed} not answered 2xx" if load.failed else ""
                print(f"round {round_ + 1}, metrics {mode}: {rate:.0f} deliveries/s{refused}")
    on, off = statistics.mean(rates["on"]), statistics.mean(rates["off"])
    cost = (off - on) / off * 100 if off else 0.0
    verdict = "met" if cost <= 5 else "MISSED"
    print(f"intake flat out ×{concurrency}: metrics on {on:.0f}/s, off {off:.0f}/s: cost {cost:+.1f} %")
    print(f"aim ≤ 5 %: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reviews", type=int, default=10_000, help="reviews stored before the scrape is timed")
    parser.add_argument("--repeat", type=int, default=50, help="scrapes timed")
    parser.add_argument("--deliveries", type=int, default=2000, help="deliveries per intake run")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight in the intake runs")
    parser.add_argument("--rounds", type=int, default=2, help="on/off pairs of intake runs")
    parser.add_argument("--scrape-only", action="store_true", help="skip the intake on/off runs")
    args = parser.parse_args()
    scrape_time(args.reviews, args.repeat)
    if not args.scrape_only:
        intake_cost(args.deliveries, args.concurrency, args.rounds)


if __name__ == "__main__":
    main()
