"""GET /api/v1/reviews/{id} when the report's rendering is kept: the store reads the review without its report
(neither read nor parsed), on SQLite and PostgreSQL (ADR 0372)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import text

from tests.web.conftest import TENANT_A, Web
from tests.web.dashboard_helpers import stored_review
from tests.web.test_sql_backends import postgres_server_url, sql_web  # noqa: F401 - fixtures used below
from tfreview.ports.records import Scope, StoredReview
from tfreview.ports.service import ReviewStore
from tfreview.store.reviews import SqlReviewStore


@dataclass
class RecordingReviews:
    """The real store, recording whether each `get` asked for the report."""

    store: ReviewStore
    asked: list[bool] = field(default_factory=list)

    def get(self, review_id: str, tenant_id: str | None = None, *, with_report: bool = True) -> StoredReview | None:
        self.asked.append(with_report)
        return self.store.get(review_id, tenant_id, with_report=with_report)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_a_kept_rendering_is_served_from_a_read_without_the_report(sql_web: Web) -> None:  # noqa: F811 - the fixture
    stored = stored_review(sql_web.services, TENANT_A)
    light = sql_web.services.reviews.get(stored.id, TENANT_A, with_report=False)
    assert light is not None
    assert light.report is None
    assert light.content_hash == stored.content_hash
    assert replace(light, report=stored.report) == stored  # the same review, but for the report not read
    assert sql_web.services.reviews.get(stored.id, "someone-else", with_report=False) is None

    recording = RecordingReviews(sql_web.services.reviews)
    sql_web.swap(reviews=recording)
    auth = sql_web.token(TENANT_A, Scope.READ)
    first = sql_web.client.get(f"/api/v1/reviews/{stored.id}", headers=auth)
    assert first.status_code == 200
    assert recording.asked == [False, True]  # nothing kept yet: read again, whole, and rendered
    second = sql_web.client.get(f"/api/v1/reviews/{stored.id}", headers=auth)
    assert second.status_code == 200
    assert second.content == first.content
    assert recording.asked == [False, True, False]  # kept: the report is neither read nor parsed
    assert first.json()["report"]["findings"]


def test_a_row_changed_behind_the_store_is_read_whole_and_refused(sql_web: Web) -> None:  # noqa: F811 - the fixture
    """The kept rendering answers only while the row's other content columns are those it was made from: a
    verdict edited in the database (no new integrity hash) sends the read back to the checked whole read."""
    stored = stored_review(sql_web.services, TENANT_A)
    auth = sql_web.token(TENANT_A, Scope.READ)
    assert sql_web.client.get(f"/api/v1/reviews/{stored.id}", headers=auth).status_code == 200  # now kept
    store = sql_web.services.reviews
    assert isinstance(store, SqlReviewStore)
    with store.database.engine.begin() as connection:
        connection.execute(text("UPDATE reviews SET verdict = 'pass' WHERE id = :id"), {"id": stored.id})
    refused = sql_web.client.get(f"/api/v1/reviews/{stored.id}", headers=auth)
    assert refused.status_code == 500
    assert refused.json()["type"].endswith("integrity-error")
