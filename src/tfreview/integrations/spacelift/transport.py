"""GraphQL over HTTP to Spacelift, and the ONE place its failures are classified.

    HTTP 5xx, a transport error, a body that is not JSON         UpstreamError (retriable)
    HTTP 429                                                     UpstreamRateLimited: the job waits out its
                                                                 Retry-After (a minute without one, an hour at most)
    a GraphQL error saying rate limited (code or words)          UpstreamRateLimited, a minute (no Retry-After there)
    HTTP 401/403, or a GraphQL error saying unauthenticated      AuthRejected (the client refreshes its JWT once)
    GraphQL validation / bad-input errors, other 4xx             InputError (our request is wrong: permanent)
    any other GraphQL error                                      UpstreamError (retriable)

Messages carry the operation name and Spacelift's own words, scrubbed: never the API key secret,
never a JWT, never the variables of a request.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from tfreview.core.errors import InputError, UpstreamError, UpstreamRateLimited
from tfreview.core.redact import scrub_text
from tfreview.plumbing.http import ResponseTooLarge, failure_name, parse_retry_after, send_bounded
from tfreview.plumbing.json_documents import NotJson, read_json

logger = logging.getLogger("tfreview.integrations.spacelift")

_OPERATION = re.compile(r"^\s*(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)")
_AUTH_CODES = frozenset({"UNAUTHENTICATED", "UNAUTHORIZED", "FORBIDDEN"})
_AUTH_WORDS = re.compile(r"unauthori[sz]ed|unauthenticated|not authenticated|token (is )?expired|jwt", re.IGNORECASE)
_BAD_REQUEST_CODES = frozenset(
    {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_USER_INPUT", "BAD_REQUEST", "NOT_FOUND"}
)
_BAD_REQUEST_WORDS = re.compile(
    r"cannot query field|unknown argument|variable .* (of required type|is never used|got invalid value)|syntax error"
    r"|expected type|not found|does not exist",
    re.IGNORECASE,
)
_RATE_LIMIT_CODES = frozenset({"RATE_LIMITED", "RATE_LIMIT_EXCEEDED", "TOO_MANY_REQUESTS", "THROTTLED"})
_RATE_LIMIT_WORDS = re.compile(r"rate[ -]?limit|too many requests|throttl", re.IGNORECASE)
_MAX_MESSAGE = 300
RATE_LIMIT_DEFAULT_WAIT = 60.0  # a 429 without Retry-After
RATE_LIMIT_LONGEST_WAIT = 3600.0  # a Retry-After further off is not plausible (as GitHub's, ADR 0499)
MAX_ANSWER_BYTES = 32 * 1024 * 1024  # one GraphQL answer (a run's changes included), read at most


class AuthRejected(Exception):
    """Spacelift refused the bearer token (expired, revoked) — or the API key, for `apiKeyUser`."""


def operation_name(document: str) -> str:
    found = _OPERATION.match(document)
    return found.group(1) if found else "anonymous"


class GraphQLTransport:
    """POSTs one document to the configured endpoint through an injected httpx.Client; never follows redirects."""

    def __init__(self, http: httpx.Client, endpoint: str, *, timeout: float, scrub: Callable[[str], str]) -> None:
        self._http = http
        self._endpoint = endpoint
        self._timeout = timeout
        self._scrub = scrub

    def execute(self, document: str, variables: Mapping[str, Any], *, token: str | None) -> dict[str, Any]:
        """The `data` object of the answer. Raises AuthRejected, InputError or UpstreamError."""
        name = operation_name(document)
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps({"query": document, "variables": dict(variables), "operationName": name})
        try:
            request = self._http.build_request(
                "POST", self._endpoint, content=body.encode(), headers=headers, timeout=self._timeout
            )
            response = send_bounded(self._http, request, MAX_ANSWER_BYTES)
        except ResponseTooLarge:
            raise UpstreamError(f"Spacelift {name}: answer larger than {MAX_ANSWER_BYTES:,} bytes") from None
        except httpx.TimeoutException:
            raise UpstreamError(f"Spacelift {name}: timed out") from None
        except (httpx.TransportError, httpx.DecodingError) as exc:  # a body that does not decode: Spacelift's
            raise UpstreamError(f"Spacelift {name}: {failure_name(exc)}") from None
        logger.debug("spacelift %s: HTTP %s", name, response.status_code)
        return self._data(name, response)

    def _data(self, name: str, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        if status in (401, 403):
            raise AuthRejected(f"Spacelift {name}: HTTP {status}")
        if status == 429:
            wait = parse_retry_after(response.headers)
            wait = RATE_LIMIT_DEFAULT_WAIT if wait is None else min(max(wait, 1.0), RATE_LIMIT_LONGEST_WAIT)
            raise UpstreamRateLimited(
                f"Spacelift {name}: HTTP 429, rate limited for {wait:.0f} s",
                retry_after_seconds=wait,
                upstream="Spacelift",
            )
        if status >= 500:
            raise UpstreamError(f"Spacelift {name}: HTTP {status}")
        if 300 <= status < 400:
            raise UpstreamError(f"Spacelift {name}: HTTP {status} (redirects are not followed)")
        try:
            document = read_json(response.content)
        except NotJson:  # `[[[[…` past the reader's depth is no JSON we can read either
            raise UpstreamError(f"Spacelift {name}: HTTP {status}, the answer is not JSON") from None
        if not isinstance(document, dict):
            raise UpstreamError(f"Spacelift {name}: the answer is not a GraphQL response")
        errors = document.get("errors")
        if errors:
            raise self.classify(name, errors)
        if status >= 400:
            raise InputError(f"Spacelift {name}: HTTP {status}")
        data = document.get("data")
        if not isinstance(data, dict):
            raise UpstreamError(f"Spacelift {name}: the answer has no data")
        return data

    def classify(self, name: str, errors: Any) -> Exception:
        """The exception for a GraphQL `errors` list (see the module docstring)."""
        entries = errors if isinstance(errors, list) else [errors]
        messages: list[str] = []
        codes: set[str] = set()
        for entry in entries:
            if isinstance(entry, Mapping):
                messages.append(str(entry.get("message", "")))
                extensions = entry.get("extensions")
                if isinstance(extensions, Mapping) and isinstance(extensions.get("code"), str):
                    codes.add(str(extensions["code"]).upper())
            else:
                messages.append(str(entry))
        text = "; ".join(m for m in messages if m) or "unspecified error"
        text = scrub_text(self._scrub(text))
        if len(text) > _MAX_MESSAGE:
            text = text[: _MAX_MESSAGE - 1] + "…"
        if codes & _AUTH_CODES or _AUTH_WORDS.search(" ".join(messages)):
            return AuthRejected(f"Spacelift {name}: {text}")
        if codes & _RATE_LIMIT_CODES or _RATE_LIMIT_WORDS.search(" ".join(messages)):
            return UpstreamRateLimited(
                f"Spacelift {name}: {text} (rate limited, HTTP 200); waiting {RATE_LIMIT_DEFAULT_WAIT:.0f} s",
                retry_after_seconds=RATE_LIMIT_DEFAULT_WAIT,
                upstream="Spacelift",
            )
        if codes & _BAD_REQUEST_CODES or (not codes and _BAD_REQUEST_WORDS.search(" ".join(messages))):
            return InputError(f"Spacelift {name}: {text}")
        return UpstreamError(f"Spacelift {name}: {text}")
