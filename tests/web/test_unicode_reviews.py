"""A plan with half a surrogate pair escaped in it, uploaded through the API, reviewed by the worker and read
back: 200 everywhere, U+FFFD where the half was (ADR 0370). Before, the review could not be stored or read."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator

import orjson
import pytest
from fastapi.testclient import TestClient

from tests.unit.test_unicode_input import HCL, PLAN
from tests.web.conftest import TENANT_A, Web
from tests.web.dashboard_helpers import browser, sign_in
from tfreview.integrations.github.comment import comment_body
from tfreview.ports.records import ReviewStatus, Scope
from tfreview.ports.review_codec import report_document
from tfreview.render.github import render_github
from tfreview.render.stored_report import review_from_report
from tfreview.worker.runner import Worker


@pytest.fixture
def client(web: Web) -> Iterator[TestClient]:
    with browser(web.client) as client:
        yield client


def _tarball() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        data = HCL.encode()
        member = tarfile.TarInfo("m\udcffain.tf")  # a member name that is not UTF-8 (bytes m\xffain.tf)
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize(("body", "media"), [(PLAN, "application/json"), (_tarball(), "application/x-tar")])
def test_a_lone_surrogate_is_reviewed_stored_and_read_as_the_replacement_character(
    web: Web, client: TestClient, body: bytes, media: str
) -> None:
    kind = {"application/json": {}, "application/x-tar": {"kind": "tarball"}}[media]
    answer = web.client.post(
        "/api/v1/plans",
        content=body,
        params={"source": "api", **kind},
        headers={"Content-Type": media, **web.token(TENANT_A, Scope.WRITE)},
    )
    assert answer.status_code == 202, answer.text
    review_id = answer.json()["review"]
    outcome = Worker(web.services, "unicode").run_once()
    assert outcome is not None
    assert outcome.result == "succeeded", outcome
    stored = web.services.reviews.get(review_id, TENANT_A)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert stored.report is not None

    read = web.client.get(f"/api/v1/reviews/{review_id}", headers=web.token(TENANT_A, Scope.READ))
    assert read.status_code == 200, read.text
    assert "\ufffd" in read.content.decode("utf-8")
    assert orjson.loads(read.content)["report"] == report_document(stored.report)
    sign_in(client, web.services, TENANT_A, Scope.READ)
    for fmt in ("json", "sarif", "md"):
        download = client.get(f"/reviews/{review_id}/report.{fmt}")
        assert download.status_code == 200, (fmt, download.text)
        text = download.content.decode("utf-8")
        assert "\ufffd" in text or "\\ufffd" in text, fmt  # the JSON download escapes what is not ASCII
    assert client.get(f"/reviews/{review_id}").status_code == 200
    # what the publishers send (PR comment, check run annotations, Spacelift comment) is written from the same review
    review = review_from_report(report_document(stored.report))
    for published in (comment_body(review, "<!-- m -->", commit_sha=None, without_ai=False), render_github(review)):
        assert "\ufffd" in published.encode("utf-8").decode("utf-8")
