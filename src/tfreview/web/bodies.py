"""Reading request bodies with a hard limit, and checking their media type.

The limit is enforced twice: a declared `Content-Length` above it is refused before a byte is read,
and the stream (chunked, or a `Content-Length` that lies) is cut at limit + 1 bytes. Either way the
answer is 413 and nothing past the limit is read, so memory never grows by the size of a body.
"""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request

from tfreview.web.problems import BadRequest, ClientClosed, PayloadTooLarge, UnsupportedMediaType


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
    declared = declared_length(request)
    if declared is not None and declared > limit:
        raise PayloadTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(limit)
            if chunk:
                chunks.append(chunk)
    except ClientDisconnect:
        raise ClientClosed() from None
    return b"".join(chunks)


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
