"""Scaled mode (PostgreSQL): the operator migrates, `serve` and `worker` do not — so they check. A database
without tfreview's schema, or with an older one, stops the start with one line (exit 2) naming the command that
fixes it; it used to start, answer every signed delivery 500 (GitHub never retries one) and report "unready"
only to whoever asked. A newer schema (a migration run ahead of a rolling deploy) starts with a warning; an
unreachable database starts too (503 and readiness say so, as before)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.live import fresh_postgres_database
from tests.integration.served import START_SECONDS, child_env
from tfreview.core.errors import ConfigError
from tfreview.store.migrate import head_revision, upgrade
from tfreview.store.setup import require_current_schema

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    with fresh_postgres_database(server, f"tfreview_schema_{uuid.uuid4().hex[:10]}") as url:
        yield url


def _stamp(url: str, revision: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute("UPDATE alembic_version SET version_num = %s", (revision,))


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_database_without_the_schema_stops_the_start_with_one_line(postgres_url: str, command: str) -> None:
    argv = [sys.executable, "-m", "tfreview", command] + (["--port", "0", "--no-worker"] if command == "serve" else [])
    result = subprocess.run(
        argv,
        env=child_env(TFREVIEW_DATABASE__URL=postgres_url),
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
        check=False,
    )

    assert result.returncode == 2, result.stderr
    assert "serving on" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if "tfreview db upgrade" in line]
    assert len(lines) == 1, result.stderr
    assert "has no tfreview schema" in lines[0]
    assert "Traceback" not in result.stderr


def test_an_older_schema_is_refused_the_head_and_a_newer_one_start(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    upgrade(postgres_url, "0005_plan_findings")
    with pytest.raises(ConfigError, match=r"schema is at revision 0005_plan_findings.*needs .*`tfreview db upgrade`"):
        require_current_schema(postgres_url, 5000)

    upgrade(postgres_url)
    require_current_schema(postgres_url, 5000)  # at the head: no error

    _stamp(postgres_url, "9999_from_a_newer_release")
    with caplog.at_level(logging.WARNING, logger="tfreview.store"):
        require_current_schema(postgres_url, 5000)
    assert f"newer than this version's ({head_revision()})" in caplog.text


def test_an_unreachable_database_does_not_stop_the_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"  # port 1: refused at once
    with caplog.at_level(logging.WARNING, logger="tfreview.store"):
        require_current_schema(url, 5000)
    assert "schema not checked" in caplog.text
