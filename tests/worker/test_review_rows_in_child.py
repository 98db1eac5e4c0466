"""ADR 0728: a review process works out the SQL store's rows of the review it finished (the row's content and integrity
hashes, its finding rows); the worker thread writes them as they are. A stored upload review is byte for byte the
row the worker thread's own path (the store working everything out) writes, on SQLite and PostgreSQL, with real,
spawned review processes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tfreview.ports.job_types import ReviewJob
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.ports.review_processes import Finish, FinishedReview
from tfreview.service.container import Services
from tfreview.service.reviewing import run_review
from tfreview.service.uploads import accept_upload
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.store.result_rows import result_rows, trusted
from tfreview.store.reviews import SqlReviewStore
from tfreview.store.row_hashes import REVIEW_COLUMNS, attributes, review_hash
from tfreview.store.tables import FindingRow, ReviewRow
from tfreview.wiring import WiredServices, build_services
from tfreview.worker.review_processes import ReviewProcessPool, with_review_processes

from .conftest import _emptied, database_settings, sqlite_url

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus" / "tfcompliance__test_issue-158.json"
TENANT = "api:acme"


@pytest.fixture(params=["sqlite", "postgres"])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WiredServices]:
    url = sqlite_url(tmp_path) if request.param == "sqlite" else _emptied(request.getfixturevalue("postgres_url"))
    built = build_services(database_settings(url, review_process=True))
    try:
        yield built
    finally:
        built.close()


def _row(services: Services, review_id: str) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """Every column of the review's row but its status times, and its finding rows in insert order."""
    store = services.reviews
    assert isinstance(store, SqlReviewStore)
    with store.database.transaction(write=False) as session:
        row = session.get(ReviewRow, review_id)
        assert row is not None
        columns = {
            **attributes(row, REVIEW_COLUMNS),
            "status": row.status,
            "integrity_hash": row.integrity_hash,
        }
        found = session.execute(
            select(
                FindingRow.review_id,
                FindingRow.rule_id,
                FindingRow.severity,
                FindingRow.status,
                FindingRow.address,
                FindingRow.fingerprint,
            )
            .where(FindingRow.review_id == review_id)
            .order_by(FindingRow.id)
        )
        return columns, [tuple(f) for f in found]


def test_a_stored_upload_review_is_byte_identical_to_the_worker_threads(services: WiredServices) -> None:
    pooled = with_review_processes(services, services.closers.add)
    pool = pooled.review_processes
    assert isinstance(pool, ReviewProcessPool)
    metadata = {"source": "api", "run": uuid.uuid4().hex}
    review_id, _ = accept_upload(
        services, TENANT, PLAN.read_bytes(), "plan", metadata, SourceInfo(kind="api"), datetime.now(UTC)
    )
    stored = services.reviews.get(review_id, TENANT)
    assert stored is not None
    job = ReviewJob.for_review(stored.tenant_id, stored.id, plan_id=stored.plan_id)

    run_review(pooled, job, lambda: None)  # in a review process, which works out the rows
    assert pool.pids()
    in_child = _row(services, review_id)
    services.reviews.set_status(review_id, ReviewStatus.QUEUED)
    run_review(services, job, lambda: None)  # on this thread: the store works everything out
    in_thread = _row(services, review_id)

    assert in_child == in_thread
    columns, findings = in_child
    assert columns["status"] == ReviewStatus.COMPLETED.value
    assert columns["integrity_hash"] == review_hash(columns)
    assert findings
    assert services.reviews.get(review_id, TENANT) is not None  # the integrity check of a read passes

    # and the review process's rows are what the store takes for that row, not what it works out again
    source = services.sources["api"]
    assert isinstance(source, UploadedPlanSource)
    finish = Finish(builtin_advice=True, tenant_id=TENANT)
    answer = pool.review(stored, {}, lambda: False, prepared=source.prepare(stored, {}), finish=finish)
    assert isinstance(answer, FinishedReview)
    assert answer.rows is not None
    assert answer.rows == result_rows(stored, answer.document, answer.verdict, answer.counts, answer.keys)
    assert trusted(answer.rows, review_id, columns) is answer.rows
    assert answer.rows.integrity_hash == columns["integrity_hash"]
    assert [tuple(values) for values in answer.rows.findings] == findings
