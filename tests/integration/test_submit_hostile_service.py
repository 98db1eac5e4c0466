"""`tfreview submit` (the Spacelift after_plan hook) against a service that answers badly, as a real process.

An answer that never ends (an endless chunked body) held the hook for ever while its memory grew; a review
answered as something other than a JSON object ended in "internal error: JSONDecodeError/AttributeError".
Now: a bounded read (1 MiB, and the read timeout for the whole answer), then a precise line and exit 3.
An answer nested past the JSON reader's depth (`[[[[…` 100,000 deep, 100 kB) was a RecursionError: a traceback
and exit 3 wherever submit read an answer (the review, a refusal, an acceptance); it is an answer that is not JSON
(ADR 0661, 0680)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.integration.served import child_env

PLAN = {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": []}
TOKEN = "tfr_submit-canary-61c2"
ENDLESS_CHUNKS = 4096  # 256 MiB if read whole: far past the bound, finite so the handler thread ends
NESTED = b"[" * 100_000  # past the standard library reader's depth, well within the 1 MiB bound


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = ""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.mode == "endless":
            self.send_response(202)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"[" * 65536
            try:
                for _ in range(ENDLESS_CHUNKS):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass  # the client stopped reading: what it should do
            return
        echoed = self.headers.get("Authorization", "")
        if self.mode == "echo-refusal":  # a gateway that quotes the credential it refused
            self._send(401, json.dumps({"title": "Unauthorized", "detail": f"rejected {echoed}"}).encode())
            return
        if self.mode == "echo-down":  # retried, then given up on: its last answer is the message
            self._send(503, f"<html>upstream down for {echoed}</html>".encode())
            return
        if self.mode in ("nested-refusal", "nested-acceptance"):
            self._send(422 if self.mode == "nested-refusal" else 202, NESTED)
            return
        self._send(202, json.dumps({"review": "r-1", "status": "accepted"}).encode())

    def do_GET(self) -> None:
        echoed = self.headers.get("Authorization", "")
        if self.mode == "echo-wait-refusal":
            self._send(403, json.dumps({"title": "Forbidden", "detail": f"{echoed} may not read"}).encode())
            return
        if self.mode == "echo-wait-failed":
            self._send(200, json.dumps({"status": "failed", "status_reason": f"token {echoed[7:]}"}).encode())
            return
        bodies = {"list": b"[1, 2]", "nested": NESTED}
        self._send(200, bodies.get(self.mode, b"<html>maintenance</html>"))

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hostile(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("Handler", (_Hostile,), {"mode": request.param})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _submit(url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    env = child_env(TFREVIEW_URL=url, TFREVIEW_TOKEN=TOKEN)
    argv = [sys.executable, "-m", "tfreview", "submit", str(plan), "--repository", "octo/infra", *extra]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("hostile", ["endless"], indirect=True)
def test_an_answer_that_never_ends_is_cut_and_reported(hostile: str, tmp_path: Path) -> None:
    done = _submit(hostile, tmp_path)
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "the answer is longer than 1048576 bytes (gave up after 3 tries)" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert TOKEN not in done.stdout + done.stderr


@pytest.mark.parametrize("hostile", ["html", "list", "nested"], indirect=True)
def test_a_review_that_is_not_a_json_object_is_one_precise_line(hostile: str, tmp_path: Path) -> None:
    done = _submit(hostile, tmp_path, "--wait", "--timeout", "60")
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "answered 200 with something that is not a review (not a JSON object)" in done.stderr, done.stderr
    assert "internal error" not in done.stderr
    assert "Traceback" not in done.stderr
    assert TOKEN not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("hostile", "code", "said"),
    [
        ("nested-refusal", 2, "refused the plan: 422 Unprocessable Entity"),  # its status line, as for an HTML body
        ("nested-acceptance", 0, "plan accepted for review: (the service returned no review id)"),
    ],
    indirect=["hostile"],
)
def test_an_answer_to_the_upload_nested_past_the_readers_depth_is_read_as_no_json(
    hostile: str, code: int, said: str, tmp_path: Path
) -> None:
    done = _submit(hostile, tmp_path)
    assert done.returncode == code, (done.stdout, done.stderr)
    assert said in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert TOKEN not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("hostile", "code", "said"),
    [
        ("echo-refusal", 2, "refused the plan: 401 Unauthorized: Unauthorized — rejected Bearer (redacted)"),
        ("echo-down", 3, "answered 503 Service Unavailable: <html>upstream down for Bearer (redacted)</html>"),
        ("echo-wait-refusal", 2, "refused to show review r-1: 403 Forbidden: Forbidden — Bearer (redacted) may not"),
        ("echo-wait-failed", 3, "review r-1 failed: token (redacted)"),
    ],
    indirect=["hostile"],
)
def test_s2_an_answer_that_quotes_the_token_does_not_put_it_in_the_log(
    hostile: str, code: int, said: str, tmp_path: Path
) -> None:
    """review22b: a service (or a gateway in front of it) that quotes the credential it was sent in a refusal, an
    error page or a review's reason put the API token in the CI log (a Spacelift run's log is read by everyone who
    sees the stack): what submit prints of an answer has the token written `(redacted)`."""
    done = _submit(hostile, tmp_path, "--wait", "--timeout", "60")
    assert done.returncode == code, (done.stdout, done.stderr)
    assert said in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert TOKEN not in done.stdout + done.stderr
