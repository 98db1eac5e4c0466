"""Where accepted webhooks and uploads land: tenant + Spacelift run state + delivery row + job row (+ queued
review) in ONE transaction (grouped with the other deliveries queued at that moment: intake_writer.py).
A tenant the tenants adapter already knows stored as it is adds no statement (the hot path stays as short)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import exc, select

from tfreview.core.errors import IntegrityError
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, Page, RunStateVersion, SourceInfo, Tenant
from tfreview.store.database import Database
from tfreview.store.intake_writer import IntakeWriter
from tfreview.store.paging import newest_first
from tfreview.store.tables import DeliveryRow, SpaceliftRunRow
from tfreview.store.tenants import SqlTenants

_RACE_RETRIES = 3


_DELIVERY_FIELDS = ("source", "key", "event", "tenant_id", "payload_sha256", "received_at", "id", "job_id", "status")


def delivery_record(row: DeliveryRow) -> Delivery:
    return _delivery_from({name: getattr(row, name) for name in _DELIVERY_FIELDS})


def _delivery_from(row: Mapping[str, Any]) -> Delivery:
    return Delivery(**{name: row[name] for name in _DELIVERY_FIELDS})


class SqlIntake:
    """Accepts go through the group-commit writer (store/intake_writer.py): one transaction for every delivery
    queued at the moment, answered only after its COMMIT."""

    def __init__(self, database: Database, *, clock: Clock = utcnow, tenants: SqlTenants | None = None) -> None:
        self.database = database
        self.clock = clock
        self.writer = IntakeWriter(database, clock=clock)
        self.tenants = tenants if tenants is not None else SqlTenants(database, clock=clock)  # wiring shares one

    async def accept_async(
        self,
        delivery: Delivery,
        payload: bytes,
        job: NewJob | None,
        *,
        review: tuple[str, SourceInfo] | None = None,
        tenant: Tenant | None = None,
        run_state: RunStateVersion | None = None,
    ) -> tuple[Delivery, bool]:
        unknown = self._unknown(tenant)
        result = await self.writer.accept(delivery, payload, job, review, unknown, run_state)
        return self._remember(unknown, result)

    def accept(
        self,
        delivery: Delivery,
        payload: bytes,
        job: NewJob | None,
        *,
        review: tuple[str, SourceInfo] | None = None,
        tenant: Tenant | None = None,
        run_state: RunStateVersion | None = None,
    ) -> tuple[Delivery, bool]:
        unknown = self._unknown(tenant)
        submitted = self.writer.submit(delivery, payload, job, review, unknown, run_state)
        return self._remember(unknown, self.writer.result(submitted))

    def _unknown(self, tenant: Tenant | None) -> Tenant | None:
        return None if tenant is None or self.tenants.known(tenant) else tenant

    def _remember(self, tenant: Tenant | None, result: tuple[Delivery, bool]) -> tuple[Delivery, bool]:
        if tenant is not None and result[1]:  # committed with the delivery: stored as it is
            self.tenants.remember(tenant)
        return result

    def busy(self) -> bool:
        return self.writer.busy()

    def close(self) -> None:
        self.writer.close()

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
