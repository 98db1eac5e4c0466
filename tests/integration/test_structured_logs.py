"""A real `tfreview serve` with TFREVIEW_LOG_FORMAT=json: every stderr line is one JSON object with the
request id, untrusted text cannot forge a line, no secret reaches the log, and /metrics counts what it saw."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.integration.test_serve_process import START_SECONDS, tfreview_env
from tfreview.web.signatures import signature_header

WEBHOOK_SECRET = "gh-log-canary-secret-91c2"
METRICS_TOKEN = "metrics-log-canary-token-33af"


def test_json_logs_of_a_serve_process_are_one_object_per_line_without_secrets(tmp_path: Path) -> None:
    env = tfreview_env(
        TFREVIEW_LOG_FORMAT="json",
        TFREVIEW_LOG_LEVEL="INFO",
        TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": WEBHOOK_SECRET}]),
        TFREVIEW_METRICS__TOKEN=METRICS_TOKEN,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(tmp_path / "data")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, line
        url = line.split("serving on ", 1)[1].split()[0]
        with httpx.Client(base_url=url, timeout=30) as client:
            assert client.get("/healthz").status_code == 200
            forged = client.get("/nope%0A2026-01-01 INFO forged line%00%E2%80%A8x")
            assert forged.status_code == 404
            body = b'{"zen": "x", "hook_id": 1}'
            bad = {"X-GitHub-Event": "ping", "X-GitHub-Delivery": "d-1", "Content-Type": "application/json"}
            bad["X-Hub-Signature-256"] = signature_header(b"wrong", body)
            assert client.post("/webhooks/github", content=body, headers=bad).status_code == 401
            good = {**bad, "X-Hub-Signature-256": signature_header(WEBHOOK_SECRET.encode(), body)}
            assert client.post("/webhooks/github", content=body, headers=good).status_code == 200
            assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
            scraped = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
            assert scraped.status_code == 200
            assert 'tfreview_webhook_signature_failures_total{source="github"} 1.0' in scraped.text
            assert 'tfreview_build_info{role="serve",version=' in scraped.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=START_SECONDS)
    assert process.returncode == 0, stderr
    records = []
    for raw in stderr.splitlines():
        if raw == "tfreview: stopped":  # the CLI's own last word, not a log record
            continue
        assert raw.isascii(), raw
        record = json.loads(raw)  # every line is one whole JSON object: nothing forged a line
        assert {"ts", "level", "logger", "msg"} <= set(record), record
        records.append(record)
    requests = [r for r in records if r["logger"] == "tfreview.web.requests"]
    assert len(requests) >= 6
    assert all(r.get("request_id") and r["msg"].startswith(f"request_id={r['request_id']}") for r in requests)
    [nope] = [r for r in requests if "/nope" in r["msg"]]
    # the client's newline, NUL and line separator stay inside this one message, escaped (plumbing.log_lines)
    assert "/nope\\n2026-01-01 INFO forged line\\x00\\u2028x" in nope["msg"]
    assert not [r for r in records if r["msg"].startswith("2026-01-01 INFO forged line")]
    # the bad signature: one line, the request log's, with the reason (never the secret)
    [rejected] = [r for r in requests if "/webhooks/github" in r["msg"] and "status=401" in r["msg"]]
    assert "reason=authentication failed: the X-Hub-Signature-256 header" in rejected["msg"]
    assert not [r for r in records if r.get("request_id") == rejected["request_id"] and r is not rejected]
    assert WEBHOOK_SECRET not in stderr
    assert METRICS_TOKEN not in stderr
