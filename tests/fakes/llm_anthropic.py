"""A fake Anthropic Messages API server.

`POST /v1/messages` (with `x-api-key` and `anthropic-version`) answers a `message` object with
usage. Error bodies are Anthropic's: `{"type": "error", "error": {"type", "message"}, "request_id"}`;
the monthly spend cap is a 429 whose `error.details.error_code` is `enforced_spend_limit_reached`.
"""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.llm_common import (
    Behaviour,
    FakeModelServer,
    RecordedRequest,
    Reply,
    requested_model,
)


class FakeAnthropic(FakeModelServer):
    default_usage = (905, 71)

    def key_of(self, request: RecordedRequest) -> str | None:
        return request.headers.get("x-api-key")

    def default(self, request: RecordedRequest) -> Behaviour:
        if request.method != "POST" or request.path != "/v1/messages":
            return self.error(404, "not_found_error", "Not found")
        if "anthropic-version" not in request.headers:
            return self.error(400, "invalid_request_error", "anthropic-version: header is required")
        if not self.key_accepted(request):
            return self.error(401, "authentication_error", "invalid x-api-key")
        return self.ok(self.reply_text, model=requested_model(request, "claude-sonnet-4-5"))

    # --- answers ---------------------------------------------------------------------------------

    def ok(self, text: str, *, model: str = "claude-sonnet-4-5-20250929") -> Reply:
        return Reply.of_json(
            200,
            {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens},
            },
        )

    def cut_short(self, text: str) -> Reply:
        """A 200 whose answer stopped at `max_tokens` (`stop_reason: max_tokens`): `text` is what came before."""
        reply = self.ok(text)
        document = json.loads(reply.body)
        document["stop_reason"] = "max_tokens"
        return Reply.of_json(200, document)

    @staticmethod
    def error(
        status: int,
        type_: str,
        message: str,
        headers: tuple[tuple[str, str], ...] = (),
        details: dict[str, Any] | None = None,
    ) -> Reply:
        error: dict[str, Any] = {"type": type_, "message": message}
        if details is not None:
            error["details"] = details
        return Reply.of_json(status, {"type": "error", "error": error, "request_id": "req_fake"}, headers)

    @classmethod
    def rate_limited(cls, retry_after: str = "7") -> Reply:
        return cls.error(
            429,
            "rate_limit_error",
            "Number of request tokens has exceeded your per-minute rate limit",
            (("retry-after", retry_after),),
        )

    @classmethod
    def spend_limit(cls) -> Reply:
        return cls.error(
            429,
            "rate_limit_error",
            "You have reached your monthly spend limit.",
            details={"error_code": "enforced_spend_limit_reached"},
        )

    @classmethod
    def credit_balance_too_low(cls) -> Reply:
        return cls.error(400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API.")

    @classmethod
    def overloaded(cls) -> Reply:
        return cls.error(529, "overloaded_error", "Overloaded")

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls.error(status, "api_error", "Internal server error")

    @classmethod
    def unauthorized(cls) -> Reply:
        return cls.error(401, "authentication_error", "invalid x-api-key")

    @classmethod
    def forbidden(cls) -> Reply:
        return cls.error(
            403, "permission_error", "Your API key does not have permission to use the specified resource."
        )

    @classmethod
    def bad_request(cls, status: int = 400) -> Reply:
        kind = {400: "invalid_request_error", 404: "not_found_error", 413: "request_too_large"}.get(
            status, "invalid_request_error"
        )
        return cls.error(status, kind, "max_tokens: Field required")

    @staticmethod
    def missing_fields() -> Reply:
        return Reply.of_json(200, {"id": "msg_fake", "type": "message", "content": []})
