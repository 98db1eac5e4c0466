"""End-to-end fixtures: the real app under uvicorn on 127.0.0.1, the real store (SQLite, and PostgreSQL
when TFREVIEW_TEST_POSTGRES_URL is set — a fresh database per test module), the real worker threads."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.integration.live import LiveService, fresh_postgres_database

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database per test module: a SQLite file, or a fresh PostgreSQL database (dropped after). Tests of a
    module share it, so each one looks only at its own tenant's rows."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('data') / 'tfreview.db'}"
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    with fresh_postgres_database(admin_url, f"tfreview_{uuid.uuid4().hex[:12]}") as url:
        yield url


@pytest.fixture(scope="module")
def webhook_secret() -> str:
    return f"whsec-{uuid.uuid4().hex}"


@pytest.fixture
def live(database_url: str, webhook_secret: str) -> Iterator[LiveService]:
    """The service over HTTP with its worker threads, publishing to a RecordingPublisher."""
    with LiveService.start(database_url, github_secret=webhook_secret, workers=True) as service:
        yield service


@pytest.fixture
def live_without_workers(database_url: str, webhook_secret: str) -> Iterator[LiveService]:
    """The service over HTTP only: jobs stay queued, so a test can look at them as intake left them."""
    with LiveService.start(database_url, github_secret=webhook_secret, workers=False) as service:
        yield service
