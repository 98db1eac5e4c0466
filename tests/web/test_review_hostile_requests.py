"""Hostile requests found by a second read of the running service: each answered 500 or slipped a limit."""

from __future__ import annotations

import base64
import gzip
import io
import json
import tarfile

import pytest

from tests.web.conftest import TENANT_A, Web
from tfreview.ports.records import Scope

MAIN_TF = b'resource "null_resource" "x" {}\n'


def _cursor(*parts: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        {"since": "9999-12-31T23:59:59-12:00"},
        {"until": "0001-01-01T00:00:00+01:00"},
        {"cursor": _cursor("9999-12-31T23:59:59-12:00", "a")},
        {"cursor": _cursor("0001-01-01T00:00:00+01:00", "a")},
    ],
)
def test_review_instants_out_of_range_in_utc_are_422_not_500(web: Web, query: dict[str, str]) -> None:
    answer = web.client.get("/api/v1/reviews", params=query, headers=web.token(TENANT_A, Scope.READ))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("route", ["/api/v1/jobs", "/api/v1/deliveries"])
@pytest.mark.parametrize("position", [2**63, -(2**63) - 1, 10**30])
def test_id_cursors_past_64_bits_are_422_not_500(web: Web, route: str, position: int) -> None:
    answer = web.client.get(route, params={"cursor": _cursor(position)}, headers=web.token(TENANT_A, Scope.ADMIN))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def _unterminated_tar(name: str, data: bytes) -> bytes:
    """A tar stream with one member and no end-of-archive blocks (a reader stops quietly at its end)."""
    buffer = io.BytesIO()
    archive = tarfile.open(fileobj=buffer, mode="w")  # noqa: SIM115  # closing would add the end blocks
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()[: archive.offset]


def test_a_second_gzip_member_after_the_checked_one_is_422(web: Web) -> None:
    # The check inflated only the first member (main.tf); the plan store's reader inflated them all,
    # so a small upload expanded without bound (past api.max_upload_bytes) on its way to the database.
    web.services.settings.api.max_upload_bytes = 1024 * 1024
    hidden = io.BytesIO()
    with tarfile.open(fileobj=hidden, mode="w") as archive:
        big = b'a = "x"\n' * (256 * 1024)  # 2 MiB, twice the limit
        info = tarfile.TarInfo("hidden.tf")
        info.size = len(big)
        archive.addfile(info, io.BytesIO(big))
    body = gzip.compress(_unterminated_tar("main.tf", MAIN_TF)) + gzip.compress(hidden.getvalue())
    answer = web.client.post(
        "/api/v1/plans",
        content=body,
        headers={"Content-Type": "application/gzip", **web.token(TENANT_A, Scope.WRITE)},
    )
    assert answer.status_code == 422, answer.text
    assert "after the end of its gzip stream" in answer.json()["detail"]
    assert web.services.queue.depth() == 0


def test_zero_padding_after_the_gzip_stream_is_still_accepted(web: Web) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("main.tf")
        info.size = len(MAIN_TF)
        archive.addfile(info, io.BytesIO(MAIN_TF))
    body = gzip.compress(buffer.getvalue()) + b"\0" * 512
    answer = web.client.post(
        "/api/v1/plans",
        content=body,
        headers={"Content-Type": "application/gzip", **web.token(TENANT_A, Scope.WRITE)},
    )
    assert answer.status_code == 202, answer.text


def test_head_is_answered_like_get_without_a_body(web: Web) -> None:
    alive = web.client.head("/healthz")
    assert alive.status_code == 200  # was 405: FastAPI registers GET routes for GET only
    assert alive.content == b""
    assert int(alive.headers["content-length"]) == len(web.client.get("/healthz").content)
    assert web.client.head("/readyz").status_code == 200
    unauthenticated = web.client.head("/api/v1/reviews")
    assert unauthenticated.status_code == 401
    assert unauthenticated.content == b""
    assert web.client.head("/api/v1/reviews", headers=web.token(TENANT_A, Scope.READ)).status_code == 200
    post_only = web.client.head("/webhooks/github")
    assert post_only.status_code == 405
    assert post_only.headers["allow"] == "POST"
