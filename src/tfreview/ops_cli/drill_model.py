"""The model provider of the `provider-down` rehearsal: an OpenAI-compatible endpoint on loopback, run by the
drill, that the drill's embedded service is configured to use as its only model — and that the drill
takes down (HTTP 500 to every call) and brings back.

Up, it answers a chat completion with a short review in JSON; the drill's recovery sends no review, so
the service's answer parsing is never what the rehearsal measures.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

MODEL = "drill-model"
KEY_VARIABLE = "TFREVIEW_DRILL_MODEL_KEY"  # the embedded service reads the (random) key from this variable

_ADVICE = {"summary": "tfreview drill: the model answers again.", "risk": "low", "concerns": []}


class DrillModel:
    def __init__(self) -> None:
        self.down = False
        self.calls = 0
        self.key = secrets.token_urlsafe(24)
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                model.calls += 1
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if model.down:
                    self._answer(500, {"error": {"message": "tfreview drill: provider down", "type": "server_error"}})
                    return
                content = json.dumps(_ADVICE)
                self._answer(
                    200,
                    {
                        "id": "drill",
                        "object": "chat.completion",
                        "model": MODEL,
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    },
                )

            def _answer(self, status: int, document: object) -> None:
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="drill-model", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def environment(self) -> dict[str, str]:
        """The embedded service's settings: this endpoint as its only model, one attempt, no own breaker."""
        provider = {"provider": "openai", "model": MODEL, "base_url": self.url, "api_key": f"env:{KEY_VARIABLE}"}
        return {
            KEY_VARIABLE: self.key,
            "TFREVIEW_ADVISOR__NAME": "openai",
            "TFREVIEW_ADVISOR__PROVIDERS": json.dumps([provider]),
            "TFREVIEW_ADVISOR__MAX_ATTEMPTS": "1",
            "TFREVIEW_ADVISOR__CALL_TIMEOUT_SECONDS": "5",
            "TFREVIEW_ADVISOR__BREAKER_FAILURES": "1000",  # the incident's action opens the breakers, not the chain
            "TFREVIEW_ADVISOR__RERUN_DELAY_SECONDS": "3600",
            "TFREVIEW_WORKER__POLL_INTERVAL_SECONDS": "0.2",
        }

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)
