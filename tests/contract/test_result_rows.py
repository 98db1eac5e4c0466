"""ADR 0728: `save_result(..., rows=)` — the row hashes and finding rows worked out where the review was finished (a
review process, off the worker's interpreter lock) — writes what the store would have written itself, and the SQL
stores take them only for the row they write; a memory or DynamoDB store has no such rows and ignores them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.contract.conftest import ManualClock, Stores, sql_stores
from tfreview.core.errors import IntegrityError
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.ports.result_rows import ResultRows
from tfreview.ports.review_codec import EncodedDocument, FindingKey, encode, keys_of
from tfreview.rules import load_rules_for
from tfreview.store.database import Database
from tfreview.store.result_rows import result_rows
from tfreview.store.row_hashes import REVIEW_COLUMNS, attributes, review_hash
from tfreview.store.tables import FindingRow, ReviewRow

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus" / "tfcompliance__test_issue-158.json"
TENANT = "api:t"
COUNTS: dict[str, object] = {"findings": 3, "high": 1}


@pytest.fixture
def sql(sql_database: Database) -> Iterator[Stores]:
    made = sql_stores("sql", sql_database, ManualClock())
    try:
        yield made
    finally:
        made.intake.close()  # type: ignore[attr-defined]  (SqlIntake: its writer thread stops first)


def _reviewed() -> tuple[EncodedDocument, list[FindingKey]]:
    change_set = load_plan(PLAN.read_bytes(), path="upload")
    result = review(change_set, load_rules_for(change_set.resource_types()), Policy())
    assert len(result.findings) >= 3
    return EncodedDocument.of(encode(result)), list(keys_of(result.findings))


def _created(stores: Stores) -> StoredReview:
    source = SourceInfo(kind="spacelift", repository="acme/infra", stack_id="st", run_id="r1", account="acme")
    return stores.reviews.create(TENANT, source, plan_id=None)


def _row(stores: Stores, review_id: str) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The review's row as stored (its content columns and integrity hash) and its finding rows, in insert order."""
    assert stores.database is not None
    with stores.database.transaction(write=False) as session:
        row = session.get(ReviewRow, review_id)
        assert row is not None
        columns = {**attributes(row, REVIEW_COLUMNS), "integrity_hash": row.integrity_hash}
        found = session.execute(
            select(
                FindingRow.rule_id, FindingRow.severity, FindingRow.status, FindingRow.address, FindingRow.fingerprint
            )
            .where(FindingRow.review_id == review_id)
            .order_by(FindingRow.id)
        )
        return columns, [tuple(f) for f in found]


def _without_id(columns: dict[str, Any]) -> dict[str, Any]:
    """What two reviews of one document share (their ids, and so their integrity hashes, differ)."""
    return {k: v for k, v in columns.items() if k not in ("id", "integrity_hash")}


def test_rows_worked_out_elsewhere_write_what_the_store_writes_itself(stores: Stores) -> None:
    document, keys = _reviewed()
    given, computed = _created(stores), _created(stores)
    rows = result_rows(given, document, "warn", COUNTS, keys)
    saved = stores.reviews.save_result(given.id, ReviewStatus.COMPLETED, document, "warn", COUNTS, keys=keys, rows=rows)
    stores.reviews.save_result(computed.id, ReviewStatus.COMPLETED, document, "warn", COUNTS, keys=keys)
    assert saved.content_hash == rows.content_hash
    read = stores.reviews.get(given.id, TENANT)  # a stored integrity hash that did not match would raise here
    assert read is not None
    assert read.report == document.document()
    if stores.database is None:
        return
    columns, findings = _row(stores, given.id)
    other_columns, other_findings = _row(stores, computed.id)
    assert columns["integrity_hash"] == rows.integrity_hash == review_hash(columns)
    assert _without_id(columns) == _without_id(other_columns)
    assert findings == other_findings
    assert len(findings) == len(keys)


def test_rows_worked_out_for_another_row_are_not_taken(sql: Stores) -> None:
    """Rows whose hashed columns, content hash or finding rows are not the written row's: the store computes its own
    integrity hash and finding rows (the row reads back as good, its findings are the review's)."""
    stores = sql
    document, keys = _reviewed()
    other_document = EncodedDocument.of({**document.document(), "tool": "0.0.0"})
    for wrong in ("created_at", "tenant_id", "text", "findings"):
        stored = _created(stores)
        if wrong == "created_at":
            rows = result_rows(
                dataclasses.replace(stored, created_at=stored.created_at + timedelta(seconds=1)),
                document,
                "warn",
                COUNTS,
                keys,
            )
        elif wrong == "tenant_id":
            rows = result_rows(dataclasses.replace(stored, tenant_id="api:other"), document, "warn", COUNTS, keys)
        elif wrong == "text":
            rows = result_rows(stored, other_document, "warn", COUNTS, keys)
        else:
            rows = result_rows(dataclasses.replace(stored, id=_created(stores).id), document, "warn", COUNTS, keys)
            rows = dataclasses.replace(rows, hashed=result_rows(stored, document, "warn", COUNTS, keys).hashed)
        stores.reviews.save_result(stored.id, ReviewStatus.COMPLETED, document, "warn", COUNTS, keys=keys, rows=rows)
        columns, findings = _row(stores, stored.id)
        assert columns["integrity_hash"] == review_hash(columns), wrong
        assert stores.reviews.get(stored.id, TENANT) is not None, wrong
        assert len(findings) == len(keys), wrong
        assert stores.reviews.list(TENANT, filters={"finding": keys[0].rule_id}).items, wrong


def test_a_hash_worked_out_wrongly_over_the_right_row_is_refused_when_read(sql: Stores) -> None:
    """The store checks what the hash was computed over, not the hash itself (that is the work it no longer does): a
    review process of our own that computed it wrongly leaves a row every read refuses, as the audit would — never a
    review served as good."""
    stores = sql
    document, keys = _reviewed()
    stored = _created(stores)
    rows = result_rows(stored, document, "warn", COUNTS, keys)
    wrong: ResultRows = dataclasses.replace(rows, integrity_hash="0" * 64)
    stores.reviews.save_result(stored.id, ReviewStatus.COMPLETED, document, "warn", COUNTS, keys=keys, rows=wrong)
    with pytest.raises(IntegrityError):
        stores.reviews.get(stored.id, TENANT)
