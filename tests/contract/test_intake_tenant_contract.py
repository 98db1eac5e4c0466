"""Intake writes the tenant and the Spacelift run state in the delivery's transaction (ADR 0235), on memory,
SQLite, PostgreSQL and DynamoDB: after an accept they are all there; an accept that fails in the middle (its
job insert refused) leaves no tenant, no run state and no delivery behind."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
import pytest

from tests.contract.conftest import Stores
from tfreview.core.errors import IntegrityError
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, ReviewStatus, RunStateVersion, SourceInfo, Tenant

TENANT = Tenant("spacelift:acme", "spacelift", "acme")
REVIEW_ID = "0b8a3c9e-0000-4000-8000-000000000235"
SOURCE = SourceInfo(kind="spacelift", stack_id="infra", run_id="run-1", commit_sha="abc")


class ForcedFailure(Exception):
    """The memory adapter's job insert refused (the SQL and DynamoDB ones fail in the database itself)."""


def delivery(stores: Stores, key: str) -> Delivery:
    return Delivery(
        source="spacelift",
        key=key,
        event="run_state.FINISHED",
        tenant_id=TENANT.id,
        payload_sha256="",
        received_at=stores.clock(),
    )


def job_for(key: str) -> NewJob:
    return NewJob(kind="review", tenant_id=TENANT.id, idempotency_key=f"review:{key}", payload={"plan_id": "p-1"})


def stored_version(stores: Stores, run_id: str) -> int:
    """The highest state_version stored for the run (0: none), found through the port's own comparison."""
    for version in range(1, 20):
        if stores.intake.spacelift_state(TENANT.id, run_id, "PROBE", version):
            return version - 1
    raise AssertionError("no version below 20 was accepted")


def test_accept_writes_tenant_run_state_delivery_job_and_review_together(stores: Stores) -> None:
    stored, created = stores.intake.accept(
        delivery(stores, "d-1"),
        b"{}",
        job_for("d-1"),
        review=(REVIEW_ID, SOURCE),
        tenant=TENANT,
        run_state=RunStateVersion("run-1", "FINISHED", 5),
    )
    assert created
    assert stores.tenants.get(TENANT.id) == TENANT
    assert stores.tenants.known(TENANT)  # the tenants adapter learnt it: the next accept writes no tenant
    found = stores.intake.find("spacelift", "d-1")
    assert found is not None
    assert (found.id, found.job_id) == (stored.id, stored.job_id)
    assert stored.job_id is not None
    assert stores.queue.get(stored.job_id) is not None
    review = stores.reviews.get(REVIEW_ID, tenant_id=TENANT.id)
    assert review is not None
    assert review.status == ReviewStatus.QUEUED
    assert stored_version(stores, "run-1") == 5


def test_a_renamed_tenant_and_an_older_run_state(stores: Stores) -> None:
    first = RunStateVersion("run-1", "FINISHED", 5)
    stores.intake.accept(delivery(stores, "d-1"), b"{}", None, tenant=TENANT, run_state=first)
    renamed = Tenant(TENANT.id, "spacelift", "acme-renamed")
    older = RunStateVersion("run-1", "PLANNING", 3)  # a late, older notification
    _, created = stores.intake.accept(delivery(stores, "d-2"), b"{}", None, tenant=renamed, run_state=older)
    assert created  # stored all the same: only the run state stays as it was
    assert stores.tenants.get(TENANT.id) == renamed
    assert stored_version(stores, "run-1") == 5


def test_a_duplicate_delivery_writes_no_tenant_and_no_run_state(stores: Stores) -> None:
    stores.intake.accept(delivery(stores, "d-1"), b"{}", None)
    _, created = stores.intake.accept(
        delivery(stores, "d-1"), b"{}", None, tenant=TENANT, run_state=RunStateVersion("run-1", "FINISHED", 5)
    )
    assert not created
    assert stores.tenants.get(TENANT.id) is None
    assert stored_version(stores, "run-1") == 0


def test_an_accept_failing_in_its_job_insert_leaves_nothing_behind(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_job_insert(stores, monkeypatch)
    with pytest.raises((ForcedFailure, IntegrityError, sqlite3.IntegrityError, psycopg.IntegrityError)):
        stores.intake.accept(
            delivery(stores, "d-1"),
            b"{}",
            job_for("d-1"),
            review=(REVIEW_ID, SOURCE),
            tenant=TENANT,
            run_state=RunStateVersion("run-1", "FINISHED", 5),
        )
    assert stores.intake.find("spacelift", "d-1") is None
    assert stores.tenants.get(TENANT.id) is None
    assert not stores.tenants.known(TENANT)
    assert stores.reviews.get(REVIEW_ID, tenant_id=TENANT.id) is None
    monkeypatch.undo()  # the database takes jobs again: the same delivery is stored whole
    stored, created = stores.intake.accept(
        delivery(stores, "d-1"), b"{}", job_for("d-1"), tenant=TENANT, run_state=RunStateVersion("run-1", "X", 6)
    )
    assert created
    assert stored.job_id is not None
    assert stores.tenants.get(TENANT.id) == TENANT
    assert stored_version(stores, "run-1") == 6


def refuse_job_insert(stores: Stores, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the job's write fail where each adapter does it, after the tenant and run state are written:
    SQL — the job row breaks a NOT NULL constraint in the database; DynamoDB — the job item already
    exists, so the transaction's conditional Put is cancelled; memory — the queue refuses it."""
    if stores.backend == "memory":

        def refuse(*args: object, **kwargs: object) -> Any:
            raise ForcedFailure("job insert refused")

        monkeypatch.setattr(stores.queue, "enqueue", refuse)
    elif stores.backend == "dynamodb":
        from tfreview.store.aws import intake as dynamo_intake

        original_items = dynamo_intake.new_job_items

        def taken(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
            items = original_items(*args, **kwargs)
            stores.intake.table.put(items[1])  # type: ignore[attr-defined]  (the job item, before its Put)
            return items

        monkeypatch.setattr(dynamo_intake, "new_job_items", taken)
    else:
        from tfreview.store import intake_writer

        original_values = intake_writer.new_job_values

        def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
            return {**original_values(*args, **kwargs), "idempotency_key": None}

        monkeypatch.setattr(intake_writer, "new_job_values", broken)
