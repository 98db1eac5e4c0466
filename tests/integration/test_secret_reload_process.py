"""Issue 11 K2 against real processes: SIGHUP makes `tfreview serve` and `tfreview worker` re-read their
secret references without a restart. A webhook secret is rotated in its versions document (new version
added, old one given a not_after in the past); after SIGHUP the new one signs, the old one is refused and
counted (expired-secret-used), and no secret value reaches the logs."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.integration.test_secret_references import _serve, _stop
from tests.integration.test_serve_process import tfreview_env
from tests.web import deliveries

OLD = "gh-reload-old-canary-2b7e"
NEW = "gh-reload-new-canary-c41f"
METRICS_TOKEN = "metrics-reload-canary-77aa"
WAIT_SECONDS = 30.0


def _ping(client: httpx.Client, secret: str) -> int:
    signed = deliveries.github("ping", deliveries.fixture_bytes("github.ping.payload.json"), secret=secret)
    return client.post("/webhooks/github", content=signed.body, headers=signed.headers).status_code


def _expired_uses(client: httpx.Client) -> float:
    text = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    for line in text.splitlines():
        if line.startswith('tfreview_webhook_expired_secret_used_total{source="github"}'):
            return float(line.split()[-1])
    return 0.0


def _rotate(versions: Path) -> None:
    retired = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    versions.write_text(json.dumps([{"value": NEW}, {"value": OLD, "not_after": retired}]), encoding="utf-8")


def test_sighup_reloads_the_webhook_secrets_of_serve(tmp_path: Path) -> None:
    versions = tmp_path / "github-webhook.json"
    versions.write_text(json.dumps([{"value": OLD}]), encoding="utf-8")
    env = tfreview_env(
        TFREVIEW_LOG_LEVEL="INFO",
        TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM=f"file:{versions}",
        TFREVIEW_METRICS__TOKEN=METRICS_TOKEN,
        TFREVIEW_SECRETS__RELOAD_SECONDS="0",  # SIGHUP only: the test decides when
    )
    process, url = _serve(tmp_path / "data", env)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            assert _ping(client, OLD) == 200
            assert _ping(client, NEW) == 401
            _rotate(versions)
            assert _ping(client, OLD) == 200  # nothing changes before the signal
            process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + WAIT_SECONDS
            while _ping(client, NEW) != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _ping(client, NEW) == 200
            before = _expired_uses(client)
            assert _ping(client, OLD) == 401
            assert _expired_uses(client) - before == 1
            assert process.poll() is None  # SIGHUP did not stop it
    finally:
        _stop(process)
    assert process.stderr is not None
    stderr = process.stderr.read() if not process.stderr.closed else ""
    for secret in (OLD, NEW, METRICS_TOKEN):
        assert secret not in stderr


def test_sighup_reloads_the_secrets_of_a_worker(tmp_path: Path) -> None:
    versions = tmp_path / "github-webhook.json"
    versions.write_text(json.dumps([{"value": OLD}]), encoding="utf-8")
    env = tfreview_env(
        TFREVIEW_LOG_LEVEL="INFO",
        TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM=f"file:{versions}",
        TFREVIEW_SECRETS__RELOAD_SECONDS="0",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tfreview", "worker", "--data-dir", str(tmp_path / "data")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    assert process.stderr is not None
    stream = process.stderr
    reader = threading.Thread(target=lambda: lines.extend(iter(stream.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not any("reaper started" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any("reaper started" in line for line in lines), lines
        _rotate(versions)
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + WAIT_SECONDS
        while not any("secrets reloaded" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any("secrets reloaded" in line for line in lines), lines
        versions.write_text("not json " + NEW, encoding="utf-8")
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + WAIT_SECONDS
        while not any("secret reload failed" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        failed = [line for line in lines if "secret reload failed" in line]
        assert len(failed) == 1, lines
        assert "TFREVIEW_GITHUB: " in failed[0]
        assert "webhook_secrets_from: not a JSON list of secret versions" in failed[0]
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(WAIT_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        reader.join(5)
        process.stderr.close()
    assert process.returncode == 0
    assert not any(secret in "".join(lines) for secret in (OLD, NEW))
