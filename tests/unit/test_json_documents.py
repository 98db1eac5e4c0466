"""`read_json`: what `json.loads` reads, and one error (`NotJson`, a ValueError) for all it cannot (ADR 0680)."""

from __future__ import annotations

import pytest

from tfreview.plumbing.json_documents import NotJson, read_json

CANARY = "sk-canary-json-0680"


def _nested(depth: int) -> list[object]:
    document: list[object] = []
    for _ in range(depth - 1):
        document = [document]
    return document


@pytest.mark.parametrize(
    ("data", "document"),
    [
        (b'{"a": [1, 2.5, true, null]}', {"a": [1, 2.5, True, None]}),
        ('["é"]', ["é"]),
        ('["é"]'.encode("utf-16"), ["é"]),  # as httpx's Response.json() reads it
        (bytearray(b"7"), 7),
        ("[" * 200 + "]" * 200, _nested(200)),  # deep, but within the reader's depth
    ],
    ids=["object", "text", "utf-16", "bytearray", "deep"],
)
def test_json_is_read(data: bytes | str, document: object) -> None:
    assert read_json(data) == document


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[" * 100_000, "not JSON: nested deeper than the reader goes (about 1,000 levels)"),
        ('{"a": ' * 100_000, "not JSON: nested deeper than the reader goes (about 1,000 levels)"),
        (b"<html>" + CANARY.encode(), "not JSON: Expecting value: line 1 column 1 (char 0)"),
        (b"", "not JSON: Expecting value: line 1 column 1 (char 0)"),
        (b'{"k": "' + CANARY.encode() + b'"} x', "not JSON: Extra data: line 1 column 30 (char 29)"),
        (b'["' + CANARY.encode() + b'\xff"]', "not JSON: not UTF-8 (byte 21)"),
        # the byte counted in the file, its byte order mark included (it said byte 21)
        (b'\xef\xbb\xbf["' + CANARY.encode() + b'\xff"]', "not JSON: not UTF-8 (byte 24)"),
        # read as the encoding their first bytes say, and named so (each said "not UTF-8")
        (b"\xfe\xff\x00[\x00", "not JSON: not UTF-16-BE (byte 4)"),  # a BOM, then half a character
        (b'[\x00"\x00' + CANARY.encode("utf-16-le") + b"x", "not JSON: not UTF-16-LE (byte 42)"),
        (b"\x00\x00\x00[\x00\x11\x00\x00", "not JSON: not UTF-32-BE (byte 4)"),  # past U+10FFFF
        (b"\xff\xfe\x00\x00[\x00\x00\x00\x00\x00", "not JSON: not UTF-32-LE (byte 8)"),
    ],
    ids=[
        "nested-list",
        "nested-object",
        "html",
        "empty",
        "extra",
        "not-utf8",
        "not-utf8-after-bom",
        "not-utf16-be-bom",
        "not-utf16-le",
        "not-utf32-be",
        "not-utf32-le-bom",
    ],
)
def test_what_is_not_json_is_one_error_that_never_quotes_it(data: bytes | str, message: str) -> None:
    with pytest.raises(NotJson) as caught:
        read_json(data)
    assert str(caught.value) == message
    assert CANARY not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert isinstance(caught.value, ValueError)  # callers catching ValueError keep working
