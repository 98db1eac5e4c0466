"""D4 with real processes (ADR 0560, amended): a worker SIGKILLed while its model call hangs on a slow provider never
settles its reservation. Before, the tokens it reserved stayed counted until UTC midnight: a few crashes spent a
tenant's day. Now the reservation is a hold that expires at the call's deadline plus a margin; after that, another
review of the same tenant gets its AI call."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.llm_common import Hang
from tests.fakes.llm_openai import FakeOpenAI
from tfreview.core.token_holds import HOLD_MARGIN_SECONDS, decode_holds
from tfreview.ports.records import ReviewStatus
from tfreview.wiring import build_services

from .conftest import TENANT, database_settings, sqlite_url, upload
from .test_crash import wait_for

REVIEW_DEADLINE_SECONDS = 3.0


def _hold(database: Path) -> tuple[int, dict[str, tuple[int, float]]]:
    """(spent, {hold: (tokens, expires at)}) of the tenant's budget rows, today's."""
    connection = sqlite3.connect(database, timeout=10)
    try:
        row = connection.execute("SELECT spent, holds FROM ai_token_spend WHERE tenant_id = ?", (TENANT,)).fetchone()
    finally:
        connection.close()
    if row is None:
        return 0, {}
    return int(row[0]), {key: (h.tokens, h.expires_at) for key, h in decode_holds(row[1]).items()}


def _worker(env: dict[str, str], tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    log = tmp_path / f"{name}.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tfreview.worker.process"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    wait_for(lambda: b"reaper started" in log.read_bytes(), 60, f"{name} to start")
    return process


@pytest.mark.slow
def test_a_worker_killed_mid_call_holds_its_tokens_only_until_the_hold_expires(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    database = tmp_path / "data" / "tfreview.db"
    services = build_services(database_settings(url))
    key = tmp_path / "model.key"
    key.write_text("sk-hold-canary-51c2\n", encoding="utf-8")
    processes: list[subprocess.Popen[bytes]] = []
    with FakeOpenAI(input_tokens=300, output_tokens=40) as model:
        model.script(Hang())  # the first call: the provider never answers
        providers = [
            {"provider": "openai", "model": "gpt-4o-mini", "base_url": f"{model.url}/v1", "api_key": f"file:{key}"}
        ]
        env = {
            **os.environ,
            "TFREVIEW_DATABASE__URL": url,
            "TFREVIEW_WORKER__CONCURRENCY": "1",
            "TFREVIEW_WORKER__LEASE_SECONDS": "2",
            "TFREVIEW_WORKER__HEARTBEAT_SECONDS": "0.5",
            "TFREVIEW_WORKER__POLL_INTERVAL_SECONDS": "0.05",
            "TFREVIEW_WORKER__REAPER_INTERVAL_SECONDS": "0.5",
            "TFREVIEW_ADVISOR__NAME": "chain",
            "TFREVIEW_ADVISOR__PROVIDERS": json.dumps(providers),
            "TFREVIEW_ADVISOR__MAX_ATTEMPTS": "1",
            "TFREVIEW_ADVISOR__REVIEW_DEADLINE_SECONDS": str(REVIEW_DEADLINE_SECONDS),
            "TFREVIEW_ADVISOR__CALL_TIMEOUT_SECONDS": "600",  # bounded by the deadline anyway
            "TFREVIEW_ADVISOR__DAILY_TOKENS_PER_TENANT": "1000000",
        }
        try:
            first = _worker(env, tmp_path, "first")
            processes.append(first)
            killed_review, _ = upload(services)
            wait_for(lambda: model.request_count >= 1, 60, "the first worker's model call")
            first.send_signal(signal.SIGKILL)
            assert first.wait(10) == -signal.SIGKILL
            spent, holds = _hold(database)
            assert len(holds) == 1  # the killed call's reservation, never settled nor released
            ((held, expires_at),) = holds.values()
            assert spent == held
            assert expires_at <= time.time() + REVIEW_DEADLINE_SECONDS + HOLD_MARGIN_SECONDS
            # the day's budget has room for one call's reservation, not two: the killed hold blocks the next call
            env["TFREVIEW_ADVISOR__DAILY_TOKENS_PER_TENANT"] = str(held + held // 2)
            second = _worker(env, tmp_path, "second")
            processes.append(second)

            def status(review_id: str) -> ReviewStatus | None:
                review = services.reviews.get(review_id)
                return review.status if review is not None else None

            done = {ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI}
            wait_for(lambda: status(killed_review) in done, 60, "the killed review's retry")
            if time.time() < expires_at:  # its retry came before the hold expired: refused, the hold still counted
                assert status(killed_review) is ReviewStatus.COMPLETED_WITHOUT_AI
                assert model.request_count == 1
            wait_for(lambda: time.time() > expires_at + 0.5, 60, "the killed call's hold to expire")
            later_review, _ = upload(services)
            wait_for(lambda: status(later_review) in done, 60, "a later review of the same tenant")
            assert status(later_review) is ReviewStatus.COMPLETED  # with its AI call: the hold no longer counts
            assert model.request_count == 2
            spent, holds = _hold(database)
            assert spent == 340  # only what the answered call used: the expired hold swept, the new one settled
            second.send_signal(signal.SIGTERM)
            assert second.wait(15) == 0
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait(10)
            services.close()
    for log in tmp_path.glob("*.log"):
        assert "sk-hold-canary-51c2" not in log.read_text(errors="replace")
