"""SIGTERM while a client is still sending a webhook's body: `serve` waits its graceful shutdown, then cancels the
request. The cancelled body read logged an ERROR with a traceback ("Exception in ASGI application … CancelledError:
Task cancelled, timeout graceful shutdown exceeded") on every stop that met a slow sender. It is now answered 503
with Retry-After (the delivery is sent again to the next process; nothing was stored) in one log line, and the
process exits 0. A real `tfreview serve`, raw bytes over a loopback socket."""

from __future__ import annotations

import contextlib
import signal
import socket
import uuid

from tests.integration.served import START_SECONDS, child_env, raw_request, serving, status_of

HEAD = (
    "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    f"X-GitHub-Event: ping\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\n"
    "X-Hub-Signature-256: sha256=" + "0" * 64 + "\r\nContent-Length: 1000\r\n\r\n"
).encode()


HEALTH = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def test_sigterm_during_a_body_is_503_in_one_line_and_exit_0(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = child_env(TFREVIEW_LOG_LEVEL="INFO")
    with serving(tmp_path / "data", "--no-worker", env=env) as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=START_SECONDS) as conn:
            conn.sendall(HEAD + b"{")  # the rest of the body never comes
            # the server reads sockets in the order their bytes arrive: once a later request is answered, this
            # one's head has been read and its route is waiting for the body
            assert status_of(raw_request(served.port, HEALTH)) == 200
            served.process.send_signal(signal.SIGTERM)
            answer = b""
            with contextlib.suppress(OSError):
                while piece := conn.recv(65536):
                    answer += piece
        assert served.process.wait(START_SECONDS) == 0
        log = served.log()
    assert "Traceback" not in log, log[-3000:]
    assert "Exception in ASGI application" not in log
    assert status_of(answer) == 503, answer[:300]
    assert b"retry-after: 5" in answer.lower()
