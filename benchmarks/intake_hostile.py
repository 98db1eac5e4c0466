"""Webhook intake of a real `tfreview serve --no-worker` against a store that cannot answer, and a body flood
(r15-ingress, session 15; benchmarks/README.md). Loopback only; each probe prints what the sender saw.

    .venv/bin/python benchmarks/intake_hostile.py pg-lock      # needs TFREVIEW_BENCH_POSTGRES_URL (admin URL)
    .venv/bin/python benchmarks/intake_hostile.py pg-stall     # the same; PostgreSQL reached through FaultProxy
    .venv/bin/python benchmarks/intake_hostile.py spacelift-lock
    .venv/bin/python benchmarks/intake_hostile.py body-flood [--bodies 40]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GITHUB_SECRET = "whsec-hostile-github"
SPACELIFT_SECRET = "whsec-hostile-spacelift"
SPACELIFT_EXAMPLE = ROOT / "tests" / "web" / "data" / "spacelift.run-finished-tracked.json"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def github_request(body: bytes, signature: str | None = None) -> bytes:
    head = [
        "POST /webhooks/github HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        "X-GitHub-Event: pull_request",
        f"X-GitHub-Delivery: {uuid.uuid4()}",
        f"X-Hub-Signature-256: {signature or sign(GITHUB_SECRET, body)}",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def pull_request(number: int) -> bytes:
    head = hashlib.sha1(f"{number}-{uuid.uuid4()}".encode()).hexdigest()
    return json.dumps(
        {
            "action": "opened",
            "number": number,
            "pull_request": {"number": number, "draft": False, "head": {"sha": head}, "base": {"sha": "0" * 40}},
            "repository": {"full_name": "octo/infra", "owner": {"login": "octo"}},
            "installation": {"id": 42},
        }
    ).encode()


def spacelift_request(number: int) -> bytes:
    document = json.loads(SPACELIFT_EXAMPLE.read_bytes())
    document.update(stateVersion=number, timestamp=int(time.time()))
    document["run"]["id"] = f"01HOSTILE{number:017d}"
    body = json.dumps(document).encode()
    head = [
        "POST /webhooks/spacelift HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"X-Signature-256: {sign(SPACELIFT_SECRET, body)}",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def send(port: int, data: bytes, timeout: float = 40.0) -> tuple[int | None, float]:
    """The status the server answered (None: no answer within `timeout`) and the seconds it took."""
    started = time.monotonic()
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn, contextlib.suppress(OSError):
        conn.sendall(data)
        while piece := conn.recv(65536):
            answer += piece
    try:
        status: int | None = int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = None
    return status, round(time.monotonic() - started, 1)


@contextlib.contextmanager
def serving(data: Path, **env: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    settings = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    settings.update(
        TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": GITHUB_SECRET}]),
        TFREVIEW_SPACELIFT__WEBHOOK_SECRETS=json.dumps([{"value": SPACELIFT_SECRET}]),
        **env,
    )
    command = [sys.executable, "-m", "tfreview", "serve", "--no-worker", "--port", "0", "--data-dir", str(data)]
    with (data.parent / "serve.log").open("w") as log:
        process = subprocess.Popen(command, env=settings, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving on" in line, (data.parent / "serve.log").read_text()
        yield process, int(line.rsplit(":", 1)[1].split()[0].strip("/"))
    finally:
        process.terminate()
        process.wait(60)


def at_once(count: int, call: Callable[[int], tuple[int | None, float]]) -> str:
    with ThreadPoolExecutor(count) as pool:
        results = list(pool.map(call, range(count)))
    statuses = Counter(str(status) for status, _ in results)
    seconds = Counter(seconds for _, seconds in results)
    return f"statuses {dict(statuses)}, seconds {dict(sorted(seconds.items()))}"


@contextlib.contextmanager
def postgres(directory: Path, port_of: Callable[[int], int] = lambda port: port) -> Iterator[tuple[str, str]]:
    """A fresh database on the server of TFREVIEW_BENCH_POSTGRES_URL, migrated: (service URL, libpq URL)."""
    import psycopg
    from sqlalchemy import make_url

    admin_url = os.environ.get("TFREVIEW_BENCH_POSTGRES_URL")
    if not admin_url:
        raise SystemExit("set TFREVIEW_BENCH_POSTGRES_URL to an admin URL of a PostgreSQL server")
    name = f"tfreview_hostile_{uuid.uuid4().hex[:8]}"
    admin = make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        direct = admin.set(database=name)
        service = direct.set(drivername="postgresql+psycopg", port=port_of(direct.port or 5432))
        upgrade = [sys.executable, "-m", "tfreview", "db", "upgrade"]
        env = {
            **os.environ,
            "TFREVIEW_DATABASE__URL": direct.set(drivername="postgresql+psycopg").render_as_string(False),
        }
        subprocess.run(upgrade, env=env, check=True, capture_output=True, cwd=directory)
        yield service.render_as_string(False), direct.render_as_string(False)
    finally:
        with psycopg.connect(admin.render_as_string(False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_lock(directory: Path) -> None:
    import psycopg

    with (
        postgres(directory) as (service, direct),
        serving(directory / "data", TFREVIEW_DATABASE__URL=service) as (_, port),
        psycopg.connect(direct) as holder,
    ):
        holder.execute("LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE")
        print("pg-lock, 10 deliveries:", at_once(10, lambda n: send(port, github_request(pull_request(n + 1)))))
        holder.rollback()


def pg_stall(directory: Path) -> None:
    from tests.chaos.fault_proxy import FaultProxy

    with (
        FaultProxy(5432) as proxy,
        postgres(directory, lambda _: proxy.port) as (service, _),
        serving(directory / "data", TFREVIEW_DATABASE__URL=service) as (_, port),
    ):
        print("pg-stall, warm:", send(port, github_request(pull_request(1))))
        proxy.stall()
        try:
            print("pg-stall, 5 deliveries:", at_once(5, lambda n: send(port, github_request(pull_request(n + 2)))))
        finally:
            proxy.restore()


def spacelift_lock(directory: Path) -> None:
    with serving(directory / "data") as (_, port):
        holder = sqlite3.connect(directory / "data" / "tfreview.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        live: list[tuple[int | None, float]] = []

        def liveness() -> None:
            time.sleep(1)
            live.append(send(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))

        probe = threading.Thread(target=liveness)
        probe.start()
        print("spacelift-lock, 120 deliveries:", at_once(120, lambda n: send(port, spacelift_request(n + 1))))
        probe.join()
        print("spacelift-lock, /healthz meanwhile:", live)
        holder.execute("ROLLBACK")
        holder.close()


def body_flood(directory: Path, bodies: int) -> None:
    def rss(pid: int) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
        return 0

    with serving(directory / "data") as (process, port):
        start = rss(process.pid)
        body = b"x" * (25 * 1024 * 1024)
        request = github_request(body, signature="sha256=" + "0" * 64)[:-1]  # held one byte short of its end
        conns = []
        for _ in range(bodies):
            conn = socket.create_connection(("127.0.0.1", port))
            conns.append(conn)
            with contextlib.suppress(OSError):
                conn.sendall(request)
        time.sleep(3)
        held = rss(process.pid)
        statuses: Counter[str] = Counter()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.sendall(b"x")
        for conn in conns:
            answer = b""
            with contextlib.suppress(OSError):
                answer = conn.recv(100)
            statuses[answer.split(b" ", 2)[1].decode() if answer.count(b" ") >= 2 else "none"] += 1
            conn.close()
        print(f"body-flood, {bodies} unsigned 25 MiB bodies: RSS +{held - start} MiB while held; {dict(statuses)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("probe", choices=["pg-lock", "pg-stall", "spacelift-lock", "body-flood"])
    parser.add_argument("--bodies", type=int, default=40, help="body-flood: connections, each with a 25 MiB body")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tfreview-hostile-") as directory:
        where = Path(directory)
        if args.probe == "pg-lock":
            pg_lock(where)
        elif args.probe == "pg-stall":
            pg_stall(where)
        elif args.probe == "spacelift-lock":
            spacelift_lock(where)
        else:
            body_flood(where, args.bodies)


if __name__ == "__main__":
    main()
