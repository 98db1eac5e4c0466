"""Signed webhooks while refused credentials are audited (ADR 0540): does a bad-token flood slow the intake?

A real `tfreview serve` (SQLite, or PostgreSQL with --postgres URL) trusts 127.0.0.1 as a proxy; FLOODERS
threads send API requests with made-up API tokens from changing X-Forwarded-For addresses (15 per address:
under the block threshold, so every one reaches the authenticator and leaves an `auth.failure` entry), while
one client sends N signed pull_request deliveries one after another. Printed: the deliveries' statuses and
latencies, the refused requests sent, and `tfreview audit-log --verify` over the entries stored. Baselines:
0 flooders, and a flood of the same requests without any credential (401 too, but no token look-up, no entry).

    .venv/bin/python benchmarks/audited_refusals.py --flooders 0
    .venv/bin/python benchmarks/audited_refusals.py --flooders 8 --credential none
    .venv/bin/python benchmarks/audited_refusals.py --flooders 8

The machine may be shared and loaded: figures are noisy, run it more than once.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
SECRET = "bench-audited-refusals-secret"
PAYLOAD = HERE.parent / "tests" / "web" / "data" / "github.pull_request.opened.payload.json"
TFREVIEW = Path(sys.executable).with_name("tfreview")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _signed(number: int) -> tuple[bytes, dict[str, str]]:
    payload = json.loads(PAYLOAD.read_text())
    payload["number"] = payload["pull_request"]["number"] = number
    payload["pull_request"]["head"]["sha"] = hashlib.sha1(str(number).encode()).hexdigest()
    body = json.dumps(payload).encode()
    return body, {
        "Content-Type": "application/json",
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
    }


def _wait_ready(base: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("tfreview serve did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flooders", type=int, default=8)
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--credential", choices=("token", "none"), default="token")
    parser.add_argument("--postgres", help="a migrated PostgreSQL database URL (default: SQLite)")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-refusals-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env.update(
        TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": SECRET}]),
        TFREVIEW_DOOR__TRUSTED_PROXIES='["127.0.0.1/32"]',
        TFREVIEW_DOOR__PER_IP="1000000/minute",
    )
    if args.postgres:
        env["TFREVIEW_DATABASE__URL"] = args.postgres
    port = _port()
    base = f"http://127.0.0.1:{port}"
    with (data / "serve.log").open("wb") as log:
        server = subprocess.Popen(
            [str(TFREVIEW), "serve", "--port", str(port), "--data-dir", str(data)], env=env, stdout=log, stderr=log
        )
        try:
            _wait_ready(base)
            stop = threading.Event()
            sent = [0] * args.flooders

            def flood(n: int) -> None:
                with httpx.Client(base_url=base, timeout=30) as client:
                    i = 0
                    while not stop.is_set():
                        i += 1
                        address = f"10.{n}.{(i // 15) % 250}.{(i // 3750) % 250 + 1}"
                        headers = {"X-Forwarded-For": address}
                        if args.credential == "token":
                            headers["Authorization"] = f"Bearer tfr_{n}x{i}_guess"
                        client.get("/api/v1/reviews", headers=headers)
                        sent[n] += 1

            threads = [threading.Thread(target=flood, args=(n,)) for n in range(args.flooders)]
            for thread in threads:
                thread.start()
            time.sleep(1)
            latencies, statuses = [], []
            with httpx.Client(base_url=base, timeout=30) as client:
                for number in range(args.deliveries):
                    body, headers = _signed(1000 + number)
                    started = time.perf_counter()
                    statuses.append(client.post("/webhooks/github", content=body, headers=headers).status_code)
                    latencies.append(time.perf_counter() - started)
            stop.set()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(30)
    latencies.sort()
    audit = subprocess.run(
        [str(TFREVIEW), "audit-log", "--verify", "--data-dir", str(data)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    print(
        f"flooders {args.flooders} ({args.credential}): refused requests sent {sum(sent)}; deliveries {counts}; "
        f"p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms; "
        f"audit chain: {audit.stdout.strip().splitlines()[-1] if audit.stdout.strip() else audit.stderr.strip()}"
    )


if __name__ == "__main__":
    main()
