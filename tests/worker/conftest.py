"""Fixtures of the worker tests: services on every backend (memory, SQLite, PostgreSQL when configured),
a clock the tests move by hand, and helpers to upload a plan the way the API does."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tfreview.ports.job_types import ReviewJob
from tfreview.ports.records import Delivery, SourceInfo
from tfreview.publish.recording import RecordingPublisher
from tfreview.settings import Settings
from tfreview.store.queue_settings import WorkerSettings
from tfreview.wiring import WiredServices, build_memory_services, build_services

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
DATA = Path(__file__).parent / "data"
PLAN_WITH_FINDINGS = DATA / "plan_with_findings.json"
TENANT = "github:1234"


class ManualClock:
    """UTC time that moves only when a test says so (thread-safe)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


def worker_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "lease_seconds": 30.0,
        "heartbeat_seconds": 600.0,  # no heartbeat fires during a test unless it asks for one
        "poll_interval_seconds": 0.01,
        "reaper_interval_seconds": 0.05,
        "max_attempts": 3,
        "backoff_base_seconds": 1.0,
        "backoff_cap_seconds": 4.0,
        "review_deadline_seconds": 60.0,
    }
    values.update(overrides)
    return Settings(worker=WorkerSettings.model_validate(values))


@dataclass
class Backend:
    name: str
    services: WiredServices
    publisher: RecordingPublisher
    clock: ManualClock


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test process (migrated), dropped at the end."""
    from sqlalchemy import create_engine, make_url, text

    from tfreview.store.migrate import upgrade

    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test the workers against")
    name = f"tfreview_worker_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(False)
        upgrade(url)
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _emptied(url: str) -> str:
    from sqlalchemy import create_engine, text

    from tfreview.store.tables import Base

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
    return url


def sqlite_url(tmp_path: Path) -> str:
    from tfreview.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'data' / 'tfreview.db'}"
    upgrade(url)
    return url


def database_settings(url: str, **overrides: object) -> Settings:
    settings = worker_settings(**overrides)
    return settings.model_copy(update={"database": settings.database.model_copy(update={"url": url})})


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    clock = ManualClock()
    publisher = RecordingPublisher()
    if request.param == "memory":
        services = build_memory_services(worker_settings(), clock=clock, publisher=publisher)
    else:
        url = sqlite_url(tmp_path) if request.param == "sqlite" else _emptied(request.getfixturevalue("postgres_url"))
        services = build_services(database_settings(url), clock=clock)
        services = replace(services, publisher=publisher)
    try:
        yield Backend(request.param, services, publisher, clock)
    finally:
        services.close()


def upload(
    services: WiredServices,
    content: bytes | None = None,
    *,
    kind: str = "plan_json",
    source: SourceInfo | None = None,
    tenant: str = TENANT,
) -> tuple[str, str]:
    """Store a plan and accept its upload like `POST /api/v1/plans` with a token of `tenant`: (review id, plan id)."""
    data = PLAN_WITH_FINDINGS.read_bytes() if content is None else content
    plan_id = services.plans.put(tenant, data, kind, {"source": "test"})
    review_id = str(uuid.uuid4())
    delivery = Delivery(
        source="api",
        key=f"upload-{review_id}",
        event="plan_upload",
        tenant_id=tenant,
        payload_sha256="",
        received_at=datetime.now(UTC),
    )
    job = ReviewJob.for_review(tenant, review_id, plan_id=plan_id).encode(
        max_attempts=services.settings.worker.max_attempts
    )
    services.intake.accept(delivery, data, job, review=(review_id, source or SourceInfo(kind="api")))
    return review_id, plan_id
