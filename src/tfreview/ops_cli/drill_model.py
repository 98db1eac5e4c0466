"""The model provider of the `provider-down` rehearsal: an OpenAI-compatible endpoint on loopback, run by the
drill, that the drill's embedded service is configured to use as its only model — and that the drill
takes down (HTTP 500 to every call) and brings back.

Up, it answers a chat completion with a short review in JSON; the drill's recovery sends no review, so
the service's answer parsing is never what the rehearsal measures.
"""

from __future__ import annotations

import json
import secrets

from tfreview.ops_cli.drill_endpoint import LoopbackEndpoint

MODEL = "drill-model"
KEY_VARIABLE = "TFREVIEW_DRILL_MODEL_KEY"  # the embedded service reads the (random) key from this variable

_ADVICE = {"summary": "tfreview drill: the model answers again.", "risk": "low", "concerns": []}
_DOWN = {"error": {"message": "tfreview drill: provider down", "type": "server_error"}}


class DrillModel(LoopbackEndpoint):
    def __init__(self) -> None:
        super().__init__("drill-model")
        self.down = False
        self.calls = 0
        self.key = secrets.token_urlsafe(24)

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if method != "POST":
            return 405, b'{"error": {"message": "method not allowed"}}'
        self.calls += 1
        if self.down:
            return 500, json.dumps(_DOWN).encode()
        completion = {
            "id": "drill",
            "object": "chat.completion",
            "model": MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": json.dumps(_ADVICE)}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        return 200, json.dumps(completion).encode()

    @property
    def url(self) -> str:
        return f"{self.base_url}/v1"

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
