"""Reading request bodies with a hard limit, and checking their media type.

The limit is enforced twice: a declared `Content-Length` above it is refused before a byte is read,
and the stream (chunked, or a `Content-Length` that lies) is cut at limit + 1 bytes. Either way the
answer is 413 and nothing past the limit is read, so memory never grows by the size of a body.

Bodies are read before anything can authenticate them (a webhook's HMAC covers the whole body), so the limit
per request does not bound the process: twenty unsigned 25 MB bodies held one byte short of their end added
500 MB. `BodyBudget` bounds the bytes of all bodies being read at once (`door.body_bytes_in_flight`): a body that
would pass it is refused 503 with Retry-After and read no further (docs/adr/0535). Bytes are taken as they arrive,
never as a Content-Length announces them: a head declaring 25 MB and sending nothing held 25 MB of the budget for the
body timeout, so a few idle connections refused every signed delivery while holding no memory (ADR 0552). A
body's first UNBUDGETED_BYTES are not counted and never refused for the budget: bodies sent fast to one byte short
of their end may then hold their bytes for hours (a byte every body_timeout_seconds keeps to the average rate), and
eleven 24 MB ones made every signed delivery 503 for that long; a delivery is rarely larger than 256 KiB, and the
bound on memory becomes the budget plus max_connections × 256 KiB (ADR 0552).
"""

from __future__ import annotations

import asyncio
from typing import Final

from starlette.requests import ClientDisconnect, Request

from tfreview.web.problems import (
    BadRequest,
    Busy,
    ClientClosed,
    PayloadTooLarge,
    UnsupportedEncoding,
    UnsupportedMediaType,
)

UNBUDGETED_BYTES: Final = 256 * 1024  # a body's first bytes, never refused for the budget (ADR 0552)


class BodyBudget:
    """The bytes of request bodies being read at once in this process (one per app; the event loop is its only
    user). A body is admitted alone whatever its size, so a body within its route's limit is always readable."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0

    def take(self, size: int, own: int = 0) -> bool:
        """Take `size` more bytes for a body that holds `own` already; False when other bodies hold bytes and the
        total would pass the limit."""
        if self.held > own and self.held + size > self.limit:
            return False
        self.held += size
        return True

    def give(self, size: int) -> None:
        self.held -= size


def _budget_of(request: Request) -> BodyBudget:
    budget: BodyBudget = request.app.state.body_budget  # installed by create_app
    return budget


def _over_budget(budget: BodyBudget) -> Busy:
    return Busy(
        f"the bodies being received already take this server's {budget.limit} bytes "
        "(door.body_bytes_in_flight); send this one again shortly"
    )


def declared_length(request: Request) -> int | None:
    raw = request.headers.get("content-length")
    if raw is None:
        return None
    if not raw.isdigit():
        raise BadRequest("Content-Length is not a non-negative integer")
    return int(raw)


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, at most `limit` bytes; raises PayloadTooLarge (413) without reading further, and
    ClientClosed (499, one log line) when the client hangs up — or sent a body the server could not parse —
    before the end."""
    refuse_encoded(request)
    declared = declared_length(request)
    if declared is not None and declared > limit:
        raise PayloadTooLarge(limit)
    budget = _budget_of(request)
    held = 0  # bytes taken as they arrive: a declared length costs nothing until it comes (ADR 0552)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(limit)
            counted = size - UNBUDGETED_BYTES
            if counted > held:
                if not budget.take(counted - held, own=held):
                    raise _over_budget(budget)
                held = counted
            if chunk:
                chunks.append(chunk)
    except ClientDisconnect:
        raise ClientClosed() from None
    except asyncio.CancelledError:  # `serve` stopping: its graceful shutdown ran out before this body came whole
        raise Busy("the server is stopping before this body was received; send it again") from None
    finally:
        budget.give(held)
    return b"".join(chunks)


def refuse_encoded(request: Request) -> None:
    """UnsupportedEncoding (415) for a body sent with a content coding, before a byte of it is read: a gzip-encoded
    delivery was verified and parsed as it came — 401 for a signature over the plain text, 422 "not valid JSON" or
    "not valid UTF-8 (byte 1)" for an upload — and one whose header lied was taken as plain (ADR 0764)."""
    codings = [c.strip().lower() for value in request.headers.getlist("content-encoding") for c in value.split(",")]
    coded = [c for c in codings if c and c != "identity"]
    if coded:
        raise UnsupportedEncoding(", ".join(coded))


def media_type(request: Request) -> str | None:
    """The media type of the body without parameters (`application/json; charset=utf-8` → `application/json`)."""
    raw = request.headers.get("content-type")
    if raw is None:
        return None
    return raw.split(";", 1)[0].strip().lower() or None


def require_media_type(request: Request, allowed: tuple[str, ...]) -> str:
    got = media_type(request)
    if got not in allowed:
        raise UnsupportedMediaType(got, allowed)
    return got
