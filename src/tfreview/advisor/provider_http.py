"""The HTTP plumbing the OpenAI-compatible and Anthropic adapters share: one POST, bounded in time and size.

`post_json` sends exactly one request (the transport has `retries=0`, redirects are not followed),
reads the answer as a stream so that a server which sends headers and then stalls, dribbles its headers
or body a byte at a time (`call_deadline`, ADR 0498), or sends far more than any review needs, is cut
off, and turns transport failures into `ProviderError`s (timeout and connection errors are retriable).
What an HTTP status *means* is each adapter's own `classify_error`: the vendors disagree (Anthropic's 529,
OpenAI's `insufficient_quota` 429).

Transport exceptions are not chained: an httpx exception holds the request, and the request holds
the API key in a header. The message names the exception type instead.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self

import httpx

from tfreview.advisor.model import ProviderError
from tfreview.core.errors import ConfigError
from tfreview.plumbing.call_deadline import call_deadline
from tfreview.plumbing.clock import Clock as WallClock
from tfreview.plumbing.http import (
    ResponseTooLarge,
    ResponseTooSlow,
    outbound_client,
    parse_retry_after,
    read_bounded,
)
from tfreview.plumbing.json_documents import NotJson, read_json
from tfreview.plumbing.secret_references import SecretSource

DEFAULT_MAX_RESPONSE_BYTES = 1_000_000  # a review's completion is a few kB; anything near this is a runaway
MESSAGE_LIMIT = 300  # characters of an upstream error message kept in a ProviderError

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class HttpReply:
    """A complete HTTP answer: status, headers and the whole body."""

    status: int
    headers: httpx.Headers
    body: bytes


class OwnedHttp:
    """The HTTP client an adapter was given, or one it made itself (and closes): the adapters' shared lifecycle."""

    _http: httpx.Client
    _owns_http: bool

    def _use_http(self, http: httpx.Client | None) -> None:
        self._owns_http = http is None
        self._http = http if http is not None else default_http_client()

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_http_client() -> httpx.Client:
    """An httpx client that never retries and never follows a redirect: one call, one request (L3)."""
    return outbound_client()


def post_json(
    http: httpx.Client,
    provider: str,
    url: str,
    *,
    headers: Mapping[str, str],
    payload: Mapping[str, Any],
    timeout: float,
    params: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    clock: Clock = time.monotonic,
) -> HttpReply:
    """POST `payload` as JSON; the whole exchange must finish within `timeout` seconds (checked per chunk)."""
    deadline = clock() + timeout
    content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request_headers = {**headers, "content-type": "application/json", "accept": "application/json"}
    try:
        with (
            call_deadline(timeout),
            http.stream(  # the sockets of an `outbound_client` end the call at the deadline
                "POST", url, params=params, headers=request_headers, content=content, timeout=httpx.Timeout(timeout)
            ) as response,
        ):
            try:
                body = read_bounded(response, max_bytes, deadline=deadline, clock=clock)
            except ResponseTooLarge:
                raise _oversized(provider, response.status_code, max_bytes) from None
            except ResponseTooSlow:
                raise ProviderError(
                    provider, "timeout", f"no complete answer within {timeout:g} s", retriable=True
                ) from None
            return HttpReply(response.status_code, response.headers, body)
    except httpx.TimeoutException as error:
        raise ProviderError(
            provider, "timeout", f"{type(error).__name__} within {timeout:g} s", retriable=True
        ) from None
    except httpx.TransportError as error:
        raise ProviderError(provider, "unavailable", f"{type(error).__name__}", retriable=True) from None
    except httpx.DecodingError:  # says gzip, is not: the answer is as broken as one that is not JSON
        raise ProviderError(provider, "malformed", "answer does not decode", retriable=False) from None


def exchange_json(
    http: httpx.Client,
    provider: str,
    url: str,
    *,
    model: str,
    headers: Mapping[str, str],
    payload: Mapping[str, Any],
    timeout: float,
    classify: Callable[[HttpReply], ProviderError],
    log: logging.Logger,
    params: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    clock: Clock = time.monotonic,
) -> dict[str, Any]:
    """One call of an HTTP adapter: `post_json`, a debug line on the adapter's own logger, a non-200 answer
    classified by the adapter's `classify`, and a 200 answer decoded to a JSON object."""
    started = clock()
    reply = post_json(
        http,
        provider,
        url,
        headers=headers,
        payload=payload,
        timeout=timeout,
        params=params,
        max_bytes=max_bytes,
        clock=clock,
    )
    log.debug("%s model=%s status=%d in %.3f s", provider, model, reply.status, clock() - started)
    if reply.status != 200:
        raise classify(reply)
    return decode_json_object(provider, reply)


# the shortest run of a credential taken out of a model's answer: long enough that it cannot be part of another
# secret by chance — which the redactor must still find whole in that answer (short runs would break it up first)
ANSWER_FRAGMENT = 12
_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}")
_MENTION_AT = re.compile(r"(?<![A-Za-z0-9])@")  # `…/@org/team` mentions in the comment; `sonnet@20240620` does not


def answered_model(value: object, configured: str, without: Callable[[str], str]) -> str:
    """The model the provider says answered, shown in comments: kept when it reads as a model name, mentions no one
    and holds no fragment of our credential (`without` removes it), the configured model otherwise."""
    if (
        isinstance(value, str)
        and _MODEL_NAME.fullmatch(value)
        and not _MENTION_AT.search(value)
        and without(value) == value
    ):
        return value
    return configured


MAX_REPORTED_TOKENS = 100_000_000  # no request of a review comes near: a larger count is no count


def token_count(value: object) -> int | None:
    """A provider's reported token count, when it is one a request can have: a whole number from 0 up to
    MAX_REPORTED_TOKENS (not `true`, not -1,000,000: the tenant's budget spends it); None otherwise, as if absent."""
    if type(value) is int and 0 <= value <= MAX_REPORTED_TOKENS:
        return value
    return None


def api_key_value(provider: str, source: SecretSource) -> str:
    """The key's current value; a key that cannot be read is this model's `auth` failure, not the review's."""
    try:
        return source.value()
    except ConfigError as error:
        raise ProviderError(provider, "auth", str(error), retriable=False) from None


class KeyInUse:
    """An adapter's API key, and the key each thread's last request carried (K3).

    A 401 answers the key the request carried, not the key the source holds now: when two reviews are in
    flight at a rotation, the first one's `reload` reads the new key and the second one's reads nothing new —
    yet its request carried the old key, so it too has one more try with the new one (never a loop: the
    chain reloads once per model per review)."""

    def __init__(self, provider: str, source: SecretSource) -> None:
        self.provider = provider
        self.source = source
        self._sent = threading.local()

    def value(self) -> str:
        """The key for the request about to leave, remembered as this thread's."""
        key = api_key_value(self.provider, self.source)
        self._sent.key = key
        return key

    def reload(self) -> bool:
        """Re-read the source; True when the next request would carry a key other than this thread's last one."""
        changed = self.source.reload()
        sent: str | None = getattr(self._sent, "key", None)
        if changed or sent is None:
            return changed
        try:
            current = self.source.value()
        except ConfigError:
            return False
        return not hmac.compare_digest(sent.encode("utf-8"), current.encode("utf-8"))


def _oversized(provider: str, status: int, max_bytes: int) -> ProviderError:
    return ProviderError(provider, "malformed", f"answer larger than {max_bytes} bytes", retriable=False, status=status)


def decode_json_object(provider: str, reply: HttpReply) -> dict[str, Any]:
    """The body as a JSON object, or a `malformed` ProviderError."""
    try:
        document = read_json(reply.body)
    except NotJson:  # `[[[[…` past the reader's depth: not JSON to us
        raise ProviderError(provider, "malformed", "answer is not JSON", retriable=False, status=reply.status) from None
    if not isinstance(document, dict):
        raise ProviderError(provider, "malformed", "answer is not a JSON object", retriable=False, status=reply.status)
    return document


def error_maker(
    provider: str,
    reply: HttpReply,
    message: str,
    *,
    scrub: Callable[[str], str] | None,
    now: WallClock,
    otherwise: float | None = None,
) -> Callable[[str, bool], ProviderError]:
    """`error(kind, retriable)` for one error answer: the upstream message scrubbed and shortened (or
    `HTTP <status>`), the status and the Retry-After (`otherwise` when the answer has none: the wait a vendor's own
    headers give); the adapter's `classify_error` picks the kind."""
    text = shorten(scrub(message) if scrub is not None else message) or f"HTTP {reply.status}"
    retry_after = parse_retry_after(reply.headers, now)
    if retry_after is None:
        retry_after = otherwise

    def error(kind: str, retriable: bool) -> ProviderError:
        return ProviderError(provider, kind, text, retriable=retriable, status=reply.status, retry_after=retry_after)

    return error


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """One line of at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def estimate_tokens(text: str) -> int:
    """A rough count (4 characters a token) for servers that do not report usage."""
    return (len(text) + 3) // 4
