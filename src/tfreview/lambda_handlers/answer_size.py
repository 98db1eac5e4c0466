"""An answer that must fit what a Lambda function may return: 6 MB of response payload, the JSON Lambda
serializes (the body, base64 when binary, with the status and headers).

Past it Lambda fails the invocation ("Response payload size exceeded") and API Gateway answers a bare 5xx with
nothing to go on. A large answer (a review's report) is sent gzipped to a client that accepts gzip, as reports
compress well; one that still does not fit, or whose client does not accept gzip, is answered with a problem
document naming the limit and the ways around it (docs/adr/0600).
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any, Final

RESPONSE_BYTES: Final = 6 * 1024 * 1024  # a synchronous invocation's response payload (Lambda's quota)
_ESCAPED_AT_MOST: Final = 12  # json.dumps writes one character as at most 12 (an astral one as two \\uXXXX)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (`gzip` or `*`, with a q-value above 0)."""
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() not in ("gzip", "*"):
            continue
        quality = params.strip().lower()
        if quality.startswith("q="):
            try:
                return float(quality[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def payload_bytes(answer: dict[str, Any]) -> int:
    """The size of the response payload Lambda would send (its JSON)."""
    return len(json.dumps(answer))


def fitted(answer: dict[str, Any], accept_encoding: str) -> dict[str, Any] | None:
    """`answer` when it fits; else gzipped for a client that accepts it, when that fits; else None."""
    body = str(answer.get("body") or "")
    if len(body) * _ESCAPED_AT_MOST < RESPONSE_BYTES - 64 * 1024:
        return answer  # fits whatever the escaping and headers: the common case, not serialized twice
    if payload_bytes(answer) <= RESPONSE_BYTES:
        return answer
    headers = dict(answer.get("headers") or {})
    if not accepts_gzip(accept_encoding) or "content-encoding" in headers:
        return None
    raw = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode("utf-8")
    headers.pop("content-length", None)
    headers["content-encoding"] = "gzip"
    headers["vary"] = f"{headers['vary']}, accept-encoding" if headers.get("vary") else "accept-encoding"
    packed = {
        **answer,
        "headers": headers,
        "body": base64.b64encode(gzip.compress(raw, compresslevel=6)).decode("ascii"),
        "isBase64Encoded": True,
    }
    return packed if payload_bytes(packed) <= RESPONSE_BYTES else None


def too_large(answer: dict[str, Any]) -> str:
    """The detail of the problem answered instead of an answer that does not fit."""
    megabytes = payload_bytes(answer) / (1024 * 1024)
    return (
        f"the answer is {megabytes:.1f} MB, more than the 6 MB a Lambda function can return; "
        "ask again with Accept-Encoding: gzip, ask for less (a smaller limit=), "
        "or read it from a `tfreview serve` deployment"
    )
