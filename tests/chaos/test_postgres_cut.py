"""Chaos: PostgreSQL cut and restored through the in-suite fault proxy (tests/chaos/fault_proxy.py), while
deliveries arrive. `tfreview serve` (embedded workers) reaches its database only through the proxy; the
scenario resets every connection and refuses new ones for a while, restores, then black-holes the link
(stall) for a while and restores again. GitHub redelivers what was not acknowledged (the same id); the ledger,
read from the database directly, must show 0 acked-but-lost, 0 duplicated, 0 stuck."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.chaos.conftest import REPO, open_pulls, stack_env
from tests.chaos.fault_proxy import FaultProxy
from tests.chaos.flows import SETTLE_SECONDS, deliver_all, settle_with
from tests.chaos.ledger import Ledger
from tests.cli_in_process import tfreview_in_process
from tests.fakes.github import FakeGitHub
from tests.integration.live import fresh_postgres_database
from tests.integration.served import serving

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
PULLS = 24
CUT_SECONDS = 4.0
STALL_SECONDS = 3.0


def _via(url: str, port: int) -> str:
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    password = f"{parts.username}:{parts.password}@" if parts.password else user
    return urlunsplit(parts._replace(scheme="postgresql", netloc=f"{password}127.0.0.1:{port}"))


def _wait_for(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + SETTLE_SECONDS
    while not check():
        assert time.monotonic() < deadline, "the deliveries did not progress"
        time.sleep(0.05)


def _progress_after(ledger: Ledger, seen: int) -> Callable[[], bool]:
    return lambda: len(ledger.acked) > seen or len(ledger.acked) >= PULLS


@pytest.mark.chaos
@pytest.mark.slow
def test_postgres_cut_and_restored_loses_nothing(tmp_path: Path) -> None:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to cut")
    ledger = Ledger()
    name = f"tfreview_chaos_{uuid.uuid4().hex[:10]}"
    with (
        fresh_postgres_database(server, name) as url,
        FaultProxy(urlsplit(url).port or 5432) as proxy,
        FakeGitHub() as github,
    ):
        direct = url.replace("postgresql+psycopg://", "postgresql://", 1)
        pulls = open_pulls(github, PULLS)
        env = stack_env(github, tmp_path, TFREVIEW_DATABASE__URL=_via(direct, proxy.port))
        # scaled mode: the operator migrates, `serve` does not — the same CLI in this process (ADR 0669)
        upgraded = tfreview_in_process("db", "upgrade", env=env)
        assert upgraded.returncode == 0, upgraded.stderr
        with serving(tmp_path / "data", env=env) as served:
            delivering = threading.Thread(
                target=deliver_all, args=(github, served.port, pulls, ledger), kwargs={"attempts": 400}
            )
            delivering.start()
            _wait_for(lambda: len(ledger.acked) >= PULLS // 4)
            figures: list[str] = []
            for fault, seconds in (("cut", CUT_SECONDS), ("stall", STALL_SECONDS)):
                before = len(ledger.acked)
                getattr(proxy, fault)()
                time.sleep(seconds)
                during = len(ledger.acked) - before
                proxy.restore()
                restored = time.monotonic()
                _wait_for(_progress_after(ledger, len(ledger.acked)))
                figures.append(
                    f"{fault} {seconds:.0f} s: {during} acked meanwhile,"
                    f" next ack {time.monotonic() - restored:.2f} s after restore"
                )
            delivering.join(SETTLE_SECONDS)
            settle_with(ledger, lambda: ledger.settle_postgres(direct, github, REPO))
            log = served.log()
        ledger.settle_postgres(direct, github, REPO)
    print(f"chaos postgres-cut: {'; '.join(figures)}; proxy connections accepted {proxy.accepted}")
    assert len(ledger.acked) == PULLS
    ledger.assert_nothing_lost("postgres-cut")
    assert "Traceback" not in log, log[-3000:]
