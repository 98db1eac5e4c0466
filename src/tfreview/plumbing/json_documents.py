"""JSON read from outside — an answer, a file, a header, an environment variable — by one reader (ADR 0680).

The standard library's `json.loads` (and httpx's `Response.json()`, which is `json.loads(response.content)`)
raises `ValueError` for bytes that are not JSON (`JSONDecodeError`, `UnicodeDecodeError`) and `RecursionError`
for JSON nested deeper than the interpreter's stack lets it read: `[[[[…` 100,000 deep is 100 kB. ADR 0661:
such a document is not JSON either. Each reader caught the two by hand, and those that caught `ValueError` alone
let the RecursionError out as a traceback (`tfreview submit`, `tfreview probe`). `read_json` raises one error,
`NotJson`, for both, with a message that says why:

    >>> read_json(b'{"a": [1, 2]}')
    {'a': [1, 2]}
    >>> read_json("[" * 100_000)
    Traceback (most recent call last):
    tfreview.plumbing.json_documents.NotJson: not JSON: nested deeper than the reader goes (about 1,000 levels)
    >>> read_json(b"<html>")
    Traceback (most recent call last):
    tfreview.plumbing.json_documents.NotJson: not JSON: Expecting value: line 1 column 1 (char 0)

`NotJson` is a `ValueError`, so a caller that catches `ValueError` around it keeps working. What `json.loads`
accepts, it accepts (NaN and Infinity included): only the error changes. `read_written_json` is the same reader
for JSON text a user wrote in a plan or a .tf file (a policy document, a container definition): lone surrogates
escaped in it (`"\\ud800"`) read as U+FFFD, as `core.unicode_text` scrubs them, so no value holds one.
"""

from __future__ import annotations

import codecs
import json
import sys
from typing import Any

from tfreview.core.unicode_text import scrub_json_escapes


class NotJson(ValueError):
    """Bytes or text that are not one JSON document; the message says why, and never quotes the input."""


def read_json(data: bytes | bytearray | str) -> Any:
    """The document in `data` (UTF-8, -16 or -32 bytes, or text); `NotJson` when it is not JSON or is nested
    deeper than the reader goes."""
    try:
        return json.loads(data)
    except RecursionError:
        depth = sys.getrecursionlimit()
        raise NotJson(f"not JSON: nested deeper than the reader goes (about {depth:,} levels)") from None
    except UnicodeDecodeError as exc:  # before ValueError, whose subclass it is: its text quotes the bytes
        raise NotJson(f"not JSON: {_undecodable(data, exc)}") from None
    except ValueError as exc:  # JSONDecodeError: "Expecting value: line 1 column 1 (char 0)", no input quoted
        raise NotJson(f"not JSON: {str(exc).splitlines()[0][:200]}") from None


def _undecodable(data: bytes | bytearray | str, error: UnicodeDecodeError) -> str:
    """Why `data` could not be read, as what: `json.loads` reads bytes as the encoding their first bytes say (a
    byte order mark, or the zeros of UTF-16/32 around the first ASCII character), so "not UTF-16-BE (byte 4)";
    the byte counted in `data`, a UTF-8 byte order mark included (the decoder counts after it)."""
    detected = "utf-8" if isinstance(data, str) else json.detect_encoding(data)  # text: never undecodable
    start = error.start + (len(codecs.BOM_UTF8) if detected == "utf-8-sig" else 0)
    return f"not {error.encoding.upper()} (byte {start})"


def read_written_json(text: str) -> Any:
    """`read_json` of JSON text written by the user (a policy, a `jsondecode` argument), lone surrogates escaped in
    it read as U+FFFD: a rule that reads it finds no value it cannot print or store."""
    return read_json(scrub_json_escapes(text) if "\\u" in text else text)
