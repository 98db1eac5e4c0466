"""The bounded inflater of `plumbing/http.py` against hostile content codings (ADR 0509): a bomb of a bomb
(`gzip, gzip`) inflated a piece at a time too, a gzip body cut short is an error (never half a body taken for the
whole), gzip members one after another are one body, and a coding tfreview does not decode passes as httpx passes it."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.hostile import _bomb
from tfreview.plumbing.http import ResponseTooLarge, read_bounded

LIMIT = 1_048_576
BOMB = 64 * 1_048_576  # inflated


def _deflate_bomb(expanded: int) -> bytes:
    deflate = zlib.compressobj(9)  # zlib-wrapped, built a megabyte at a time
    block = bytes(1_048_576)
    return b"".join([deflate.compress(block) for _ in range(expanded // len(block))] + [deflate.flush()])


def _streamed(body: bytes, encoding: str, piece: int = 65_536) -> httpx.Response:
    def pieces() -> Iterator[bytes]:  # as httpcore hands a body over: a socket read at a time
        for start in range(0, len(body), piece):
            yield body[start : start + piece]

    return httpx.Response(200, headers={"Content-Encoding": encoding}, content=pieces())


@pytest.mark.parametrize("encoding", ["gzip, gzip", "gzip,gzip", "deflate, gzip", "gzip, identity"])
def test_a_bomb_of_a_bomb_stops_at_the_limit_without_being_inflated_whole(encoding: str) -> None:
    first, *then = (coding.strip() for coding in encoding.split(","))
    body = _bomb(BOMB) if first == "gzip" else _deflate_bomb(BOMB)
    for coding in then:
        if coding == "gzip":
            body = gzip.compress(body)
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLarge):
            read_bounded(_streamed(body, encoding), LIMIT)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < BOMB // 4  # pieces of the limit, never the inner bomb whole


def test_chained_codings_are_undone_in_reverse_order() -> None:
    document = b'{"ok": true}' * 1000
    body = gzip.compress(zlib.compress(document))  # deflate applied first, then gzip
    assert read_bounded(_streamed(body, "deflate, gzip", piece=7), LIMIT) == document


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_body_cut_short_is_a_decoding_error_not_half_a_body(encoding: str) -> None:
    document = bytes(range(256)) * 400
    body = gzip.compress(document) if encoding == "gzip" else zlib.compress(document)
    with pytest.raises(httpx.DecodingError, match="ends before"):
        read_bounded(_streamed(body[: len(body) // 2], encoding), LIMIT)


def test_gzip_members_one_after_another_are_one_body() -> None:
    body = gzip.compress(b'{"a": ') + gzip.compress(b"1}")
    assert read_bounded(_streamed(body, "gzip", piece=5), LIMIT) == b'{"a": 1}'


def test_raw_deflate_and_zlib_deflate_both_inflate() -> None:
    document = b"plan " * 2000
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw_body = raw.compress(document) + raw.flush()
    assert read_bounded(_streamed(raw_body, "deflate"), LIMIT) == document
    assert read_bounded(_streamed(zlib.compress(document), "deflate"), LIMIT) == document


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib-wrapped", "raw"])
def test_deflate_dribbled_a_byte_at_a_time_inflates(wbits: int) -> None:
    document = b'{"plan": "ok"}' * 50
    deflate = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = deflate.compress(document) + deflate.flush()
    assert read_bounded(_streamed(body, "deflate", piece=1), LIMIT) == document


@pytest.mark.parametrize("encoding", ["br", "zstd", "utf-8"])
def test_a_coding_not_decoded_passes_as_httpx_passes_it(encoding: str) -> None:
    assert read_bounded(_streamed(b'{"a": 1}', encoding), LIMIT) == b'{"a": 1}'


def test_httpx_asks_for_no_coding_it_would_decode_unbounded() -> None:
    # br or zstd would be decoded by httpx a socket read at a time, whole: were brotli or zstandard installed,
    # httpx would ask for them and this inflater would pass them over undecoded (ADR 0509)
    assert httpx.Client().headers["accept-encoding"] == "gzip, deflate"


def test_an_empty_body_that_says_gzip_is_empty() -> None:
    assert read_bounded(_streamed(b"", "gzip"), LIMIT) == b""
