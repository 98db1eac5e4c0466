"""The OpenAI-compatible chat-completions adapter: OpenAI, Azure OpenAI, vLLM, Ollama, LM Studio.

One `complete()` is one `POST {base_url}/chat/completions` (no retries: the chain above owns them).
`api_style="chat"` sends `Authorization: Bearer KEY` (the key may be absent for a local server);
`api_style="azure"` sends `api-key: KEY` and `?api-version=` to a deployment URL
(`https://NAME.openai.azure.com/openai/deployments/DEPLOYMENT`). When the prompt carries a JSON
schema, `response_format` asks for structured output (`json_schema`, or `json_object` for servers
that only know JSON mode, or nothing). Every upstream error is classified in `classify_error`.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

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
    estimate_tokens,
    exchange_json,
    token_count,
)
from tfreview.plumbing.clock import Clock as WallClock
from tfreview.plumbing.clock import utcnow as utc_now
from tfreview.plumbing.http import header_number
from tfreview.plumbing.json_documents import NotJson, read_json
from tfreview.plumbing.secret_references import SecretSource

log = logging.getLogger(__name__)

PROVIDER = "openai"
AZURE_API_VERSION = "2024-10-21"
# 429 codes that mean money ran out, not a rate: waiting does not help, so they are not retriable (L5)
QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached", "billing_not_active", "quota_exceeded"})

ApiStyle = Literal["chat", "azure"]
StructuredOutput = Literal["json_schema", "json_object", "none"]


class OpenAIClient(OwnedHttp):
    """One model behind an OpenAI-compatible chat-completions endpoint."""

    provider = PROVIDER

    def __init__(
        self,
        base_url: str,
        api_key: SecretSource | None,
        model: str,
        *,
        http: httpx.Client | None = None,
        api_style: ApiStyle = "chat",
        api_version: str = AZURE_API_VERSION,
        structured_output: StructuredOutput = "json_schema",
        temperature: float | None = 0.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Clock = time.monotonic,
        now: WallClock = utc_now,
    ) -> None:
        if api_style == "azure" and api_key is None:
            raise ValueError("Azure OpenAI needs an api key")
        self.model = model
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._api_key = api_key
        self._key = KeyInUse(PROVIDER, api_key) if api_key is not None else None
        self._api_style = api_style
        self._api_version = api_version
        self._structured_output = structured_output
        self._temperature = temperature
        self._max_response_bytes = max_response_bytes
        self._clock = clock
        self._now = now
        self._use_http(http)

    def __repr__(self) -> str:
        return f"OpenAIClient(url={self._url!r}, model={self.model!r}, api_style={self._api_style!r})"

    def reload_credentials(self) -> bool:
        return self._key.reload() if self._key is not None else False

    def complete(self, prompt: Prompt, *, timeout: float) -> Completion:
        document = exchange_json(
            self._http,
            PROVIDER,
            self._url,
            model=self.model,
            headers=self._headers(),
            payload=self.request_body(prompt),
            timeout=timeout,
            classify=lambda reply: classify_error(reply, scrub=self._scrub, now=self._now),
            log=log,
            params={"api-version": self._api_version} if self._api_style == "azure" else None,
            max_bytes=self._max_response_bytes,
            clock=self._clock,
        )
        return self._completion(document, prompt)

    def request_body(self, prompt: Prompt) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}],
            "max_tokens": prompt.max_output_tokens,
        }
        if self._temperature is not None:
            body["temperature"] = self._temperature
        if prompt.json_schema is not None and self._structured_output == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "review_advice", "schema": prompt.json_schema, "strict": False},
            }
        elif prompt.json_schema is not None and self._structured_output == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def _headers(self) -> dict[str, str]:
        if self._key is None:
            return {}
        key = self._key.value()
        return {"api-key": key} if self._api_style == "azure" else {"authorization": f"Bearer {key}"}

    def _scrub(self, text: str) -> str:
        return self._api_key.scrub(text) if self._api_key is not None else text

    def _without_key(self, text: str) -> str:
        return self._api_key.without(text, shortest=ANSWER_FRAGMENT) if self._api_key is not None else text

    def _completion(self, document: dict[str, Any], prompt: Prompt) -> Completion:
        choices = document.get("choices")
        first = choices[0] if isinstance(choices, list) and choices else None
        message = first.get("message") if isinstance(first, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            refused = isinstance(message, dict) and message.get("refusal")
            what = "the model refused" if refused else "no choices[0].message.content"
            raise ProviderError(PROVIDER, "malformed", what, retriable=False, status=200)
        usage = document.get("usage")
        input_tokens = token_count(usage.get("prompt_tokens")) if isinstance(usage, dict) else None
        output_tokens = token_count(usage.get("completion_tokens")) if isinstance(usage, dict) else None
        model = document.get("model")
        prompt_size = estimate_tokens(prompt.system + prompt.user)
        return Completion(
            text=self._without_key(content),  # a hostile endpoint may echo the key it was sent
            model=answered_model(model, self.model, self._without_key),
            # some local servers leave usage out; an estimate keeps budgets honest
            input_tokens=input_tokens if input_tokens is not None else prompt_size,
            output_tokens=output_tokens if output_tokens is not None else estimate_tokens(content),
            truncated=first.get("finish_reason") == "length" if isinstance(first, dict) else False,
        )


def classify_error(
    reply: HttpReply, *, scrub: Callable[[str], str] | None = None, now: WallClock = utc_now
) -> ProviderError:
    """The one place an OpenAI-compatible error answer becomes a classified ProviderError."""
    status = reply.status
    codes, message = _error_fields(reply.body)
    # api.openai.com sends no Retry-After with a 429: its wait is in the rate-limit headers (L1, ADR 0590)
    wait = rate_limit_wait(reply.headers) if status == 429 else None
    error = error_maker(PROVIDER, reply, message, scrub=scrub, now=now, otherwise=wait)
    if status == 402 or (status == 429 and codes & QUOTA_CODES):
        return error("quota", False)
    if status == 429:
        return error("throttled", True)
    if status in (401, 403):
        return error("auth", False)
    if status == 408:
        return error("timeout", True)
    if status in (400, 404, 413, 422):
        return error("invalid_request", False)
    if status >= 500:
        return error("unavailable", True)
    return error("other", False)


def _error_fields(body: bytes) -> tuple[frozenset[str], str]:
    """({code, type}, message) from `{"error": {"code", "type", "message"}}` (OpenAI, Azure), `{"error": "…"}` (Ollama)
    or `{"object": "error", "message": …}` (vLLM); empty when the body says nothing usable."""
    try:
        document = read_json(body)
    except NotJson:  # nested past the reader's depth: the status decides
        return frozenset(), ""
    inner = document.get("error", document) if isinstance(document, dict) else None
    if isinstance(inner, str):
        return frozenset(), inner
    if not isinstance(inner, dict):
        return frozenset(), ""
    codes = frozenset(str(inner[key]) for key in ("code", "type") if inner.get(key))
    message = inner.get("message")
    return codes, message if isinstance(message, str) else ""


_LIMITS = ("requests", "tokens")
_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?")
MAX_RESET_SECONDS = 86_400.0  # a day: a larger reset is no wait anyone would make, and no number to trust


def rate_limit_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds until OpenAI's rate limits allow a request again, from `x-ratelimit-reset-{requests,tokens}` (a Go
    duration, `6m0s`, `1.5s`, `20ms`; Azure's whole seconds): the later reset of the limits whose
    `x-ratelimit-remaining-*` is 0, or when none says so (a request larger than what is left), the earlier reset of
    those given. None when no reset reads as a duration."""
    resets: dict[str, float] = {}
    for limit in _LIMITS:
        seconds = reset_seconds(headers.get(f"x-ratelimit-reset-{limit}"))
        if seconds is not None:
            resets[limit] = seconds
    if not resets:
        return None
    spent = [
        seconds
        for limit, seconds in resets.items()
        if header_number(headers.get(f"x-ratelimit-remaining-{limit}")) == 0
    ]
    return max(spent) if spent else min(resets.values())


def reset_seconds(raw: str | None) -> float | None:
    """A reset header's value in seconds: a Go duration (`1h2m3.5s`, `20ms`) or a number of seconds; None otherwise."""
    if raw is None:
        return None
    text = raw.strip()
    number = header_number(text)
    if number is None:
        match = _DURATION.fullmatch(text) if text else None
        if match is None or not any(match.groups()):
            return None
        hours, minutes, seconds, millis = (float(part) if part else 0.0 for part in match.groups())
        number = hours * 3600 + minutes * 60 + seconds + millis / 1000
    if not math.isfinite(number) or not 0 <= number <= MAX_RESET_SECONDS:
        return None
    return number
