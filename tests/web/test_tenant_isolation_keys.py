"""Issue 9 items 1 and 9, over real HTTP requests against the app on the SQL adapters (SQLite; PostgreSQL when set).

9.1: two signed deliveries of the same pull request head from two installations are two tenants' work: two
jobs, two reviews, each owned by its tenant (the job key used to lack the tenant: one review, owned by the
first). 9.9: identical uploads store one plan row, not one per upload (the plan was saved before the dedupe).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from tests.web import deliveries
from tests.web.conftest import TENANT_A, Web
from tests.web.test_github_webhook import post
from tests.web.test_sql_backends import _web_on, postgres_server_url  # noqa: F401  # the fixture, shared
from tfreview.ports.records import Scope
from tfreview.store.tables import PlanRow

PLAN = (Path(__file__).parents[1] / "data" / "plans" / "tfjson__actions__plan.json").read_bytes()


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_web(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Web]:
    if request.param == "sqlite":
        yield from _web_on(f"sqlite:///{tmp_path / 'tfreview.db'}")
    else:
        yield from _web_on(request.getfixturevalue("postgres_server_url"))


def _pull_request_of(installation: int, head_sha: str) -> dict[str, object]:
    payload = deliveries.pull_request(head_sha=head_sha)
    payload["installation"] = {"id": installation, "account": {"login": f"org-{installation}"}}
    return payload


def test_the_same_pull_request_head_from_two_installations_is_two_tenants_work(sql_web: Web) -> None:
    head = uuid.uuid4().hex + "0" * 8
    first = post(sql_web, deliveries.github("pull_request", _pull_request_of(1, head)))
    second = post(sql_web, deliveries.github("pull_request", _pull_request_of(3, head)))

    assert (first.status_code, second.status_code) == (202, 202), (first.text, second.text)
    review_1, review_3 = first.json()["review"], second.json()["review"]
    assert review_1 != review_3
    reviews = sql_web.services.reviews
    owned_by_3 = reviews.get(review_3, "github:3")
    assert owned_by_3 is not None
    assert owned_by_3.tenant_id == "github:3"
    assert reviews.get(review_3, "github:1") is None  # and not visible to the other tenant
    assert reviews.get(review_1, "github:1") is not None
    jobs = [j for j in sql_web.services.queue.list(limit=50).items if j.kind == "review"]
    assert sorted(j.tenant_id for j in jobs) == ["github:1", "github:3"]
    assert all(j.tenant_id in j.idempotency_key for j in jobs)


def test_the_tenant_admin_sees_their_own_review_of_a_shared_head(sql_web: Web) -> None:
    head = uuid.uuid4().hex + "0" * 8
    post(sql_web, deliveries.github("pull_request", _pull_request_of(1, head)))
    answer = post(sql_web, deliveries.github("pull_request", _pull_request_of(3, head)))
    review_3 = answer.json()["review"]
    got = sql_web.client.get(f"/api/v1/reviews/{review_3}", headers=sql_web.token("github:3", Scope.ADMIN))
    assert got.status_code == 200, got.text
    assert got.json()["id"] == review_3


def _upload(web: Web) -> dict[str, object]:
    answer = web.client.post(
        "/api/v1/plans",
        content=PLAN,
        headers={"Content-Type": "application/json", **web.token(TENANT_A, Scope.WRITE)},
        params={"repository": "acme/infra", "commit_sha": "a" * 40},
    )
    assert answer.status_code in (200, 202), answer.text
    return dict(answer.json())


def test_five_identical_uploads_store_one_plan_row(sql_web: Web) -> None:
    answers = [_upload(sql_web) for _ in range(5)]

    assert [a["status"] for a in answers] == ["accepted"] + ["duplicate"] * 4
    assert len({a["review"] for a in answers}) == 1
    assert len(sql_web.services.intake.list(source="api").items) == 1
    url = sql_web.services.settings.database.url
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(PlanRow)).scalar_one() == 1
    finally:
        engine.dispose()
