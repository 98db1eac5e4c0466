"""Webhook intake: signed GitHub deliveries against `tfreview serve`, beside a bare endpoint (`make bench`).

Two servers, started from here as processes on 127.0.0.1, one at a time, with the same uvicorn settings:
  * tfreview: `tfreview serve --port 0` on a fresh data directory (SQLite, WAL, synchronous=FULL; the
    worker pool runs too, as in production) — every 2xx means the delivery row and its job row are
    committed (or, with --postgres URL, on a fresh PostgreSQL database);
  * bare: a FastAPI app whose POST /webhooks/github reads the body and answers 202 — no signature
    check, no storage: the floor the framework and server set on this machine.
Each gets the same deliveries: distinct pull_request.opened bodies (PR number and head SHA vary, so every
delivery makes its own job), signed with HMAC-SHA256 beforehand so the client spends no time on it,
  * at a fixed rate (default 100/s for 10 s), latency measured from each request's SCHEDULED start
    (no coordinated omission), and
  * flat out (default 3,000 deliveries, 32 in flight).
Prints throughput, p50/p99 acknowledgement latency, the ratios to the bare endpoint, and the targets:
p99 ≤ 50 ms at 100/s, ≥ 500 durable deliveries/s on SQLite. The client shares the CPU with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAYLOAD = ROOT / "tests" / "integration" / "data" / "github.pull_request.opened.payload.json"
SECRET = "bench-" + uuid.uuid4().hex
START_SECONDS = 60.0


@dataclass(frozen=True)
class Delivery:
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Result:
    target: str
    mode: str
    sent: int
    ok: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def deliveries(count: int) -> list[Delivery]:
    template = json.loads(PAYLOAD.read_bytes())
    made = []
    for n in range(count):
        template["number"] = 1000 + n
        template["pull_request"]["number"] = 1000 + n
        template["pull_request"]["head"]["sha"] = hashlib.sha1(str(n).encode()).hexdigest()  # a fake SHA
        body = json.dumps(template).encode()
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": signature,
            "User-Agent": "GitHub-Hookshot/bench",
        }
        made.append(Delivery(body, headers))
    return made


# --- the servers -----------------------------------------------------------------------------------


def bare_app() -> Any:
    app = FastAPI()

    @app.post("/webhooks/github")
    async def receive(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({"status": "accepted"}, status_code=202)

    return app


def serve_bare() -> None:
    """`python benchmarks/intake.py --serve-bare`: the bare endpoint with tfreview serve's uvicorn settings."""
    import uvicorn

    from tfreview.serving import bind

    listener = bind("127.0.0.1", 0)
    print(f"bare serving on http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    config = uvicorn.Config(bare_app(), log_level="warning", access_log=False, server_header=False)
    uvicorn.Server(config).run(sockets=[listener])


@contextlib.contextmanager
def started(argv: list[str], env: dict[str, str]) -> Iterator[str]:
    # The server's log goes to a file: an undrained pipe would fill up and stall the server mid-run.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (closed in the finally below)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "serving on " not in line:
            log.seek(0)
            raise SystemExit(f"server did not start: {line}{log.read()}")
        yield line.split("serving on ", 1)[1].split()[0]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(START_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def tfreview_server(
    data_dir: Path, database_url: str | None, extra_env: dict[str, str] | None = None
) -> contextlib.AbstractContextManager[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": SECRET}])
    env.update(extra_env or {})
    if database_url:
        env["TFREVIEW_DATABASE__URL"] = database_url
        subprocess.run([sys.executable, "-m", "tfreview", "db", "upgrade"], env=env, check=True, capture_output=True)
    argv = [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data_dir)]
    return started(argv, env)


def bare_server() -> contextlib.AbstractContextManager[str]:
    return started([sys.executable, str(Path(__file__).resolve()), "--serve-bare"], dict(os.environ))


# --- the load --------------------------------------------------------------------------------------


async def post(client: httpx.AsyncClient, delivery: Delivery) -> int:
    """The status code, or 0 when the request failed (connection reset, timeout): counted as not acknowledged."""
    try:
        response = await client.post("/webhooks/github", content=delivery.body, headers=delivery.headers)
    except httpx.HTTPError:
        return 0
    return response.status_code


async def fixed_rate(url: str, batch: list[Delivery], rate: float, target: str) -> Result:
    latencies: list[float] = []
    ok = 0

    async with httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=64), timeout=30) as client:
        await client.get("/healthz")  # warm the connection pool's first connection

        async def one(delivery: Delivery, scheduled: float) -> None:
            nonlocal ok
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            status = await post(client, delivery)
            latencies.append((time.perf_counter() - scheduled) * 1000)
            ok += 200 <= status < 300

        start = time.perf_counter() + 0.2
        await asyncio.gather(*(one(d, start + i / rate) for i, d in enumerate(batch)))
        seconds = time.perf_counter() - start
    return Result(target, f"fixed {rate:g}/s", len(batch), ok, seconds, latencies)


async def flat_out(url: str, batch: list[Delivery], concurrency: int, target: str) -> Result:
    latencies: list[float] = []
    ok = 0
    queue: asyncio.Queue[Delivery] = asyncio.Queue()
    for delivery in batch:
        queue.put_nowait(delivery)

    async with httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=concurrency), timeout=30) as client:
        await client.get("/healthz")

        async def runner() -> None:
            nonlocal ok
            while not queue.empty():
                delivery = queue.get_nowait()
                sent = time.perf_counter()
                status = await post(client, delivery)
                latencies.append((time.perf_counter() - sent) * 1000)
                ok += 200 <= status < 300

        start = time.perf_counter()
        await asyncio.gather(*(runner() for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    return Result(target, f"flat out ×{concurrency}", len(batch), ok, seconds, latencies)


def measure(target: str, url: str, args: argparse.Namespace) -> list[Result]:
    total = int(args.rate * args.seconds)
    results = [asyncio.run(fixed_rate(url, deliveries(total), args.rate, target))]
    results.append(asyncio.run(flat_out(url, deliveries(args.flat_out), args.concurrency, target)))
    return results


def report(results: list[Result]) -> None:
    print(f"\n{'target':<16} {'mode':<16} {'sent':>6} {'2xx':>6} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for r in results:
        print(
            f"{r.target:<16} {r.mode:<16} {r.sent:>6} {r.ok:>6} {r.throughput:>8.0f} "
            f"{r.percentile(50):>8.1f} {r.percentile(99):>8.1f}"
        )
    bare = {r.mode: r for r in results if r.target == "bare"}
    print()
    for r in results:
        if r.target == "bare" or r.mode not in bare:
            continue
        floor = bare[r.mode]
        if not floor.throughput or not r.latencies_ms:
            continue
        print(
            f"{r.target} / bare, {r.mode}: throughput ×{r.throughput / floor.throughput:.2f}, "
            f"p50 ×{r.percentile(50) / floor.percentile(50):.1f}, p99 ×{r.percentile(99) / floor.percentile(99):.1f}"
        )
    for r in results:
        if r.target.startswith("tfreview") and r.mode.startswith("fixed"):
            verdict = "met" if r.percentile(99) <= 50 and r.ok == r.sent else "MISSED"
            print(f"target p99 ≤ 50 ms at {r.mode.split()[1]} ({r.target}): {r.percentile(99):.1f} ms — {verdict}")
        if r.target == "tfreview-sqlite" and r.mode.startswith("flat"):
            verdict = "met" if r.throughput >= 500 and r.ok == r.sent else "MISSED"
            print(f"target ≥ 500 durable deliveries/s on SQLite: {r.throughput:.0f}/s — {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=100.0, help="deliveries per second in the fixed-rate run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the fixed-rate run")
    parser.add_argument("--flat-out", type=int, default=3000, help="deliveries in the flat-out run")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight in the flat-out run")
    parser.add_argument("--postgres", metavar="URL", help="also run tfreview on this (empty) PostgreSQL database")
    parser.add_argument("--serve-bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare()
        return
    results: list[Result] = []
    with bare_server() as url:
        results += measure("bare", url, args)
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-") as data, tfreview_server(Path(data), None) as url:
        results += measure("tfreview-sqlite", url, args)
    if args.postgres:
        with (
            tempfile.TemporaryDirectory(prefix="tfreview-bench-") as data,
            tfreview_server(Path(data), args.postgres) as url,
        ):
            results += measure("tfreview-postgres", url, args)
    report(results)


if __name__ == "__main__":
    main()
