"""The review page says a delete is of a deposed object (tests/data/plans/real17/deposed_database.json): the old
database an unfinished create-before-destroy replace left behind goes, the current one stays. It showed `delete
aws_db_instance.main` and nothing more, which reads as the live database being deleted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.asgi_client import TestClient
from tests.web.conftest import TENANT_A, Web
from tests.web.dashboard_helpers import browser, sign_in
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.inputs import load_change_set
from tfreview.ports.records import ReviewStatus, Scope, SourceInfo
from tfreview.ports.review_codec import encode
from tfreview.render.json_report import review_document
from tfreview.rules import load_rules

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "real17" / "deposed_database.json"


@pytest.fixture
def client(web: Web) -> Iterator[TestClient]:
    with browser(web.client) as client:
        yield client


@pytest.mark.parametrize("codec", [encode, review_document], ids=["stored-v1", "stored-json-report"])
def test_the_review_page_says_the_delete_is_of_a_deposed_object(web: Web, client: TestClient, codec: Any) -> None:
    result = review(load_change_set(str(PLAN)), load_rules(), Policy())
    created = web.services.reviews.create(TENANT_A, SourceInfo(kind="github", repository="acme/infra", pull_request=7))
    stored = web.services.reviews.save_result(
        created.id, ReviewStatus.COMPLETED, codec(result), result.verdict.value, dict(result.counts)
    )
    sign_in(client, web.services, TENANT_A, Scope.READ)
    page = client.get(f"/reviews/{stored.id}")
    assert page.status_code == 200
    destroys = page.text.split('id="destroys"', 1)[1].split("</section>", 1)[0]
    assert ">delete (deposed)</span>" in destroys
    assert "deposed object 5b6c7d8e" in destroys
    assert "the current object stays" in destroys
