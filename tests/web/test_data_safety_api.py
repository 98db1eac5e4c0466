"""Issue 11 over HTTP, on SQLite and PostgreSQL: a review whose stored bytes were flipped is quarantined by
the audit and never served as good (500 `integrity-error`, skipped by the list, counted in the
audit-mismatch metric); the audit log is listed and its hash chain verified, for operators only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.web.conftest import TENANT_A, Web
from tests.web.test_api import OPERATOR, WithOperator
from tests.web.test_sql_backends import _web_on, postgres_server_url
from tfreview.ports.records import ReviewStatus, Scope, SourceInfo
from tfreview.service.data_safety import run_audit
from tfreview.store.database import Database

__all__ = ["postgres_server_url"]  # the module-scoped PostgreSQL database fixture, shared


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_web(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Web]:
    url = (
        f"sqlite:///{tmp_path / 'tfreview.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_server_url")
    )
    for web in _web_on(url):
        web.swap(authenticator=WithOperator(web.services.authenticator))
        yield web


def _database(web: Web) -> Database:
    database = getattr(web.services, "database", None)
    assert isinstance(database, Database)
    return database


def _metric(web: Web, table: str) -> float:
    assert web.services.exposition is not None
    for line in web.services.exposition().decode().splitlines():
        if line.startswith(f'tfreview_audit_mismatches_total{{table="{table}"}}'):
            return float(line.split()[-1])
    return 0.0


def test_a_corrupted_review_is_quarantined_and_never_served(sql_web: Web) -> None:
    services = sql_web.services
    review = services.reviews.create(TENANT_A, SourceInfo(kind="api", repository="acme/corrupt"))
    report = {"findings": [{"rule_id": "TFR-AWS-001", "severity": "high", "status": "new", "address": "a.b"}]}
    services.reviews.save_result(review.id, ReviewStatus.COMPLETED, report, "fail", {"high": 1})
    headers = sql_web.token(TENANT_A, Scope.READ)
    assert sql_web.client.get(f"/api/v1/reviews/{review.id}", headers=headers).status_code == 200

    with _database(sql_web).engine.begin() as conn:  # flip bytes behind the service's back
        conn.execute(text("UPDATE reviews SET verdict = 'pass' WHERE id = :id"), {"id": review.id})
    before = _metric(sql_web, "reviews")
    found = run_audit(_database(sql_web), services.metrics)
    assert [(m.table, m.row_id) for m in found.mismatches] == [("reviews", review.id)]
    assert _metric(sql_web, "reviews") == before + 1

    answer = sql_web.client.get(f"/api/v1/reviews/{review.id}", headers=headers)
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["title"] == "Stored data failed its integrity check"
    listed = sql_web.client.get("/api/v1/reviews", params={"repository": "acme/corrupt"}, headers=headers)
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    assert run_audit(_database(sql_web), services.metrics).clean  # counted once
    assert _metric(sql_web, "reviews") == before + 1


def test_the_audit_log_is_listed_and_verified_for_operators_only(sql_web: Web) -> None:
    audit = sql_web.services.audit
    audit.record("token.create", actor="cli:alice", target="token:t1", detail={"scope": "admin"})
    audit.record("job.requeue", actor="operator", target="job:7")
    page = sql_web.client.get("/api/v1/audit-log", headers=OPERATOR)
    assert page.status_code == 200
    actions = [item["action"] for item in page.json()["items"]]
    assert actions[:2] == ["job.requeue", "token.create"]
    only = sql_web.client.get("/api/v1/audit-log", params={"action": "token.create"}, headers=OPERATOR).json()
    assert [item["target"] for item in only["items"]] == ["token:t1"]
    assert sql_web.client.get("/api/v1/audit-log/verify", headers=OPERATOR).json()["intact"] is True
    tenant_admin = sql_web.token(TENANT_A, Scope.ADMIN)
    assert sql_web.client.get("/api/v1/audit-log", headers=tenant_admin).status_code == 403
    assert sql_web.client.get("/api/v1/audit-log").status_code == 401

    first = min(item["id"] for item in page.json()["items"])
    with _database(sql_web).engine.begin() as conn:  # tamper: rewrite who did it
        conn.execute(text("UPDATE audit_log SET actor = 'cli:mallory' WHERE id = :id"), {"id": first})
    verdict = sql_web.client.get("/api/v1/audit-log/verify", headers=OPERATOR).json()
    assert verdict["intact"] is False
    assert verdict["broken_id"] == first
    assert "edited" in verdict["problem"]


def test_an_admin_requeue_is_recorded_in_the_audit_log(sql_web: Web) -> None:
    from tests.web.test_api import _dead_job

    job_id = _dead_job(sql_web, TENANT_A, "audit-requeue")
    dead = sql_web.services.queue.get(job_id)
    assert dead is not None
    admin = sql_web.token(TENANT_A, Scope.ADMIN)
    answer = sql_web.client.post(f"/api/v1/jobs/{job_id}/retry", headers=admin)
    assert answer.status_code == 202
    entries = sql_web.services.audit.list(action="job.requeue").items
    assert entries[0].target == f"job:{job_id}"  # the newest
    assert entries[0].actor.startswith("token:")
    # the retry is a new start (ADR 0536): the job's created_at is the retry's; when it was first queued is kept here
    assert entries[0].detail == {
        "tenant": TENANT_A,
        "first_queued_at": dead.created_at.isoformat(),
        "request_id": answer.headers["x-request-id"],  # A11: which request (test_audit_request_ids.py)
    }
