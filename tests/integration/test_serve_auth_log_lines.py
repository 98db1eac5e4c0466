"""A refused credential or webhook signature is one cause, so one log line: the request log's, which names the
reason (never the credential or the secret). A real `tfreview serve` with JSON logs; its stderr is read whole
after SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.integration.test_serve_process import START_SECONDS, tfreview_env

BOGUS_TOKEN = "tfr_log-canary-0c9e51"  # an API token's shape, never issued
METRICS_TOKEN = "metrics-canary-7d1f"
WEBHOOK_SECRET = "whsec-canary-5b2e"
HOOK = {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + "0" * 64}


def test_each_401_writes_one_line_that_says_why(tmp_path: Path) -> None:
    env = tfreview_env(
        TFREVIEW_LOG_FORMAT="json",
        TFREVIEW_LOG_LEVEL="INFO",
        TFREVIEW_METRICS__TOKEN=METRICS_TOKEN,
        TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": WEBHOOK_SECRET}]),
        TFREVIEW_SPACELIFT__WEBHOOK_SECRETS=json.dumps([{"value": WEBHOOK_SECRET}]),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(tmp_path / "data")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sent: dict[str, str] = {}  # request id → the reason its line must give
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, line
        url = line.split("serving on ", 1)[1].split()[0]
        with httpx.Client(base_url=url, timeout=30) as client:
            cases = (
                ("/api/v1/reviews", {}, "missing Authorization header"),
                ("/api/v1/reviews", {"Authorization": f"Bearer {BOGUS_TOKEN}"}, "invalid, expired or revoked"),
                ("/api/v1/reviews", {"Authorization": "Basic dXNlcjpwYXNz"}, "must use the Bearer scheme"),
                ("/metrics", {"Authorization": "Bearer wrong"}, "needs the bearer token of metrics.token"),
            )
            hooks = (
                ("/webhooks/github", {**HOOK, "X-GitHub-Event": "ping", "X-GitHub-Delivery": "d-1"}, "X-Hub-Signature"),
                ("/webhooks/spacelift", {"Content-Type": "application/json"}, "X-Signature-256 header is missing"),
            )
            for number, (path, headers, reason) in enumerate((*cases, *hooks)):
                request_id = f"auth-line-{number:04d}"
                if path.startswith("/webhooks/"):
                    answer = client.post(path, content=b"{}", headers={**headers, "X-Request-Id": request_id})
                else:
                    answer = client.get(path, headers={**headers, "X-Request-Id": request_id})
                assert answer.status_code == 401, (path, answer.text)
                assert answer.headers["x-request-id"] == request_id
                sent[request_id] = reason
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=START_SECONDS)
    assert process.returncode == 0, stderr
    records = [json.loads(raw) for raw in stderr.splitlines() if raw.startswith("{")]
    for request_id, reason in sent.items():
        about = [r for r in records if request_id in json.dumps(r)]
        assert len(about) == 1, about  # the request log's line only: nothing from the identity layer on top
        [one] = about
        assert one["logger"] == "tfreview.web.requests"
        assert "status=401" in one["msg"], one
        assert "reason=authentication failed: " in one["msg"], one
        assert reason in one["msg"], one
    assert not [r for r in records if r["logger"] == "tfreview.identity"]
    assert WEBHOOK_SECRET not in stderr
    assert BOGUS_TOKEN not in stderr
    assert METRICS_TOKEN not in stderr


def test_a_spacelift_secret_of_another_account_writes_one_403_line(tmp_path: Path) -> None:
    """A valid signature made with a secret bound to another account (ADR 0121): 403, and the request log's one
    line says why — the route added a second, warning line of its own until session 11."""
    from tests.web import deliveries

    secret = "sl-other-account-canary-3a9d"
    env = tfreview_env(
        TFREVIEW_LOG_FORMAT="json",
        TFREVIEW_LOG_LEVEL="INFO",
        TFREVIEW_SPACELIFT__WEBHOOK_SECRETS=json.dumps([{"value": secret, "account": "acme"}]),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--no-worker", "--data-dir", str(tmp_path / "d")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    request_id = "spacelift-403-line-0001"
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, line
        url = line.split("serving on ", 1)[1].split()[0]
        payload = deliveries.run_state("FINISHED", 4, run_id="01HRUNGLOBEX00000000000403")
        payload["account"] = "globex"
        signed = deliveries.spacelift(payload, secret=secret)
        with httpx.Client(base_url=url, timeout=30) as client:
            answer = client.post(
                "/webhooks/spacelift", content=signed.body, headers={**signed.headers, "X-Request-Id": request_id}
            )
        assert answer.status_code == 403, answer.text
        assert "does not serve account globex" in answer.json()["detail"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=START_SECONDS)
    assert process.returncode == 0, stderr
    records = [json.loads(raw) for raw in stderr.splitlines() if raw.startswith("{")]
    about = [r for r in records if request_id in json.dumps(r)]
    assert len(about) == 1, about
    [one] = about
    assert one["logger"] == "tfreview.web.requests"
    assert "status=403" in one["msg"], one
    assert "reason=forbidden: " in one["msg"], one
    assert "does not serve account globex" in one["msg"], one
    assert secret not in stderr
