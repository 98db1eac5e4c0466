"""A NUL character in a review-list filter is a precise 422 on every backend.

PostgreSQL's text cannot hold NUL, and its driver raised on `/api/v1/reviews?repository=%00` (also `stack_id`,
`finding`): a 500 with a traceback in the log, where SQLite answered an empty page. A real `tfreview serve` on
SQLite and, when TFREVIEW_TEST_POSTGRES_URL is set, on a fresh PostgreSQL database; raw HTTP on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import POSTGRES_ENV
from tests.integration.door_requests import request
from tests.integration.live import fresh_postgres_database
from tests.integration.served import START_SECONDS, child_env, serving

FILTERS = ("repository", "stack_id", "finding")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {}
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    with fresh_postgres_database(admin_url, f"tfreview_nul_{uuid.uuid4().hex[:12]}") as url:
        yield {"TFREVIEW_DATABASE__URL": url}


def test_a_nul_in_a_review_filter_is_a_422_naming_it(tmp_path: Path, database_env: dict[str, str]) -> None:
    env = child_env(**database_env)
    data = tmp_path / "data"
    if database_env:
        argv = [sys.executable, "-m", "tfreview", "db", "upgrade"]
        upgraded = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert upgraded.returncode == 0, upgraded.stderr
    token = _token(env, data)
    auth = {"Authorization": f"Bearer {token}"}
    with serving(data, env=env) as served:
        refused = {name: request(served.port, "GET", f"/api/v1/reviews?{name}=a%00b", headers=auth) for name in FILTERS}
        plain = {name: request(served.port, "GET", f"/api/v1/reviews?{name}=ab", headers=auth) for name in FILTERS}
        log = served.log()
    for name in FILTERS:
        assert refused[name].status == 422, refused[name].json()
        assert refused[name].json()["detail"] == f"{name}: a NUL character (%00) is not allowed in a filter"
        assert plain[name].status == 200, plain[name].json()
    assert "Traceback" not in log
    assert "DataError" not in log


def _token(env: dict[str, str], data: Path) -> str:
    argv = [sys.executable, "-m", "tfreview", "tokens", "create", "--tenant", "github:7", "--scope", "write"]
    created = subprocess.run(
        [*argv, "--name", "nul-filter", "--data-dir", str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
        check=True,
    )
    return created.stdout.strip()
