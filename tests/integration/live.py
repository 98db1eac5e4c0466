"""A running tfreview for end-to-end tests: uvicorn in a thread on a free port of 127.0.0.1, over the
services `build_services` wires (with a RecordingPublisher swapped in), plus the embedded worker threads."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import uvicorn
from pydantic import SecretStr

from tfreview.publish.recording import RecordingPublisher
from tfreview.settings import DatabaseSettings, GitHubSettings, SecretVersion, Settings
from tfreview.store.migrate import upgrade
from tfreview.store.queue_settings import WorkerSettings
from tfreview.web.app import create_app
from tfreview.wiring import WiredServices, build_services
from tfreview.worker.process import EmbeddedThreads, start_embedded

T = TypeVar("T")
WAIT_SECONDS = 30.0  # a bound, not a threshold: every wait ends as soon as its condition holds


def wait_for(condition: Callable[[], T | None], what: str, timeout: float = WAIT_SECONDS) -> T:
    """Poll until `condition()` returns something truthy; fail the test with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def service_settings(database_url: str, *, github_secret: str | None = None) -> Settings:
    return Settings(
        database=DatabaseSettings(url=database_url),
        github=GitHubSettings(webhook_secrets=[SecretVersion(value=SecretStr(github_secret))] if github_secret else []),
        worker=WorkerSettings(concurrency=1, poll_interval_seconds=0.05, reaper_interval_seconds=1.0),
    )


@dataclass
class LiveService:
    url: str
    settings: Settings
    services: WiredServices
    publisher: RecordingPublisher
    http: httpx.Client
    _stop: Callable[[], None] = field(repr=False)

    @classmethod
    @contextlib.contextmanager
    def start(
        cls, database_url: str, *, github_secret: str | None = None, workers: bool = True
    ) -> Iterator[LiveService]:
        settings = service_settings(database_url, github_secret=github_secret)
        if database_url.startswith("sqlite"):
            Path(database_url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        upgrade(database_url)
        services = build_services(settings)
        publisher = RecordingPublisher()
        services = replace(services, publisher=publisher)  # the container is how tests swap an adapter
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(create_app(services), log_level="warning", access_log=False, lifespan="off")
        )
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="tfreview-live", daemon=True)
        thread.start()
        stop_workers = threading.Event()
        embedded: EmbeddedThreads | None = None
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0)

        def stop() -> None:
            http.close()
            stop_workers.set()
            server.should_exit = True
            thread.join(WAIT_SECONDS)
            if embedded is not None:
                embedded.join(WAIT_SECONDS)
            listener.close()
            services.close()

        try:
            wait_for(lambda: server.started, "the server to start")
            if workers:
                embedded = start_embedded(services, stop_workers)
            yield cls(f"http://127.0.0.1:{port}", settings, services, publisher, http, stop)
        finally:
            stop()

    # --- what the tests look at ------------------------------------------------------------------

    def stored_text(self) -> str:
        """Everything the database holds, as text (every row of every table; for SQLite the raw file
        bytes too, WAL included), to prove a secret never reached it."""
        url = self.settings.database.url
        if url.startswith("sqlite"):
            path = Path(url.split(":///", 1)[1])
            raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
            with contextlib.closing(sqlite3.connect(path)) as conn:
                tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                rows = [repr(row) for table in tables for row in conn.execute(f'SELECT * FROM "{table}"')]
            return raw.decode("utf-8", "replace") + "\n".join(rows)
        with psycopg.connect(_libpq_url(url)) as conn:
            tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            rows = [
                " ".join(_as_text(value) for value in row)
                for table in tables
                for row in conn.execute(f'SELECT * FROM "{table}"').fetchall()
            ]
        return "\n".join(rows)

    def close(self) -> None:
        self._stop()


def _as_text(value: object) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.contextmanager
def fresh_postgres_database(admin_url: str, name: str) -> Iterator[str]:
    """CREATE DATABASE <name> on the server of `admin_url`; yield its URL; DROP it afterwards."""
    admin = psycopg.connect(_libpq_url(admin_url), autocommit=True)
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(_libpq_url(admin_url))
        yield urlunsplit(parts._replace(scheme="postgresql+psycopg", path=f"/{name}"))
    finally:
        with contextlib.suppress(psycopg.Error):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def response_json(response: httpx.Response) -> Any:
    assert response.headers.get("content-type", "").split(";")[0] in ("application/json", "application/problem+json")
    return response.json()
