"""Intake scenarios (delivery + job + review in one transaction), on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from tests.contract.conftest import Stores
from tfreview.core.errors import IntegrityError
from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.jobs import JobState, NewJob
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo


def delivery(stores: Stores, key: str, tenant: str = "github:1", source: str = "github") -> Delivery:
    return Delivery(
        source=source,
        key=key,
        event="pull_request.opened",
        tenant_id=tenant,
        payload_sha256="",
        received_at=stores.clock(),
    )


def job_for(key: str, tenant: str = "github:1") -> NewJob:
    return NewJob(kind="review", tenant_id=tenant, idempotency_key=f"review:{key}", payload={"plan_id": "p-1"})


def test_accept_writes_delivery_job_and_review_together(stores: Stores) -> None:
    payload = b'{"action": "opened"}'
    source = SourceInfo(kind="github", repository="acme/infra", pull_request=7, commit_sha="abc")
    stored, created = stores.intake.accept(
        delivery(stores, "d-1"), payload, job_for("d-1"), review=("0b8a3c9e-0000-4000-8000-000000000001", source)
    )
    assert created
    assert stored.id is not None
    assert stored.job_id is not None
    assert stored.payload_sha256 == sha256_hex(payload)
    assert stored.received_at == stores.clock()
    job = stores.queue.get(stored.job_id)
    assert job is not None
    assert job.state == JobState.QUEUED
    assert job.payload == {"plan_id": "p-1"}
    review = stores.reviews.get("0b8a3c9e-0000-4000-8000-000000000001", tenant_id="github:1")
    assert review is not None
    assert review.status == ReviewStatus.QUEUED
    assert review.source == source
    assert review.plan_id == "p-1"
    assert stores.intake.payload(stored.id) == payload
    assert stores.intake.payload(stored.id, tenant_id="github:2") is None
    assert stores.intake.payload(999_999) is None


def test_duplicate_delivery_returns_the_existing_one_and_writes_nothing(stores: Stores) -> None:
    first, _ = stores.intake.accept(delivery(stores, "d-1"), b"{}", job_for("d-1"))
    again, created = stores.intake.accept(delivery(stores, "d-1"), b'{"other": 1}', job_for("d-1-other"))
    assert not created
    assert again == first
    assert stores.queue.depth() == 1
    assert len(stores.intake.list().items) == 1


def test_accept_without_a_job_records_an_ignored_delivery(stores: Stores) -> None:
    ignored = delivery(stores, "ping-1")
    stored, created = stores.intake.accept(
        Delivery(**{**_fields(ignored), "status": "ignored", "event": "ping"}), b"{}", None
    )
    assert created
    assert stored.job_id is None
    assert stored.status == "ignored"
    assert stores.queue.depth() == 0


def _fields(d: Delivery) -> dict[str, object]:
    return {name: getattr(d, name) for name in Delivery.__slots__}


def test_w5_the_same_delivery_50_times_at_once_gives_one_delivery_one_job(stores: Stores) -> None:
    results: list[bool] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(50)

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(stores.intake.accept(delivery(stores, "same"), b"{}", job_for("same"))[1])
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    assert sorted(results) == [False] * 49 + [True]
    assert len(stores.intake.list().items) == 1
    assert stores.queue.depth() == 1


def test_spacelift_state_keeps_the_highest_state_version(stores: Stores) -> None:
    record = stores.intake.spacelift_state
    assert record("spacelift:acme", "run-1", "PLANNING", 2)
    assert not record("spacelift:acme", "run-1", "QUEUED", 1)  # late, older event
    assert not record("spacelift:acme", "run-1", "PLANNING", 2)  # redelivery
    assert record("spacelift:acme", "run-1", "FINISHED", 5)
    assert record("spacelift:other", "run-1", "QUEUED", 1)  # another tenant's run of the same id


def test_deliveries_list_pages_and_scopes(stores: Stores) -> None:
    for i in range(5):
        stores.intake.accept(delivery(stores, f"a{i}", tenant="github:1"), b"{}", None)
    stores.intake.accept(delivery(stores, "s1", tenant="spacelift:x", source="spacelift"), b"{}", None)
    first = stores.intake.list(tenant_id="github:1", limit=3)
    assert len(first.items) == 3
    assert first.next_cursor
    rest = stores.intake.list(tenant_id="github:1", limit=3, cursor=first.next_cursor)
    assert len(rest.items) == 2
    assert rest.next_cursor is None
    assert [d.key for d in first.items + rest.items] == ["a4", "a3", "a2", "a1", "a0"]
    assert [d.key for d in stores.intake.list(source="spacelift").items] == ["s1"]


def test_payload_integrity_is_checked(stores: Stores) -> None:
    stored, _ = stores.intake.accept(delivery(stores, "d-1"), b"original", None)
    assert stored.id is not None
    tamper(stores, stored.id, b"tampered")
    with pytest.raises(IntegrityError):
        stores.intake.payload(stored.id)


def tamper(stores: Stores, delivery_id: int, data: bytes) -> None:
    from tfreview.store.memory_intake import MemoryIntake

    if isinstance(stores.intake, MemoryIntake):
        stores.intake.corrupt_payload_for_test(delivery_id, data)
        return
    if stores.backend == "dynamodb":
        import gzip

        from tfreview.store.aws.intake import DynamoIntake, delivery_pk

        assert isinstance(stores.intake, DynamoIntake)
        stores.intake.table.update(delivery_pk(delivery_id), "DEL", set_={"blob": gzip.compress(data)})
        return
    from sqlalchemy import update

    from tfreview.store.tables import DeliveryRow

    assert stores.database is not None
    with stores.database.transaction() as session:
        session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id).values(payload=data))
