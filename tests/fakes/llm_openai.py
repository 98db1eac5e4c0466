"""A fake OpenAI-compatible chat-completions server (OpenAI, Azure OpenAI deployments, vLLM, Ollama).

`POST …/chat/completions` answers a `chat.completion` object with usage; the key is read from
`Authorization: Bearer` or Azure's `api-key`. Error bodies are OpenAI's: `{"error": {"message",
"type", "param", "code"}}`. The class methods build scripted failures.
"""

from __future__ import annotations

import json
import time

from tests.fakes.llm_common import (
    Behaviour,
    FakeModelServer,
    RecordedRequest,
    Reply,
    requested_model,
)


class FakeOpenAI(FakeModelServer):
    default_usage = (812, 64)

    def key_of(self, request: RecordedRequest) -> str | None:
        bearer = request.headers.get("authorization", "")
        return bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else request.headers.get("api-key")

    def default(self, request: RecordedRequest) -> Behaviour:
        if request.method != "POST" or not request.path.endswith("/chat/completions"):
            return self.error(404, "Unknown request URL", "invalid_request_error", "unknown_url")
        if not self.key_accepted(request):
            return self.unauthorized()
        return self.ok(self.reply_text, model=requested_model(request, "gpt-4o-mini"))

    # --- answers ---------------------------------------------------------------------------------

    def ok(self, text: str, *, model: str = "gpt-4o-mini-2024-07-18") -> Reply:
        return Reply.of_json(
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {
                    "prompt_tokens": self.input_tokens,
                    "completion_tokens": self.output_tokens,
                    "total_tokens": _total(self.input_tokens, self.output_tokens),
                },
            },
        )

    @staticmethod
    def error(
        status: int, message: str, type_: str, code: str | None, headers: tuple[tuple[str, str], ...] = ()
    ) -> Reply:
        return Reply.of_json(
            status, {"error": {"message": message, "type": type_, "param": None, "code": code}}, headers
        )

    @classmethod
    def rate_limited(cls, retry_after: str = "7") -> Reply:
        return cls.error(
            429,
            "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.",
            "requests",
            "rate_limit_exceeded",
            (("Retry-After", retry_after),),
        )

    @classmethod
    def rate_limited_by_headers(
        cls, *, requests: tuple[int, str] = (1, "0s"), tokens: tuple[int, str] = (40_000, "0s")
    ) -> Reply:
        """A 429 as api.openai.com can send it: no Retry-After, the wait in `x-ratelimit-reset-*` (Go durations, `6m0s`)
        beside what is left of each limit (remaining, reset)."""
        return cls.error(
            429,
            "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.",
            "requests",
            "rate_limit_exceeded",
            (
                ("x-ratelimit-limit-requests", "3"),
                ("x-ratelimit-remaining-requests", str(requests[0])),
                ("x-ratelimit-reset-requests", requests[1]),
                ("x-ratelimit-limit-tokens", "40000"),
                ("x-ratelimit-remaining-tokens", str(tokens[0])),
                ("x-ratelimit-reset-tokens", tokens[1]),
            ),
        )

    def cut_short(self, text: str) -> Reply:
        """A 200 whose answer stopped at `max_tokens` (`finish_reason: length`): `text` is what came before."""
        reply = self.ok(text)
        document = json.loads(reply.body)
        document["choices"][0]["finish_reason"] = "length"
        return Reply.of_json(200, document)

    @classmethod
    def quota_exhausted(cls) -> Reply:
        return cls.error(
            429,
            "You exceeded your current quota, please check your plan and billing details.",
            "insufficient_quota",
            "insufficient_quota",
        )

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls.error(status, "The server had an error while processing your request.", "server_error", None)

    @classmethod
    def unauthorized(cls, shown_key: str = "sk-fake***") -> Reply:
        # OpenAI echoes part of the key it was given; adapters must not pass it on
        return cls.error(401, f"Incorrect API key provided: {shown_key}.", "invalid_request_error", "invalid_api_key")

    @classmethod
    def forbidden(cls) -> Reply:
        return cls.error(403, "Country, region, or territory not supported", "request_forbidden", "unsupported_country")

    @classmethod
    def bad_request(cls, status: int = 400) -> Reply:
        return cls.error(status, "Invalid value for 'max_tokens'.", "invalid_request_error", None)

    @staticmethod
    def missing_fields() -> Reply:
        return Reply.of_json(200, {"id": "chatcmpl-fake", "object": "chat.completion", "choices": []})


def _total(first: object, second: object) -> object:
    """What a server adding its two counts writes: their sum when both are numbers, else the first as it is."""
    if isinstance(first, int | float) and isinstance(second, int | float):
        return first + second
    return first
