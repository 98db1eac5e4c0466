"""The server's own refusals carry the baseline headers too (ADR 0597: every answer; review17a).

Found from the outside: against `tfreview serve`, a request head over 32 KiB (431) or one the parser refuses (400)
was answered by the connection layer (web/connection_flow.py), below RequestLog where ADR 0597 adds its headers:
no Cache-Control, no nosniff, no frame or content policy — the only answers of the API without them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.served import Served, child_env, raw_request, status_of
from tests.integration.served import serving as serve_in


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve_in(tmp_path_factory.mktemp("refusals") / "data", "--no-worker", env=child_env()) as running:
        yield running


def _head(answer: bytes) -> dict[str, str]:
    lines = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
    return {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-P: " + b"a" * 40_000 + b"\r\n\r\n", 431),
        (b"\x01BAD\r\n\r\n", 400),
    ],
    ids=["oversized-head", "malformed"],
)
def test_a_refusal_of_the_server_is_never_stored_sniffed_or_framed(
    served: Served, request_bytes: bytes, status: int
) -> None:
    answer = raw_request(served.port, request_bytes)
    assert status_of(answer) == status, answer[:300]
    head = _head(answer)
    assert head["content-type"] == "application/problem+json"
    assert head["cache-control"] == "no-store"
    assert head["x-content-type-options"] == "nosniff"
    assert head["x-frame-options"] == "DENY"
    assert head["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert head["referrer-policy"] == "no-referrer"
