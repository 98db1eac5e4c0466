"""Where accepted webhooks and uploads land: delivery row + job row (+ queued review) in ONE transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import Table, bindparam, exc, select

from tfreview.core.errors import IntegrityError
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.job_types import plan_id_of, review_id_of
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, Page, SourceInfo
from tfreview.store.database import Database
from tfreview.store.jobs import enqueue_in
from tfreview.store.paging import newest_first
from tfreview.store.reviews import new_review_row
from tfreview.store.row_hashes import delivery_hash
from tfreview.store.tables import DeliveryRow, ReviewRow, SpaceliftRunRow

_RACE_RETRIES = 3
_DELIVERIES = cast(Table, DeliveryRow.__table__)
_REVIEWS = cast(Table, ReviewRow.__table__)
_REVIEW_COLUMNS = [(prop.key, prop.columns[0].name) for prop in ReviewRow.__mapper__.column_attrs]
_DELIVERY_BY_KEY = select(_DELIVERIES).where(
    _DELIVERIES.c.source == bindparam("source"), _DELIVERIES.c.key == bindparam("key")
)
_REVIEW_EXISTS = select(_REVIEWS.c.id).where(_REVIEWS.c.id == bindparam("id"))
_INSERT_DELIVERY = _DELIVERIES.insert().returning(_DELIVERIES.c.id)
_INSERT_REVIEW = _REVIEWS.insert()


_DELIVERY_FIELDS = ("source", "key", "event", "tenant_id", "payload_sha256", "received_at", "id", "job_id", "status")


def delivery_record(row: DeliveryRow) -> Delivery:
    return _delivery_from({name: getattr(row, name) for name in _DELIVERY_FIELDS})


def _delivery_from(row: Mapping[str, Any]) -> Delivery:
    return Delivery(**{name: row[name] for name in _DELIVERY_FIELDS})


class SqlIntake:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def accept(
        self, delivery: Delivery, payload: bytes, job: NewJob | None, *, review: tuple[str, SourceInfo] | None = None
    ) -> tuple[Delivery, bool]:
        for attempt in range(_RACE_RETRIES):
            try:
                return self._accept_once(delivery, payload, job, review)
            except exc.IntegrityError:
                # a concurrent accept committed the same (source, key) — or the same job key — first
                existing = self.find(delivery.source, delivery.key)
                if existing is not None:
                    return existing, False
                if attempt == _RACE_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _accept_once(
        self, delivery: Delivery, payload: bytes, job: NewJob | None, review: tuple[str, SourceInfo] | None
    ) -> tuple[Delivery, bool]:
        # The hot path of every webhook: prebuilt Core statements, no ORM unit of work (see the intake benchmark).
        with self.database.transaction() as session:
            conn = session.connection()
            existing = conn.execute(_DELIVERY_BY_KEY, {"source": delivery.source, "key": delivery.key}).first()
            if existing is not None:
                return _delivery_from(dict(existing._mapping)), False
            now = self.clock()
            queued, new_job = enqueue_in(session, job, now) if job is not None else (None, False)
            # a job that already existed (same idempotency key) keeps its own review: no orphan review row
            wanted = review is not None and (job is None or new_job)
            if wanted and review is not None and conn.execute(_REVIEW_EXISTS, {"id": review[0]}).first() is None:
                plan_id = plan_id_of(job) if job is not None else None
                row = new_review_row(review[0], delivery.tenant_id, review[1], now, plan_id=plan_id)
                conn.execute(_INSERT_REVIEW, {column: getattr(row, key) for key, column in _REVIEW_COLUMNS})
            values = {
                "source": delivery.source,
                "key": delivery.key,
                "event": delivery.event,
                "tenant_id": delivery.tenant_id,
                "payload": bytes(payload),
                "payload_sha256": sha256_hex(payload),
                "status": delivery.status,
                "job_id": queued.id if queued is not None else None,
                "received_at": delivery.received_at,
            }
            values["integrity_hash"] = delivery_hash(values)
            delivery_id = conn.execute(_INSERT_DELIVERY, values).scalar_one()
            joined = review_id_of(queued) if queued is not None else None
            stored = _delivery_from({**values, "id": delivery_id})
            return replace(stored, review_id=joined or (review[0] if review is not None else None)), True

    def find(self, source: str, key: str) -> Delivery | None:
        with self.database.transaction(write=False) as session:
            row = session.scalars(
                select(DeliveryRow).where(DeliveryRow.source == source, DeliveryRow.key == key)
            ).first()
            return None if row is None else delivery_record(row)

    def spacelift_state(self, tenant_id: str, run_id: str, state: str, state_version: int) -> bool:
        for attempt in range(_RACE_RETRIES):
            try:
                with self.database.transaction() as session:
                    row = session.get(SpaceliftRunRow, (tenant_id, run_id), with_for_update=not self.database.is_sqlite)
                    if row is None:
                        session.add(
                            SpaceliftRunRow(
                                tenant_id=tenant_id,
                                run_id=run_id,
                                state=state,
                                state_version=state_version,
                                updated_at=self.clock(),
                            )
                        )
                        session.flush()
                        return True
                    if row.state_version >= state_version:
                        return False
                    row.state, row.state_version, row.updated_at = state, state_version, self.clock()
                    return True
            except exc.IntegrityError:
                if attempt == _RACE_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def list(
        self, *, tenant_id: str | None = None, source: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Delivery]:
        filters = [DeliveryRow.tenant_id == tenant_id] if tenant_id is not None else []
        if source is not None:
            filters.append(DeliveryRow.source == source)
        return newest_first(self.database, DeliveryRow, filters, limit=limit, cursor=cursor, record=delivery_record)

    def payload(self, delivery_id: int, tenant_id: str | None = None) -> bytes | None:
        with self.database.transaction(write=False) as session:
            row = session.get(DeliveryRow, delivery_id)
            if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
                return None
            if row.quarantined_at is not None:
                raise IntegrityError(f"delivery {delivery_id} is quarantined (its stored content failed an audit)")
            data, expected = bytes(row.payload), row.payload_sha256
        if sha256_hex(data) != expected:
            raise IntegrityError(f"delivery {delivery_id}: payload does not match its SHA-256")
        return data
