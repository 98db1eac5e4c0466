"""The servers of the intake benchmark, each a process on 127.0.0.1 that prints `serving on URL`.

* bare: FastAPI + uvicorn, POST /webhooks/github reads the body and answers 202 (the framework's floor);
* naive: the same plus the HMAC check and ONE INSERT of the raw body into SQLite (WAL, synchronous=FULL),
  committed before the 202 — the smallest correct durable intake;
* tfreview: `tfreview serve` (embedded workers on or `--no-worker`, SQLite or PostgreSQL).

All of them run uvicorn on httptools (llhttp) and uvloop, as `tfreview serve` does since ADR 0415; until then
bare and naive ran on whatever uvicorn's "auto" found (h11 and asyncio's loop in this project's environment),
as did tfreview (its h11 protocol subclass).

`python benchmarks/intake_servers.py bare|naive SECRET DBFILE` runs the first two.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

HERE = Path(__file__).resolve().parent
START_SECONDS = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def bare_app() -> Any:
    app = FastAPI()

    @app.post("/webhooks/github")
    async def receive(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({"status": "accepted"}, status_code=202)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "alive"})

    return app


def naive_app(secret: bytes, database: Path) -> Any:
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(
        "CREATE TABLE IF NOT EXISTS deliveries"
        " (id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, payload BLOB NOT NULL)"
    )
    lock = threading.Lock()
    app = FastAPI()

    @app.post("/webhooks/github")
    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        given = request.headers.get("x-hub-signature-256", "")
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, expected):
            return JSONResponse({"status": "bad signature"}, status_code=401)
        key = request.headers.get("x-github-delivery", "")
        with lock:  # one write per delivery, committed (fsync) before the answer
            connection.execute("INSERT INTO deliveries (key, payload) VALUES (?, ?)", (key, body))
        return JSONResponse({"status": "accepted"}, status_code=202)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "alive"})

    return app


def _serve(app: Any) -> None:
    import uvicorn

    from tfreview.serving import bind

    listener = bind("127.0.0.1", 0)
    print(f"serving on http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    # the parser and loop `tfreview serve` runs on (ADR 0415), named rather than left to "auto" (which is h11 and
    # asyncio's loop wherever httptools and uvloop are missing), and without uvicorn's X-Forwarded-For layer, which
    # `tfreview serve` turns off too (its door decides whose header is believed): the floors are on equal terms
    config = uvicorn.Config(
        app,
        http="httptools",
        loop="uvloop",
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )
    uvicorn.Server(config).run(sockets=[listener])


class Running:
    """A started server: its URL, its process id (for CPU), how to count what it stored and, on PostgreSQL, the
    CPU of the database server's processes (`database_cpu`: None elsewhere)."""

    def __init__(
        self,
        url: str,
        pid: int,
        count_rows: Any,
        database_cpu: Any = None,
        ended_jobs: Any = None,
        data: Path | None = None,
        database_url: str | None = None,
    ) -> None:
        self.url = url
        self.database_url = database_url  # tfreview on PostgreSQL: its (fresh) database, None elsewhere
        self.data = data  # tfreview's data directory (its SQLite database), None elsewhere
        self.pid = pid
        self.count_rows = count_rows
        self.database_cpu: Callable[[], DatabaseCpu] | None = database_cpu
        # tfreview on SQLite: how many jobs its workers have finished so far (succeeded or dead); None elsewhere
        self.ended_jobs: Callable[[], int] | None = ended_jobs


@dataclass(frozen=True)
class DatabaseCpu:
    """CPU seconds of PostgreSQL's processes at one moment, by pid: the backends serving the benchmark's database
    (the server's connections) and the server's background processes (WAL writer, checkpointer, background
    writer, autovacuum: server-wide, so another client of the same server adds to them)."""

    backends: dict[int, float]
    background: dict[int, float]

    def since(self, before: DatabaseCpu) -> tuple[float, float]:
        """(backends, background) CPU seconds spent since `before`; a process started since counts from zero,
        one that ended since is lost (the pool keeps its connections for the server's life)."""

        def spent(now: dict[int, float], then: dict[int, float]) -> float:
            return sum(max(0.0, seconds - then.get(pid, 0.0)) for pid, seconds in now.items())

        return spent(self.backends, before.backends), spent(self.background, before.background)


@contextlib.contextmanager
def started(argv: list[str], env: dict[str, str]) -> Iterator[tuple[str, int]]:
    # The server's log goes to a file: an undrained pipe would fill up and stall the server mid-run.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (closed in the finally below)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "serving on " not in line:
            log.seek(0)
            raise SystemExit(f"server did not start: {line}{log.read()}")
        yield line.split("serving on ", 1)[1].split()[0], process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(START_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.seek(0)
        errors = [line for line in log.read().splitlines() if "Traceback" in line or "ERROR" in line]
        if errors:
            print(f"  (server log: {len(errors)} error lines, first: {errors[0][:200]})", file=sys.stderr)
        log.close()


def sqlite_rows(path: Path, table: str = "deliveries", where: str = "") -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table} {where}").fetchone()[0])


@contextlib.contextmanager
def simple_server(kind: str, secret: str) -> Iterator[Running]:
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-") as data:
        database = Path(data) / "naive.db"
        argv = [sys.executable, str(HERE / "intake_servers.py"), kind, secret, str(database)]
        with started(argv, dict(os.environ)) as (url, pid):
            count = (lambda: sqlite_rows(database)) if kind == "naive" else (lambda: -1)
            yield Running(url, pid, count)


@contextlib.contextmanager
def tfreview_server(
    secret: str,
    *,
    worker: bool,
    postgres: str | None,
    extra: dict[str, str] | None = None,
    data_root: str | None = None,
    seed: Path | None = None,
) -> Iterator[Running]:
    """`tfreview serve` on a fresh data directory (under `data_root`, e.g. a tmpfs, or the temp dir); `seed`: a
    stopped server's data directory whose files are copied into it first (intake_plans.py's queued uploads)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": secret}])
    env.update(extra or {})
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-", dir=data_root) as data, _database(postgres) as url:
        if seed is not None:
            for file in seed.iterdir():
                if file.is_file():
                    shutil.copy2(file, Path(data) / file.name)
        if url is not None:
            env["TFREVIEW_DATABASE__URL"] = url
            upgrade = [sys.executable, "-m", "tfreview", "db", "upgrade"]
            subprocess.run(upgrade, env=env, check=True, capture_output=True)
        argv = [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", data]
        if not worker:
            argv.append("--no-worker")
        with started(argv, env) as (address, pid):
            if url is None:
                database = lambda: next(Path(data).glob("*.db"))  # noqa: E731  # created by the server
                ended = lambda: sqlite_rows(database(), "jobs", "WHERE state IN ('succeeded', 'dead')")  # noqa: E731
                yield Running(address, pid, lambda: sqlite_rows(database()), ended_jobs=ended, data=Path(data))
            else:
                ended = lambda: _postgres_count(url, "jobs", "WHERE state IN ('succeeded', 'dead')")  # noqa: E731
                yield Running(
                    address,
                    pid,
                    lambda: _postgres_rows(url),
                    lambda: _postgres_cpu(url),
                    ended_jobs=ended if worker else None,
                    database_url=url,
                )


@contextlib.contextmanager
def _database(admin_url: str | None) -> Iterator[str | None]:
    """A fresh PostgreSQL database on the server of `admin_url`, dropped afterwards; None for SQLite."""
    if admin_url is None:
        yield None
        return
    import uuid

    import psycopg

    name = "tfr_bench_" + uuid.uuid4().hex[:12]
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield plain.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(plain, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _postgres_count(url: str, table: str, where: str = "") -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute(f"SELECT count(*) FROM {table} {where}").fetchone()
        return int(row[0]) if row else 0


def _postgres_rows(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*) FROM deliveries").fetchone()
        return int(row[0]) if row else 0


def _postgres_cpu(url: str) -> DatabaseCpu:
    """The CPU so far of the server's backends connected to the database of `url` (this query's own excluded)
    and of its background processes, read from /proc (the server runs on this machine)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid, datname IS NOT NULL AND datname = current_database() FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid() AND (datname = current_database() OR backend_type <> 'client backend')"
        ).fetchall()
    backends: dict[int, float] = {}
    background: dict[int, float] = {}
    for pid, ours in rows:
        seconds = _process_cpu(int(pid))
        if seconds is not None:
            (backends if ours else background)[int(pid)] = seconds
    return DatabaseCpu(backends, background)


def _process_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and its live descendants (threads included), from /proc/<pid>/stat."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    wanted = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in wanted and child not in wanted:
                wanted.add(child)
                grew = True
    return sum(times.get(p, 0.0) for p in wanted)


if __name__ == "__main__":
    what, key, file = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    _serve(bare_app() if what == "bare" else naive_app(key.encode(), file))
