"""Bodies sent to a real `tfreview serve` with a content coding (`Content-Encoding: gzip`; ADR 0764).

No route decodes one. A gzip-encoded GitHub delivery was answered 401 (its signature is over the plain text) or 422
"not valid JSON"; an upload 422 "not valid UTF-8 text (byte 1)"; and a body whose header lied was taken as plain
(202). Each is 415 now, with `Accept-Encoding: identity`, before a byte is read: nothing is stored, and the same
delivery sent plain is accepted as new."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from tests.integration.served import (
    GITHUB_SECRET,
    SPACELIFT_SECRET,
    raw_request,
    serving,
    status_of,
    write_token,
)

DATA = Path(__file__).resolve().parents[1]
GITHUB_BODY = (DATA / "web" / "data" / "github.pull_request.opened.payload.json").read_bytes()
PLAN = (DATA / "data" / "plans" / "tfjson__actions__plan.json").read_bytes()


def _spacelift_body() -> bytes:
    return json.dumps(
        {
            "account": "acme",
            "state": "FINISHED",
            "stateVersion": 4,
            "timestamp": int(time.time()),
            "run": {"id": "01EF9PFPNFFM2MQXTJKHK1B869", "type": "PROPOSED"},
            "stack": {"id": "demo"},
        }
    ).encode()


def _post(port: int, path: str, headers: dict[str, str], body: bytes) -> tuple[int | None, str]:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = f"POST {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n{head}Content-Length: {len(body)}\r\n\r\n"
    answer = raw_request(port, request.encode() + body)
    return status_of(answer), answer.partition(b"\r\n\r\n")[0].decode("latin-1").lower()


def _github(plain: bytes, delivery: str) -> dict[str, str]:
    signature = hmac.new(GITHUB_SECRET.encode(), plain, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": f"sha256={signature}",
    }


def _spacelift(plain: bytes) -> dict[str, str]:
    signature = hmac.new(SPACELIFT_SECRET.encode(), plain, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Signature-256": f"sha256={signature}"}


@pytest.mark.parametrize("coding", ["gzip", "identity, BR"])
def test_an_encoded_body_is_refused_415_and_nothing_is_stored(tmp_path: Path, coding: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    token = write_token(data, "uploader")
    spacelift = _spacelift_body()
    with serving(data) as served:
        cases = [
            ("/webhooks/github", _github(GITHUB_BODY, "6a2b0e8c-0000-4000-8000-000000000001"), GITHUB_BODY),
            ("/webhooks/spacelift", _spacelift(spacelift), spacelift),
            ("/api/v1/plans", {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, PLAN),
        ]
        for path, headers, plain in cases:
            for body in (gzip.compress(plain), plain):  # compressed, and a header that lies about a plain body
                status, head = _post(served.port, path, {**headers, "Content-Encoding": coding}, body)
                assert status == 415, (path, status, head)
                assert "accept-encoding: identity" in head
            status, head = _post(served.port, path, headers, plain)  # the same, sent plain: new, not a duplicate
            assert status == 202, (path, status, head)
        log = served.log()
    assert "Traceback" not in log
