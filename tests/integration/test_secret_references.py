"""Issue 9 item 2, against `tfreview serve` as a real process: webhook secrets written as references
(`env:NAME`, `file:PATH`) are resolved — a delivery signed with the reference's own text is refused — and a
secret reference that does not resolve stops the start with one line (exit 2), naming the setting, not a value."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.integration.test_serve_process import START_SECONDS, tfreview, tfreview_env
from tests.web import deliveries

GITHUB_CANARY = "gh-hook-canary-7c1f0e55"
SPACELIFT_CANARY = "sl-hook-canary-93b2aa10"


def _serve(data_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--no-worker", "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "serving on http://127.0.0.1:" in line, (line, process.stderr.read() if process.stderr else "")
    return process, line.split("serving on ", 1)[1].split()[0]


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(START_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_webhook_secret_references_are_resolved_not_taken_literally(tmp_path: Path) -> None:
    secret_file = tmp_path / "spacelift-hook-secret"
    secret_file.write_text(SPACELIFT_CANARY + "\n")
    env = tfreview_env(
        TFREVIEW_LOG_LEVEL="WARNING",
        TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": "env:GH_HOOK_SECRET"}]),
        TFREVIEW_SPACELIFT__WEBHOOK_SECRETS=json.dumps([{"value": f"file:{secret_file}"}]),
        GH_HOOK_SECRET=GITHUB_CANARY,
    )
    process, url = _serve(tmp_path / "data", env)
    try:
        ping = deliveries.fixture_bytes("github.ping.payload.json")
        with httpx.Client(base_url=url, timeout=30) as client:
            literal = deliveries.github("ping", ping, secret="env:GH_HOOK_SECRET")
            resolved = deliveries.github("ping", ping, secret=GITHUB_CANARY)
            assert client.post("/webhooks/github", content=literal.body, headers=literal.headers).status_code == 401
            answer = client.post("/webhooks/github", content=resolved.body, headers=resolved.headers)
            assert answer.status_code == 200, answer.text

            run = deliveries.run_state("FINISHED", 4, timestamp=int(time.time()))
            forged = deliveries.spacelift(run, secret=f"file:{secret_file}")
            signed = deliveries.spacelift(run, secret=SPACELIFT_CANARY)
            assert client.post("/webhooks/spacelift", content=forged.body, headers=forged.headers).status_code == 401
            answer = client.post("/webhooks/spacelift", content=signed.body, headers=signed.headers)
            assert answer.status_code in (200, 202), answer.text
    finally:
        _stop(process)


def test_an_unresolvable_webhook_secret_reference_refuses_to_start(tmp_path: Path) -> None:
    env = tfreview_env(TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": "env:GH_HOOK_SECRET_MISSING"}]))
    result = tfreview("serve", "--port", "0", "--data-dir", str(tmp_path / "data"), env=env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "TFREVIEW_GITHUB__WEBHOOK_SECRETS" in lines[0]
    assert "GH_HOOK_SECRET_MISSING" in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing was created: no half state


def test_an_unresolvable_integration_secret_refuses_to_start_and_never_shows_a_value(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-secret-file"
    env = tfreview_env(
        TFREVIEW_SPACELIFT_API__ACCOUNT="acme",
        TFREVIEW_SPACELIFT_API__API_KEY_ID="01KEYID",
        TFREVIEW_SPACELIFT_API__API_KEY_SECRET=f"file:{missing}",
        TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": GITHUB_CANARY}]),
    )
    result = tfreview("worker", "--data-dir", str(tmp_path / "data"), env=env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "TFREVIEW_SPACELIFT_API__API_KEY_SECRET" in result.stderr
    assert GITHUB_CANARY not in result.stderr + result.stdout
