"""The door's cost (issue 11), side by side in one run so the machine's load cancels out:

1. per request, in process: an ASGI request through `DoorKeeper` (address, block look-up, per-address and
   per-token limits, the shedding check) against the same app without it, for an API read and a webhook;
2. intake flat out through `tfreview serve` (SQLite, workers running), rate limits on (the default) against
   `TFREVIEW_DOOR__RATE_LIMITS=false`, alternating runs, the load of benchmarks/intake.py.

The machine may be shared and loaded: figures are noisy, run it more than once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from intake import deliveries, flat_out, tfreview_server  # noqa: E402  (the sibling benchmark's load)
from tfreview.door.settings import DoorSettings  # noqa: E402
from tfreview.settings import Settings  # noqa: E402
from tfreview.web.door_keeper import DoorKeeper  # noqa: E402
from tfreview.wiring import build_memory_services  # noqa: E402


async def _ok(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def _scope(path: str, method: str, client: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(b"authorization", f"Bearer tfr_bench_token_{client}".encode())],
        "client": (client, 40000),
        "state": {},
    }


async def _run(app: Any, scopes: list[dict[str, Any]]) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    started = time.perf_counter()
    for scope in scopes:
        await app(dict(scope, state={}), receive, send)
    return time.perf_counter() - started


def per_request(count: int, rounds: int) -> None:
    # the default limits; 250 clients (each with its own token) stay under them: nothing is refused
    door_settings = DoorSettings()
    services = build_memory_services(Settings(door=door_settings))
    with_door = DoorKeeper(_ok, services.door)
    without = DoorKeeper(_ok, None)
    for path, method in (("/api/v1/reviews", "GET"), ("/webhooks/github", "POST")):
        scopes = [_scope(path, method, f"203.0.113.{n % 250}") for n in range(count)]
        times: dict[str, list[float]] = {"door": [], "none": []}
        for round_ in range(rounds):
            for mode in ("door", "none") if round_ % 2 == 0 else ("none", "door"):
                app = with_door if mode == "door" else without
                times[mode].append(asyncio.run(_run(app, scopes)) / count * 1e6)
        door, none = statistics.median(times["door"]), statistics.median(times["none"])
        print(f"{method} {path}: with the door {door:.1f} µs/request, without {none:.1f} µs: +{door - none:.1f} µs")
    services.close()


def intake_cost(count: int, concurrency: int, rounds: int) -> None:
    rates: dict[str, list[float]] = {"on": [], "off": []}
    for round_ in range(rounds):
        for mode in ("on", "off") if round_ % 2 == 0 else ("off", "on"):
            extra = {"TFREVIEW_DOOR__RATE_LIMITS": "true" if mode == "on" else "false"}
            with (
                tempfile.TemporaryDirectory(prefix="tfreview-bench-") as data,
                tfreview_server(Path(data), None, extra) as url,
            ):
                result = asyncio.run(flat_out(url, deliveries(count), concurrency, f"door-{mode}"))
            rates[mode].append(result.throughput)
            failed = result.sent - result.ok
            refused = f", {failed} not 2xx" if failed else ""
            print(f"round {round_ + 1}, rate limits {mode}: {result.throughput:.0f} deliveries/s{refused}")
    on, off = statistics.mean(rates["on"]), statistics.mean(rates["off"])
    print(
        f"intake flat out ×{concurrency}: limits on {on:.0f}/s, off {off:.0f}/s: cost {(off - on) / off * 100:+.1f} %"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=10_000, help="requests per in-process round (≤ 25,000)")
    parser.add_argument("--deliveries", type=int, default=1000, help="deliveries per intake run")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight in the intake runs")
    parser.add_argument("--rounds", type=int, default=2, help="on/off pairs")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    per_request(min(args.requests, 25_000), args.rounds * 2)
    if args.deliveries > 0:
        intake_cost(args.deliveries, args.concurrency, args.rounds)


if __name__ == "__main__":
    main()
