"""CPU time per webhook delivery with metrics on vs off (issue 10: metrics may cost at most 5 % of intake).

On a shared, loaded machine throughput comparisons are noise; CPU time spent by this process per request
is not (much): the app is driven in process through its ASGI interface (httpx.ASGITransport, no sockets),
SQLite in a temporary directory, the same ~28 KB signed `pull_request.opened` deliveries as the intake
benchmark, alternating metrics on/off rounds. `--profile` adds a cProfile of the metric calls.

    .venv/bin/python benchmarks/metrics_cpu.py --requests 600 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import hmac
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Protocol

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import httpx  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from intake_load import _padded_template  # noqa: E402
from tfreview.settings import DatabaseSettings, GitHubSettings, MetricsSettings, SecretVersion, Settings  # noqa: E402
from tfreview.store.setup import prepare_database  # noqa: E402
from tfreview.web.app import create_app  # noqa: E402
from tfreview.wiring import build_services  # noqa: E402

SECRET = "bench-metrics-cpu"


class Toggle(Protocol):
    """What measures the loop: cProfile, or callgrind's instrumentation (metrics_instructions.py)."""

    def enable(self) -> None: ...

    def disable(self) -> None: ...


def deliveries(count: int, first: int) -> list[tuple[bytes, dict[str, str]]]:
    template = _padded_template()
    pull = template["pull_request"]
    assert isinstance(pull, dict)
    found = []
    for n in range(first, first + count):
        template["number"] = pull["number"] = 1000 + n
        pull["head"]["sha"] = hashlib.sha1(str(n).encode()).hexdigest()
        body = json.dumps(template).encode()
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": f"cpu-{n}",
            "X-Hub-Signature-256": signature,
        }
        found.append((body, headers))
    return found


async def drive(metrics: bool, count: int, first: int, profile: Toggle | None) -> float:
    """CPU seconds per request over `count` deliveries (the app's own work, in this process)."""
    root = Path(tempfile.mkdtemp(prefix="tfreview-metrics-cpu-"))
    url = f"sqlite:///{root / 'tfreview.db'}"
    prepare_database(url, 5000)
    settings = Settings(
        database=DatabaseSettings(url=url),
        github=GitHubSettings(webhook_secrets=[SecretVersion(value=SecretStr(SECRET))]),
        metrics=MetricsSettings(enabled=metrics),
    )
    settings = settings.model_copy(update={"watchdog": settings.watchdog.model_copy(update={"enabled": False})})
    services = build_services(settings)
    work = deliveries(count, first)
    try:
        transport = httpx.ASGITransport(app=create_app(services))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for body, headers in work[:20]:  # warm-up: imports, label children, first writes
                await client.post("/webhooks/github", content=body, headers=headers)
            if profile is not None:
                profile.enable()
            began = time.process_time()
            for body, headers in work[20:]:
                answer = await client.post("/webhooks/github", content=body, headers=headers)
                assert answer.status_code == 202, answer.text
            spent = time.process_time() - began
            if profile is not None:
                profile.disable()
        return spent / (count - 20)
    finally:
        services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    on: list[float] = []
    off: list[float] = []
    profile = cProfile.Profile() if args.profile else None
    for round_ in range(args.rounds):
        first = round_ * 2 * args.requests
        off.append(asyncio.run(drive(False, args.requests, first, None)))
        on.append(asyncio.run(drive(True, args.requests, first + args.requests, profile)))
        print(f"round {round_ + 1}: off {off[-1] * 1e3:.3f} ms, on {on[-1] * 1e3:.3f} ms CPU per delivery")
    best_on, best_off = min(on), min(off)
    med_on, med_off = statistics.median(on), statistics.median(off)
    print(
        f"CPU per delivery: off best {best_off * 1e3:.3f} ms / median {med_off * 1e3:.3f} ms; "
        f"on best {best_on * 1e3:.3f} ms / median {med_on * 1e3:.3f} ms; "
        f"metrics cost {100 * (best_on / best_off - 1):+.1f} % (best) {100 * (med_on / med_off - 1):+.1f} % (median)"
    )
    if profile is not None:
        stats = pstats.Stats(profile).sort_stats("cumulative")
        stats.print_stats("metrics|prometheus", 25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
