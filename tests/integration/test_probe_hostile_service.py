"""`tfreview probe URL` as a real process against a service whose /readyz answers badly (ADR 0661, 0680).

/readyz answering JSON nested past the standard library reader's depth (`[[[[…` 100,000 deep) was a RecursionError
out of the probe: a traceback and exit 3, which for `probe` means "down" — a monitor paged for a service that
answered. The checks of such an answer are unreadable, as they are for an HTML page: the status decides."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.integration.served import child_env

NESTED = b"[" * 100_000


class _Service(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    ready_status = 200
    ready_body = b""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send(200, b'{"status": "ok"}')
        else:
            self._send(self.ready_status, self.ready_body)

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def service(request: pytest.FixtureRequest) -> Iterator[str]:
    status, body = request.param
    handler = type("Handler", (_Service,), {"ready_status": status, "ready_body": body})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _probe(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "tfreview", "probe", url, "--timeout", "30", *extra]
    return subprocess.run(argv, env=child_env(), capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    ("service", "code", "line"),
    [
        ((200, NESTED), 0, "tfreview probe: ok: alive and ready"),
        ((503, NESTED), 1, "tfreview probe: degraded: /readyz answered 503: "),
        ((200, b"<html>ready</html>"), 0, "tfreview probe: ok: alive and ready"),
    ],
    indirect=["service"],
    ids=["nested-200", "nested-503", "html-200"],
)
def test_a_readyz_answer_that_is_not_json_is_judged_by_its_status(service: str, code: int, line: str) -> None:
    done = _probe(service)
    assert done.returncode == code, (done.stdout, done.stderr)
    assert (done.stdout + done.stderr).strip() == line.strip()
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("service", [(503, NESTED)], indirect=True)
def test_the_json_output_of_a_nested_readyz_answer_has_no_checks(service: str) -> None:
    done = _probe(service, "-o", "json")
    assert done.returncode == 1, (done.stdout, done.stderr)
    document = json.loads(done.stdout)
    assert (document["status"], document["healthz"], document["readyz"], document["checks"]) == (
        "degraded",
        200,
        503,
        {},
    )
