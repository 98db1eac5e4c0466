"""A review that fails for good is shown where people look (ADR 0380): real `tfreview serve` and worker processes
against the fake GitHub. A job that dies — a permanent error in the worker, or a worker SIGKILLed on its last
attempt and dead-lettered by the reaper — leaves the pull request ONE comment saying the review failed, why, its
id and how to retry, and ONE completed `neutral` check run of the head (`failure` when the deployment fails closed,
`TFREVIEW_GITHUB__FAILED_REVIEW_CONCLUSION`, ADR 0406); no secret of the deployment in either."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.chaos.conftest import REPO, delivery_request, open_pulls, stack_env, start_worker, stop_all
from tests.chaos.flows import SETTLE_SECONDS
from tests.chaos.test_worker_repair import _reaper
from tests.fakes.github import FakeGitHub
from tests.integration.live import fresh_postgres_database
from tests.integration.served import GITHUB_SECRET, raw_request, serving, status_of
from tfreview.store.migrate import upgrade

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"

TITLE = "tfreview could not review this change"


def _wait(what: str, check: Callable[[], bool], bound: float = SETTLE_SECONDS) -> None:
    deadline = time.monotonic() + bound
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {bound:.0f} s"
        time.sleep(0.05)


_ENGINES: dict[str, Engine] = {}  # one pool per database while a test runs: the waits below look 20 times a second


@pytest.fixture(autouse=True)
def _engines() -> Iterator[None]:
    yield
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def _rows(url: str, query: str) -> list[Any]:
    """A look at the stack's database through a pooled connection (an engine and a connection per look cost the
    processes under test their CPU on a loaded machine)."""
    engine = _ENGINES.get(url) or _ENGINES.setdefault(url, create_engine(url))
    with engine.connect() as connection:
        return list(connection.execute(text(query)).all())


def _review(url: str) -> tuple[str, str, str | None]:
    [row] = _rows(url, "SELECT id, status, status_reason FROM reviews")
    return str(row[0]), str(row[1]), row[2]


def _jobs(url: str) -> list[tuple[int, str, str, dict[str, Any]]]:
    rows = _rows(url, "SELECT id, kind, state, payload FROM jobs ORDER BY id")
    return [(int(r[0]), str(r[1]), str(r[2]), json.loads(r[3])) for r in rows]


def _review_running(url: str) -> bool:
    return any(kind == "review" and state == "running" for _, kind, state, _ in _jobs(url))


def _notice_done(database: Path) -> bool:
    return any(
        kind == "publish" and "failed_job" in p and state == "succeeded" for _, kind, state, p in _jobs(database)
    )


def _secrets(env: dict[str, str], github: FakeGitHub) -> list[str]:
    marker_file = Path(env["TFREVIEW_GITHUB_APP__MARKER_SECRET"].removeprefix("file:"))
    key_body = github.app_private_key_pem().splitlines()[1]
    return [marker_file.read_text(encoding="utf-8"), GITHUB_SECRET, key_body]


def _assert_one_notice(
    github: FakeGitHub,
    number: int,
    sha: str,
    review_id: str,
    why: str,
    secrets: list[str],
    conclusion: str = "neutral",
) -> None:
    comments = github.comments(REPO, number)
    assert len(comments) == 1, comments
    body = comments[0]["body"]
    for expected in (TITLE, why, review_id, f"/api/v1/reviews/{review_id}/retry", "Redeliver"):
        assert expected in body, body
    assert "Traceback" not in body
    runs = github.check_runs(REPO, sha)
    assert len(runs) == 1, runs
    run = runs[0]
    assert (run["status"], run["conclusion"]) == ("completed", conclusion), run
    summary = json.dumps(run)
    assert TITLE in summary, run
    assert review_id in summary, run
    for secret in secrets:
        assert secret not in body
        assert secret not in summary


@pytest.mark.chaos
@pytest.mark.parametrize("conclusion", ["neutral", "failure"])
def test_a_permanent_failure_is_shown_on_the_pull_request(tmp_path: Path, conclusion: str) -> None:
    data = tmp_path / "data"
    database = f"sqlite:///{data / 'tfreview.db'}"
    with FakeGitHub() as github:
        [(number, sha)] = open_pulls(github, 1)
        fail_closed = {"TFREVIEW_GITHUB__FAILED_REVIEW_CONCLUSION": conclusion} if conclusion != "neutral" else {}
        env = stack_env(github, tmp_path, TFREVIEW_DATABASE__URL=database, **fail_closed)
        # the review cannot list the PR's files (404: permanent): its job dies at once; the PR itself is readable
        github.fail_next(404, times=1000, method="GET", path_contains="/files")
        with serving(data, env=env) as served:
            answer = status_of(raw_request(served.port, delivery_request(github, number, str(uuid.uuid4()))))
            assert answer in (200, 202), answer
            _wait("the failure notice published", lambda: _notice_done(database))
            review_id, status, reason = _review(database)
            assert status == "failed", reason
            assert len(github.requests_to("POST", r"/issues/\d+/comments$")) == 1
            secrets = _secrets(env, github)
            _assert_one_notice(github, number, sha, review_id, "files: 404", secrets, conclusion)
            log = served.log_path.read_text(encoding="utf-8")
            assert "failure notice published" in log


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database URL of the stack: SQLite, or a fresh PostgreSQL database (migrated) when a server is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'tfreview.db'}"
        return
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server")
    with fresh_postgres_database(server, f"tfreview_deadjob_{uuid.uuid4().hex[:10]}") as url:
        upgrade(url)
        yield url


@pytest.mark.chaos
def test_a_job_killed_on_its_last_attempt_is_dead_lettered_by_the_reaper_and_shown(
    tmp_path: Path, database: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with FakeGitHub() as github:
        [(number, sha)] = open_pulls(github, 1)
        env = stack_env(
            github,
            tmp_path,
            TFREVIEW_DATABASE__URL=database,
            TFREVIEW_WORKER__MAX_ATTEMPTS="1",
            TFREVIEW_WORKER__LEASE_SECONDS="2",
        )
        workers: list[subprocess.Popen[bytes]] = []
        try:
            with serving(data, "--no-worker", env=env) as served:
                github.slow(SETTLE_SECONDS, path_contains=f"/repos/{REPO}/")  # the review's fetch hangs
                answer = status_of(raw_request(served.port, delivery_request(github, number, str(uuid.uuid4()))))
                assert answer in (200, 202), answer
                victim = start_worker(env, tmp_path / "workers.log", "tfreview.worker.process")
                workers.append(victim)
                _wait("the review job running", lambda: _review_running(database))
                victim.kill()  # SIGKILL on its one and only attempt
                victim.wait(30)
                reaper_log = tmp_path / "reaper.log"
                workers.append(_reaper(env, reaper_log))
                _wait("the review failed by the reaper", lambda: _review(database)[1] == "failed")
                review_id, _, reason = _review(database)
                assert reason is not None
                assert "lease expired" in reason, reason
                github.heal()
                workers.append(start_worker(env, tmp_path / "workers.log", "tfreview.worker.process"))
                _wait("the failure notice published", lambda: _notice_done(database))
                _assert_one_notice(github, number, sha, review_id, "lease expired", _secrets(env, github))
                [(job_id, _, _, _)] = [j for j in _jobs(database) if j[1] == "review"]
                lines = reaper_log.read_text(encoding="utf-8").splitlines()
                dead = [line for line in lines if f"job {job_id} (review) is dead" in line]
                assert len(dead) == 1, lines
                assert review_id in dead[0], lines  # its level (ERROR): tests/worker/test_dead_job_notice.py
                assert not any("re-queued" in line and f"job {job_id} " in line for line in lines), lines
        finally:
            stop_all(workers)
