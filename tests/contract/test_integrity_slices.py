"""The periodic integrity audit in slices (ADR 0506): each period reads at most K rows of each table, goes on
where the last one stopped (kept in the database, so across a restart), wraps around, and so still finds a
corrupted old row within the promised ceil(N / K) + 1 periods — on SQLite and PostgreSQL. The full audit
(`tfreview audit`) still checks every row."""

from __future__ import annotations

import json
import math
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Select, event, text
from sqlalchemy.engine import ExecutionContext

from tests.contract.conftest import ManualClock, sql_stores
from tfreview.ops.metrics import PrometheusRecorder
from tfreview.ops.settings import BackupSettings
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, SourceInfo
from tfreview.service.data_safety import AUDIT_METRIC, run_periodic_audit, start_data_safety
from tfreview.settings import Settings
from tfreview.store.audit_cursors import load_positions
from tfreview.store.audit_entries import MemoryAuditTrail
from tfreview.store.database import Database
from tfreview.store.integrity import AUDITED, audit_database, audit_slice

ROWS = 12  # deliveries, jobs and reviews each
K = 5
PROMISED = math.ceil(ROWS / K) + 1


def _populate(database: Database, count: int = ROWS) -> list[int]:
    stores = sql_stores("sql", database, ManualClock())
    ids: list[int] = []
    for n in range(count):
        review_id = f"0b8a3c9e-0000-4000-8000-{n:012d}"
        job = NewJob(
            kind="review", tenant_id="github:1", idempotency_key=f"review:d-{n}", payload={"review_id": review_id}
        )
        delivery = Delivery("github", f"d-{n}", "pull_request.opened", "github:1", "", stores.clock())
        source = SourceInfo(kind="github", repository="acme/infra", pull_request=n, commit_sha="abc")
        stored, _ = stores.intake.accept(delivery, b'{"action": "opened"}', job, review=(review_id, source))
        assert stored.id is not None
        ids.append(stored.id)
    return ids


def _mismatches(metrics: PrometheusRecorder, table: str) -> float:
    return sum(
        value for name, labels, value in metrics.samples() if name == AUDIT_METRIC and labels.get("table") == table
    )


class _Reads:
    """Every SELECT the audit sends, by the one table it reads and its LIMIT: an upper bound on the rows it read,
    counted from the statements themselves rather than from what the audit reports."""

    def __init__(self, database: Database) -> None:
        self.limits: dict[str, int] = defaultdict(int)
        self.unbounded: list[str] = []
        self.database = database

    def __enter__(self) -> _Reads:
        event.listen(self.database.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.database.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, params: Any, context: ExecutionContext, many: bool) -> None:
        compiled = context.compiled
        query = compiled.statement if compiled is not None else None
        if not isinstance(query, Select):
            return
        tables = {str(getattr(source, "name", "")) for source in query.get_final_froms()}
        audited = tables & set(AUDITED)
        if len(tables) != 1 or not audited or "audit_cursors" in tables:
            return
        (table,) = audited
        limit = query._limit  # the LIMIT the statement was built with
        if limit is None:
            # only the reference look-ups by id, at most one id per row of the batch being checked
            if query.whereclause is None or " IN " not in str(query.whereclause).upper():
                self.unbounded.append(statement)
            return
        self.limits[table] += int(limit)


def test_a_slice_reads_at_most_k_rows_of_each_table(sql_database: Database) -> None:
    _populate(sql_database)
    with _Reads(sql_database) as reads:
        report, positions = audit_slice(sql_database, {}, rows=K)
    assert reads.unbounded == []
    assert set(reads.limits) == set(AUDITED)
    assert all(limit <= K for limit in reads.limits.values()), reads.limits
    assert report.checked == {"deliveries": K, "reviews": K, "plans": 0}
    assert report.jobs_checked == K
    # deliveries and jobs are keyed by integer ids, reviews by text ids: each stops after its K-th row
    assert positions["deliveries"] is not None
    assert positions["jobs"] is not None
    assert positions["reviews"] is not None
    assert positions["plans"] is None
    assert report.clean


def test_every_row_is_checked_once_per_round_of_slices(sql_database: Database) -> None:
    _populate(sql_database)
    positions: dict[str, Any] = {}
    checked = 0
    for _ in range(math.ceil(ROWS / K)):
        report, positions = audit_slice(sql_database, positions, rows=K)
        checked += report.checked["deliveries"]
    assert checked == ROWS
    assert positions["deliveries"] is None  # the end was reached: the next slice starts over
    report, _ = audit_slice(sql_database, positions, rows=K)
    assert report.checked["deliveries"] == K


def test_a_corrupted_old_row_is_found_within_the_promised_periods(sql_database: Database) -> None:
    ids = _populate(sql_database)
    metrics = PrometheusRecorder(strict=True)
    first = run_periodic_audit(sql_database, metrics, rows=K)  # the cursor is now past the first K rows
    assert first.clean
    old = ids[1]  # behind the cursor: found only after the slices wrap around
    with sql_database.engine.begin() as conn:
        conn.execute(text("UPDATE deliveries SET integrity_hash = :bad WHERE id = :id"), {"bad": "0" * 64, "id": old})
    found_after = None
    for period in range(1, PROMISED + 1):
        report = run_periodic_audit(sql_database, metrics, rows=K)
        if report.mismatches:
            assert [(m.table, m.row_id) for m in report.mismatches] == [("deliveries", str(old))]
            found_after = period
            break
    assert found_after is not None, f"not found within {PROMISED} periods"
    assert _mismatches(metrics, "deliveries") == 1  # the audit-mismatch alert's metric, counted once
    # quarantined: later rounds count it as already quarantined, never as a new mismatch
    for _ in range(PROMISED):
        assert run_periodic_audit(sql_database, metrics, rows=K).clean
    assert _mismatches(metrics, "deliveries") == 1


def test_a_broken_reference_is_found_by_the_slices(sql_database: Database) -> None:
    _populate(sql_database)
    with sql_database.engine.begin() as conn:
        last_job = conn.execute(text("SELECT max(id) FROM jobs")).scalar_one()
        conn.execute(
            text("UPDATE jobs SET payload = :payload WHERE id = :id"),
            {"payload": json.dumps({"review_id": "gone"}), "id": last_job},
        )
    problems: list[str] = []
    positions: dict[str, Any] = {}
    for _ in range(PROMISED):
        report, positions = audit_slice(sql_database, positions, rows=K)
        problems.extend(m.problem for m in report.mismatches)
    assert problems == ["job's review gone does not exist"]


@contextmanager
def _reopened(database: Database) -> Iterator[Database]:
    url = database.url.render_as_string(hide_password=False)
    database.close()
    again = Database(url)
    try:
        yield again
    finally:
        again.close()


def test_the_cursor_survives_a_restart(sql_database: Database) -> None:
    _populate(sql_database)
    metrics = PrometheusRecorder(strict=True)
    run_periodic_audit(sql_database, metrics, rows=K)
    saved = load_positions(sql_database)
    assert set(saved) == set(AUDITED)
    assert saved["deliveries"] is not None
    assert saved["reviews"] is not None
    with _reopened(sql_database) as database:  # a new process: only the database remembers
        assert load_positions(database) == saved
        run_periodic_audit(database, metrics, rows=K)
        after = load_positions(database)
        assert isinstance(after["deliveries"], int)
        assert after["deliveries"] > saved["deliveries"]
        assert isinstance(after["reviews"], str)
        assert after["reviews"] > saved["reviews"]


def test_zero_rows_per_pass_is_the_full_audit_and_the_full_audit_checks_every_row(sql_database: Database) -> None:
    _populate(sql_database)
    metrics = PrometheusRecorder(strict=True)
    run_periodic_audit(sql_database, metrics, rows=K)
    assert run_periodic_audit(sql_database, metrics, rows=0).checked["deliveries"] == ROWS
    full = audit_database(sql_database)  # `tfreview audit`: every row, whatever the cursors say
    assert full.checked == {"deliveries": ROWS, "reviews": ROWS, "plans": 0}
    assert full.jobs_checked == ROWS
    assert full.clean


def test_a_slice_of_no_rows_is_refused(sql_database: Database) -> None:
    with pytest.raises(ValueError, match="at least one row"):
        audit_slice(sql_database, {}, rows=0)


def test_serve_s_data_safety_thread_audits_one_slice_of_the_configured_size(sql_database: Database) -> None:
    ids = _populate(sql_database)
    settings = Settings(backup=BackupSettings(interval_seconds=0, audit_interval_seconds=3600, audit_rows_per_pass=K))
    stop = threading.Event()
    thread = start_data_safety(settings, sql_database, PrometheusRecorder(strict=True), MemoryAuditTrail(), stop)
    assert thread is not None
    try:
        waited = threading.Event()
        for _ in range(600):  # the first audit runs at start; the next one only in an hour
            if load_positions(sql_database):
                break
            waited.wait(0.1)
    finally:
        stop.set()
        thread.join()
    positions = load_positions(sql_database)
    assert positions["deliveries"] == ids[K - 1]


def test_a_position_of_the_wrong_kind_starts_its_table_over(sql_database: Database) -> None:
    _populate(sql_database)
    report, positions = audit_slice(
        sql_database, {"deliveries": "not-an-id", "reviews": 7, "plans": None, "jobs": True}, rows=K
    )
    assert report.checked == {"deliveries": K, "reviews": K, "plans": 0}
    assert report.jobs_checked == K
    assert isinstance(positions["deliveries"], int)
    assert isinstance(positions["reviews"], str)
