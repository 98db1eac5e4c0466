"""Integrity (issue 11 B*): every stored delivery, review and plan carries a content hash; the audit
recomputes it, checks references, quarantines a corrupted row — which is then never served as good.
Bytes are flipped with raw SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.contract.conftest import ManualClock, Stores, sql_stores
from tfreview.core.errors import IntegrityError
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.store.database import Database
from tfreview.store.integrity import audit_database

REVIEW_ID = "0b8a3c9e-0000-4000-8000-00000000000a"
PLAN = json.dumps({"format_version": "1.2", "resource_changes": []}).encode()


def _populate(stores: Stores) -> tuple[int, str]:
    plan_id = stores.plans.put("github:1", PLAN, "plan_json", {"stack": "net"})
    source = SourceInfo(kind="github", repository="acme/infra", pull_request=7, commit_sha="abc")
    job = NewJob(
        kind="review",
        tenant_id="github:1",
        idempotency_key="review:d-1",
        payload={"plan_id": plan_id, "review_id": REVIEW_ID},
    )
    delivery = Delivery("github", "d-1", "pull_request.opened", "github:1", "", stores.clock())
    stored, _ = stores.intake.accept(delivery, b'{"action": "opened"}', job, review=(REVIEW_ID, source))
    report = {
        "findings": [{"rule_id": "TFR-AWS-001", "severity": "high", "status": "new", "address": "aws_s3_bucket.a"}]
    }
    stores.reviews.save_result(REVIEW_ID, ReviewStatus.COMPLETED, report, "fail", {"high": 1})
    assert stored.id is not None
    return stored.id, plan_id


def test_a_clean_store_audits_clean_and_every_row_has_its_hash(sql_database: Database) -> None:
    stores = sql_stores("sql", sql_database, ManualClock())
    _populate(stores)
    report = audit_database(sql_database)
    assert report.clean, report.mismatches
    assert report.checked == {"deliveries": 1, "reviews": 1, "plans": 1}
    assert report.sealed == {"deliveries": 0, "reviews": 0, "plans": 0}  # written with their hash already


def test_rows_stored_before_the_migration_are_sealed_by_the_first_audit(sql_database: Database) -> None:
    stores = sql_stores("sql", sql_database, ManualClock())
    _populate(stores)
    with sql_database.engine.begin() as conn:
        for table in ("deliveries", "reviews", "plans"):
            conn.execute(text(f"UPDATE {table} SET integrity_hash = NULL"))
    first = audit_database(sql_database)
    assert first.clean
    assert first.sealed == {"deliveries": 1, "reviews": 1, "plans": 1}
    second = audit_database(sql_database)
    assert second.sealed == {"deliveries": 0, "reviews": 0, "plans": 0}
    assert second.clean


def test_flipped_bytes_are_found_quarantined_and_never_served(sql_database: Database) -> None:
    stores = sql_stores("sql", sql_database, ManualClock())
    delivery_id, plan_id = _populate(stores)
    with sql_database.engine.begin() as conn:
        conn.execute(text("UPDATE reviews SET report = replace(report, 'high', 'low')"))
        conn.execute(text("UPDATE plans SET content = :junk"), {"junk": b"\x1f\x8b not gzip"})
        conn.execute(text("UPDATE deliveries SET tenant_id = 'github:2'"))
    # before any audit, a read already refuses the review whose content no longer matches its hash
    with pytest.raises(IntegrityError, match="does not match its integrity hash"):
        stores.reviews.get(REVIEW_ID)
    report = audit_database(sql_database)
    assert sorted(m.table for m in report.mismatches) == ["deliveries", "plans", "reviews"]
    with pytest.raises(IntegrityError, match="quarantined"):
        stores.reviews.get(REVIEW_ID)
    with pytest.raises(IntegrityError, match="quarantined"):
        stores.plans.get(plan_id)
    with pytest.raises(IntegrityError, match="quarantined"):
        stores.intake.payload(delivery_id)
    assert stores.reviews.list(None, filters={}).items == []  # a list skips it
    again = audit_database(sql_database)  # counted once: the next audit finds nothing new
    assert again.clean
    assert again.quarantined == {"deliveries": 1, "reviews": 1, "plans": 1}


def test_broken_references_are_reported(sql_database: Database) -> None:
    stores = sql_stores("sql", sql_database, ManualClock())
    _, plan_id = _populate(stores)
    with sql_database.engine.begin() as conn:
        conn.execute(text("DELETE FROM plans"))
        conn.execute(
            text("UPDATE jobs SET payload = :payload"),
            {"payload": json.dumps({"review_id": "gone", "plan_id": plan_id})},
        )
    problems = sorted(m.problem for m in audit_database(sql_database).mismatches)
    assert problems == ["job's review gone does not exist", f"review's plan {plan_id} does not exist"]


def test_a_plan_no_review_refers_to_is_reported_once_it_has_settled(sql_database: Database) -> None:
    """An upload killed between storing its plan and storing its delivery leaves a plan no review refers to
    (ADR 0612): the audit reports it once it is older than an upload takes, never while one may be in progress."""
    clock = ManualClock()
    stores = sql_stores("sql", sql_database, clock)
    _, kept = _populate(stores)
    orphan = stores.plans.put("github:1", PLAN, "plan_json", {"stack": "killed"})
    clock.advance(60)
    young = audit_database(sql_database, clock=clock)
    clock.advance(15 * 60)
    settled = audit_database(sql_database, clock=clock)
    assert young.clean, young.mismatches
    assert [(m.table, m.row_id, m.problem) for m in settled.mismatches] == [
        ("references", orphan, "plan is referred to by no review (an upload whose delivery was never stored)")
    ]
    assert kept != orphan
    assert stores.plans.get(orphan) is not None  # reported, not quarantined: its content is intact
