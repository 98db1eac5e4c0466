"""Errors → `application/problem+json` (RFC 9457), in ONE table.

Every error tfreview raises on purpose maps to a status here; anything else is a 500 with a generic
message and an error id that is logged (with its traceback) but never sent. Responses carry no
traceback, no exception text of unexpected errors, no request body.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tfreview.core.errors import (
    AuthError,
    ConfigError,
    InputError,
    IntegrityError,
    KeysUnavailable,
    NotFound,
    StoreUnavailable,
    TfreviewError,
    UpstreamError,
)

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 5
_log = logging.getLogger("tfreview.web")


class WebProblem(TfreviewError):
    """An HTTP-level refusal raised by the web layer itself (size, media type, conflict, bad request)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class PayloadTooLarge(WebProblem):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body is larger than this route's limit of {limit} bytes")


class UnsupportedMediaType(WebProblem):
    def __init__(self, got: str | None, allowed: tuple[str, ...]) -> None:
        super().__init__(
            415, f"content type {got or '(none)'!r} is not accepted here; send one of: {', '.join(allowed)}"
        )


class UnsupportedEncoding(WebProblem):
    """A body sent with a content coding (`Content-Encoding: gzip`): no route here decodes one (ADR 0764)."""

    def __init__(self, got: str) -> None:
        shown = got if len(got) <= 40 else got[:39] + "…"
        super().__init__(
            415,
            f"content encoding {shown!r} is not accepted here; send the body without one (Content-Encoding: identity)"
            " — a compressed upload is sent as a tarball, application/gzip",
        )


class BadRequest(WebProblem):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


class ClientClosed(WebProblem):
    """The client hung up before its body was read; nobody reads the answer, the request log records 499."""

    def __init__(self) -> None:
        super().__init__(499, "the client closed the connection before sending the whole body")


class Busy(WebProblem):
    """A refusal for the process's own load (503 with Retry-After): the sender should come again shortly."""

    def __init__(self, message: str) -> None:
        super().__init__(503, message)


class Shed(WebProblem):
    """Load shedding decided once the caller is known (its tenant fills the queue): 503 with the shedding's own
    Retry-After."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(503, message)


class Conflict(WebProblem):
    def __init__(self, message: str) -> None:
        super().__init__(409, message)


@dataclass(frozen=True, slots=True)
class ProblemKind:
    status: int
    slug: str
    title: str
    expose_detail: bool = True  # False: the exception text is replaced by a generic sentence
    retry_after: bool = False


# THE table. Order matters: the first class an error is an instance of wins (subclasses first).
_TABLE: tuple[tuple[type[BaseException], ProblemKind], ...] = (
    (StoreUnavailable, ProblemKind(503, "store-unavailable", "Storage unavailable", False, retry_after=True)),
    (KeysUnavailable, ProblemKind(503, "keys-unavailable", "Signing keys unavailable", False, retry_after=True)),
    (UpstreamError, ProblemKind(502, "upstream-error", "Upstream system failed", expose_detail=False)),
    (InputError, ProblemKind(422, "invalid-input", "Invalid input")),
    (ConfigError, ProblemKind(400, "bad-request", "Bad request")),
    (NotFound, ProblemKind(404, "not-found", "Not found")),
    (
        IntegrityError,
        ProblemKind(500, "integrity-error", "Stored data failed its integrity check", expose_detail=False),
    ),
)
_AUTH_401 = ProblemKind(401, "unauthenticated", "Not authenticated")
_AUTH_403 = ProblemKind(403, "forbidden", "Not allowed")
_WEB_TITLES: Mapping[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Not authenticated"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    408: ("request-timeout", "Request timeout"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-input", "Invalid input"),
    429: ("too-many-requests", "Too many requests"),
    431: ("request-header-fields-too-large", "Request header fields too large"),
    499: ("client-closed-request", "Client closed the request"),
    503: ("service-unavailable", "Service unavailable"),
}
_INTERNAL = ProblemKind(500, "internal-error", "Internal error", expose_detail=False)
_GENERIC_DETAIL = {
    500: "the server failed to handle this request; it has been logged with the error id below",
    502: "a system this service depends on failed; try again later",
    503: f"the service cannot take this request right now; retry after {RETRY_AFTER_SECONDS} seconds",
}


def kind_for(error: BaseException) -> ProblemKind:
    """The problem kind of an error: the table, AuthError by its status, web refusals by theirs."""
    if isinstance(error, AuthError):
        return _AUTH_403 if error.status == 403 else _AUTH_401
    if isinstance(error, WebProblem):
        slug, title = _WEB_TITLES.get(error.status, ("error", "Error"))
        return ProblemKind(error.status, slug, title, retry_after=error.status == 503)
    for cls, kind in _TABLE:
        if isinstance(error, cls):
            return kind
    return _INTERNAL


@dataclass(frozen=True, slots=True)
class Problem:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def problem(
    status: int, slug: str, title: str, detail: str, instance: str, *, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:tfreview:problem:{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if extra:
        body.update(extra)
    return body


def problem_for(error: BaseException, instance: str, request_id: str) -> Problem:
    """Build the response for an error; log unexpected ones with an error id (never sent: the traceback)."""
    kind = kind_for(error)
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {"request_id": request_id}
    if kind.expose_detail:
        detail = str(error).splitlines()[0] if str(error) else kind.title
    else:
        error_id = uuid.uuid4().hex
        extra["error_id"] = error_id
        detail = _GENERIC_DETAIL.get(kind.status, _GENERIC_DETAIL[500])
        if kind.status >= 500 and not kind.retry_after:
            _log.error(
                "error_id=%s request_id=%s %s on %s",
                error_id,
                request_id,
                type(error).__name__,
                instance,
                exc_info=(type(error), error, error.__traceback__),
            )
    if isinstance(error, Shed):  # as the door's own refusals: the request-log line, no warning per request
        headers["Retry-After"] = str(error.retry_after_seconds)
    elif kind.retry_after:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        _log.warning(
            "request_id=%s error_id=%s %s (%s) on %s: answering %d",
            request_id,
            extra.get("error_id"),
            type(error).__name__,
            str(error)[:300],  # these errors' texts are written to be logged: no DSN password, no payload
            instance,
            kind.status,
        )
    if kind.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="tfreview"'
    if isinstance(error, UnsupportedEncoding):
        headers["Accept-Encoding"] = "identity"  # RFC 9110 15.5.16: the codings that would have been accepted
    return Problem(kind.status, problem(kind.status, kind.slug, kind.title, detail, instance, extra=extra), headers)


def http_problem(status: int, detail: str, instance: str, request_id: str) -> Problem:
    """A problem for a plain HTTP status (unknown route, wrong method, validation)."""
    slug, title = _WEB_TITLES.get(status, ("error", "Error"))
    return Problem(status, problem(status, slug, title, detail, instance, extra={"request_id": request_id}), {})


def web_problem(status: int, detail: str, instance: str) -> dict[str, Any]:
    """The body of a plain HTTP refusal made before the app has the request (no request id yet)."""
    slug, title = _WEB_TITLES.get(status, ("error", "Error"))
    return problem(status, slug, title, detail, instance)
