"""The HTTP function's answer to API Gateway (tfreview.lambda_handlers.asgi.response): what the app sent, byte
for byte, once API Gateway has decoded it (a `str` body is sent as UTF-8, a base64 one as its bytes)."""

from __future__ import annotations

import base64

import pytest

from tfreview.lambda_handlers.asgi import response


def sent(answer: dict[str, object]) -> bytes:
    """The bytes API Gateway sends the client for this answer."""
    body = str(answer["body"])
    return base64.b64decode(body) if answer["isBase64Encoded"] else body.encode("utf-8")


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        (b"application/json", '{"a": "caf\u00e9 \u2603"}'.encode()),
        (b"text/html; charset=utf-8", "<p>\u2603</p>".encode()),
        (b"text/plain; charset=latin-1", "caf\u00e9".encode("latin-1")),  # text, not UTF-8: raised before
        (b"text/csv", b"\xff\xfe a,b"),
        (b"application/gzip", b"\x1f\x8b\x08\x00binary"),
        (b"application/octet-stream", b""),
    ],
)
def test_the_client_gets_the_bytes_the_app_sent(kind: bytes, body: bytes) -> None:
    answer = response(200, [(b"content-type", kind)], body)
    assert sent(answer) == body
    assert answer["headers"] == {"content-type": kind.decode()}


def test_repeated_headers_are_joined_and_cookies_kept_apart() -> None:
    headers = [(b"Vary", b"Accept"), (b"vary", b"Cookie"), (b"set-cookie", b"a=1"), (b"Set-Cookie", b"b=2")]
    answer = response(204, headers, b"")
    assert answer["headers"] == {"vary": "Accept, Cookie"}
    assert answer["cookies"] == ["a=1", "b=2"]
    assert (answer["body"], answer["isBase64Encoded"]) == ("", False)


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("deflate, *;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, br", False),
        ("gzip;q=lots", False),
        ("br, deflate", False),
        ("", False),
    ],
)
def test_gzip_is_used_only_where_the_client_accepts_it(header: str, accepted: bool) -> None:
    from tfreview.lambda_handlers.answer_size import accepts_gzip

    assert accepts_gzip(header) is accepted
