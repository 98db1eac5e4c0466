"""What the fake model providers share: a real HTTP server on 127.0.0.1, a script of answers, a record.

A fake listens on port 0 in a thread (stdlib `http.server`), records every request it receives
(method, path, query, headers, body — so canary tests can inspect exactly what left the process)
and answers each one from its script: the queued behaviours first, in order, then its default
(the provider's success answer, or an auth error when the key is not one of `valid_keys`).

Behaviours: `Reply` (a status, headers and body), `Hang` (read the request, never answer) and
`StallAfterHeaders` (send the status line and headers promising a body, then nothing). Hanging
handlers are released when the server stops, so `with fake:` always shuts down cleanly.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

DEFAULT_ADVICE = {
    "summary": "Adds one S3 bucket; nothing is deleted or replaced.",
    "risk": "low",
    "concerns": [],
}
DEFAULT_ADVICE_TEXT = json.dumps(DEFAULT_ADVICE)
SCHEMA_BREAKING_TEXT = json.dumps({"verdict": "approve", "note": "LGTM, ship it"})


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived: header names lower-cased, the body as bytes."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of_json(cls, status: int, document: Any, headers: Iterable[tuple[str, str]] = ()) -> Reply:
        return cls(status, json.dumps(document).encode(), (("Content-Type", "application/json"), *headers))


@dataclass(frozen=True)
class Hang:
    """Read the request, then never answer (until the server stops)."""


@dataclass(frozen=True)
class StallAfterHeaders:
    """Send the status line and headers promising `promised_bytes` of body, then stall."""

    status: int = 200
    promised_bytes: int = 2048


Behaviour = Reply | Hang | StallAfterHeaders


def malformed_json() -> Reply:
    return Reply(200, b'{"id": "x", "choices": [', (("Content-Type", "application/json"),))


def deeply_nested(status: int, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    """JSON nested deeper than any JSON reader goes (`[[[[…`, 100 000 deep, 100 kB): valid to the byte it stops at."""
    return Reply(status, b"[" * 100_000, (("Content-Type", "application/json"), *headers))


def not_json(status: int = 200) -> Reply:
    return Reply(status, b"<html><body>502 Bad Gateway</body></html>", (("Content-Type", "text/html"),))


class FakeLLMServer:
    """The server and its script; a provider's fake supplies `default` (routing, auth, success)."""

    def __init__(self) -> None:
        self.valid_keys: set[str] = set()  # empty: any key is accepted
        self._script: deque[Behaviour] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None  # bound in start(): a fake that is never started holds no socket
        self._thread: threading.Thread | None = None

    # --- the provider's part ---------------------------------------------------------------------

    def default(self, request: RecordedRequest) -> Behaviour:
        raise NotImplementedError

    def key_of(self, request: RecordedRequest) -> str | None:
        raise NotImplementedError

    # --- scripting and inspection ----------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("start the fake first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *behaviours: Behaviour) -> None:
        """Answer the next requests with these behaviours, in order; then the default again."""
        with self._lock:
            self._script.extend(behaviours)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._requests)

    def key_accepted(self, request: RecordedRequest) -> bool:
        return not self.valid_keys or self.key_of(request) in self.valid_keys

    # --- life cycle ------------------------------------------------------------------------------

    def start(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._stopping.set()  # releases hanging handlers
        self._server.shutdown()
        self._server.server_close()  # joins the handler threads
        self._thread.join()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- called by the handler -------------------------------------------------------------------

    def _next(self, request: RecordedRequest) -> Behaviour:
        with self._lock:
            self._requests.append(request)
            scripted = self._script.popleft() if self._script else None
        return scripted if scripted is not None else self.default(request)

    def _wait_until_stopped(self) -> None:
        self._stopping.wait()


class FakeModelServer(FakeLLMServer):
    """What the three model fakes share: the advice text they answer, the usage they report, and the
    answers built from `ok` (a reply that breaks the schema, a runaway one). A vendor's fake supplies `ok`
    and its own usage figures."""

    default_usage = (100, 10)  # (input, output) tokens the vendor's fake reports unless told otherwise
    oversized_bytes = 2_000_000

    def __init__(
        self,
        reply_text: str = DEFAULT_ADVICE_TEXT,
        *,
        input_tokens: object = None,  # any JSON value: a hostile answer's usage (-5, NaN, "120", true)
        output_tokens: object = None,
    ) -> None:
        super().__init__()
        self.reply_text = reply_text
        self.input_tokens: object = self.default_usage[0] if input_tokens is None else input_tokens
        self.output_tokens: object = self.default_usage[1] if output_tokens is None else output_tokens

    def ok(self, text: str) -> Reply:
        raise NotImplementedError

    def schema_breaking(self) -> Reply:
        return self.ok(SCHEMA_BREAKING_TEXT)

    def oversized(self, size: int | None = None) -> Reply:
        return self.ok("x" * (self.oversized_bytes if size is None else size))


def requested_model(request: RecordedRequest, default: str) -> str:
    """The `model` of the request's JSON body, or `default` when it names none."""
    try:
        model = request.json().get("model")
    except (ValueError, AttributeError):
        return default
    return model if isinstance(model, str) else default


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # joined on server_close: no thread outlives the fake
    block_on_close = True
    fake: FakeLLMServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout) and closed its socket is expected; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 15  # a socket that never sends its request does not keep the fake from stopping for long

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        behaviour = self.server.fake._next(request)
        with contextlib.suppress(ConnectionError):  # the client gave up first
            self._answer(behaviour)

    def _answer(self, behaviour: Behaviour) -> None:
        if isinstance(behaviour, Hang):
            self.server.fake._wait_until_stopped()
            return
        if isinstance(behaviour, StallAfterHeaders):
            self.send_response(behaviour.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(behaviour.promised_bytes))
            self.end_headers()
            self.wfile.write(b'{"id": "stalled", ')
            self.wfile.flush()
            self.server.fake._wait_until_stopped()
            return
        self.send_response(behaviour.status)
        for name, value in behaviour.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(behaviour.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(behaviour.body)
