"""The Anthropic Messages API adapter.

One `complete()` is one `POST {base_url}/v1/messages` with `x-api-key` and `anthropic-version`
(no retries: the chain above owns them). The Messages API has no JSON mode in its stable version;
the prompt asks for JSON and the chain validates it. Every upstream error is classified in
`classify_error`: 529 `overloaded_error` and 5xx are retriable, a 429 whose
`error.details.error_code` is `enforced_spend_limit_reached` is a spent quota and is not (L5).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from tfreview.advisor.model import Completion, Prompt, ProviderError
from tfreview.advisor.provider_http import (
    ANSWER_FRAGMENT,
    DEFAULT_MAX_RESPONSE_BYTES,
    Clock,
    HttpReply,
    KeyInUse,
    OwnedHttp,
    answered_model,
    error_maker,
    exchange_json,
    token_count,
)
from tfreview.plumbing.clock import Clock as WallClock
from tfreview.plumbing.clock import utcnow as utc_now
from tfreview.plumbing.json_documents import NotJson, read_json
from tfreview.plumbing.secret_references import SecretSource

log = logging.getLogger(__name__)

PROVIDER = "anthropic"
API_VERSION = "2023-06-01"
OVERLOADED = 529
# error codes and phrases that mean the account's money or spend cap ran out: waiting does not help (L5)
QUOTA_CODES = frozenset({"enforced_spend_limit_reached", "billing_error"})
QUOTA_PHRASES = ("credit balance", "spend limit", "usage limit")


class AnthropicClient(OwnedHttp):
    """One Claude model behind the Anthropic Messages API (or a gateway that speaks it)."""

    provider = PROVIDER

    def __init__(
        self,
        base_url: str,
        api_key: SecretSource,
        model: str,
        *,
        http: httpx.Client | None = None,
        temperature: float | None = 0.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Clock = time.monotonic,
        now: WallClock = utc_now,
    ) -> None:
        self.model = model
        self._url = base_url.rstrip("/") + "/v1/messages"
        self._api_key = api_key
        self._key = KeyInUse(PROVIDER, api_key)
        self._temperature = temperature
        self._max_response_bytes = max_response_bytes
        self._clock = clock
        self._now = now
        self._use_http(http)

    def __repr__(self) -> str:
        return f"AnthropicClient(url={self._url!r}, model={self.model!r})"

    def reload_credentials(self) -> bool:
        return self._key.reload()

    def complete(self, prompt: Prompt, *, timeout: float) -> Completion:
        document = exchange_json(
            self._http,
            PROVIDER,
            self._url,
            model=self.model,
            headers={"x-api-key": self._key.value(), "anthropic-version": API_VERSION},
            payload=self.request_body(prompt),
            timeout=timeout,
            classify=lambda reply: classify_error(reply, scrub=self._api_key.scrub, now=self._now),
            log=log,
            max_bytes=self._max_response_bytes,
            clock=self._clock,
        )
        return self._completion(document)

    def request_body(self, prompt: Prompt) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": prompt.max_output_tokens,
            "system": prompt.system,
            "messages": [{"role": "user", "content": prompt.user}],
        }
        if self._temperature is not None:
            body["temperature"] = self._temperature
        return body

    def _completion(self, document: dict[str, Any]) -> Completion:
        blocks = document.get("content")
        listed = blocks if isinstance(blocks, list) else []  # a hostile answer's `content: 5` is not iterated
        texts = [b["text"] for b in listed if isinstance(b, dict) and isinstance(b.get("text"), str)]
        usage = document.get("usage")
        input_tokens = token_count(usage.get("input_tokens")) if isinstance(usage, dict) else None
        output_tokens = token_count(usage.get("output_tokens")) if isinstance(usage, dict) else None
        if not isinstance(blocks, list) or not texts:
            raise ProviderError(PROVIDER, "malformed", "no text content block", retriable=False, status=200)
        if input_tokens is None or output_tokens is None:
            raise ProviderError(PROVIDER, "malformed", "no usage in the answer", retriable=False, status=200)
        model = document.get("model")
        return Completion(
            text=self._api_key.without("".join(texts), shortest=ANSWER_FRAGMENT),  # an endpoint may echo its key
            model=answered_model(model, self.model, self._api_key.without),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            truncated=document.get("stop_reason") == "max_tokens",
        )


def classify_error(
    reply: HttpReply, *, scrub: Callable[[str], str] | None = None, now: WallClock = utc_now
) -> ProviderError:
    """The one place an Anthropic error answer becomes a classified ProviderError."""
    status = reply.status
    codes, message = _error_fields(reply.body)
    error = error_maker(PROVIDER, reply, message, scrub=scrub, now=now)
    spent = bool(codes & QUOTA_CODES) or any(phrase in message.lower() for phrase in QUOTA_PHRASES)
    if status == 402 or (status in (400, 429) and spent):
        return error("quota", False)
    if status == 429:
        return error("throttled", True)
    if status == OVERLOADED or status >= 500:
        return error("unavailable", True)
    if status in (401, 403):
        return error("auth", False)
    if status == 408:
        return error("timeout", True)
    if status in (400, 404, 413, 422):
        return error("invalid_request", False)
    return error("other", False)


def _error_fields(body: bytes) -> tuple[frozenset[str], str]:
    """({error.type, error.details.error_code}, error.message) of `{"type": "error", "error": {…}}`."""
    try:
        document = read_json(body)
    except NotJson:  # nested past the reader's depth: the status decides
        return frozenset(), ""
    inner = document.get("error") if isinstance(document, dict) else None
    if not isinstance(inner, dict):
        return frozenset(), ""
    details = inner.get("details")
    codes = {inner.get("type"), details.get("error_code") if isinstance(details, dict) else None}
    message = inner.get("message")
    return frozenset(str(code) for code in codes if code), message if isinstance(message, str) else ""
