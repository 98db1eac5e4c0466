"""The intake writer's statements: plain SQL on the driver connection, built once per dialect (ADR 0125).

`IntakeStatements` is what `store/intake_writer.py` runs for a delivery, its tenant, its Spacelift run state,
its job and its queued review, in the dialect's parameter style; `value`/`when` bind and read datetimes
as the tables' column types do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, cast

from sqlalchemy import Table

from tfreview.ports.records import RunStateVersion, Tenant
from tfreview.store.tables import DeliveryRow, JobRow, ReviewRow

DELIVERY_COLUMNS: Final = (
    "source",
    "key",
    "event",
    "tenant_id",
    "payload",
    "payload_sha256",
    "status",
    "job_id",
    "integrity_hash",
)
DELIVERY_FIELDS: Final = ("id", "source", "key", "event", "tenant_id", "payload_sha256", "status", "job_id")


class IntakeStatements:
    """The statements of one dialect, in its parameter style (qmark for sqlite3, format for psycopg)."""

    def __init__(self, sqlite: bool) -> None:
        mark = "?" if sqlite else "%s"
        self.sqlite = sqlite
        self.job_columns = [c.name for c in cast(Table, JobRow.__table__).columns if c.name != "id"]
        self.review_columns = [c.name for c in cast(Table, ReviewRow.__table__).columns]
        deliveries = cast(Table, DeliveryRow.__table__)
        assert set(DELIVERY_COLUMNS) | {"id", "received_at", "quarantined_at"} == {c.name for c in deliveries.columns}
        self.delivery_columns = [*DELIVERY_COLUMNS, "received_at"]

        def marks(n: int) -> str:
            return ", ".join([mark] * n)

        self.find_delivery = (
            f"SELECT {', '.join(DELIVERY_FIELDS)}, received_at FROM deliveries WHERE source = {mark} AND key = {mark}"
        )
        self.insert_job = (
            f"INSERT INTO jobs ({', '.join(self.job_columns)}) VALUES ({marks(len(self.job_columns))}) "
            "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
        )
        job_fields = ", ".join(c.name for c in cast(Table, JobRow.__table__).columns)
        self.find_job = f"SELECT {job_fields} FROM jobs WHERE idempotency_key = {mark}"
        self.job_fields = [c.name for c in cast(Table, JobRow.__table__).columns]
        self.insert_review = (
            f"INSERT INTO reviews ({', '.join(self.review_columns)}) VALUES ({marks(len(self.review_columns))})"
        )
        self.insert_delivery = (
            f"INSERT INTO deliveries ({', '.join(self.delivery_columns)}) VALUES ({marks(len(self.delivery_columns))}) "
            "ON CONFLICT (source, key) DO NOTHING RETURNING id"
        )
        # the tenant: created, or its kind and name updated (an unchanged row is not rewritten)
        self.upsert_tenant = (
            f"INSERT INTO tenants (id, kind, name, created_at) VALUES ({marks(4)}) "
            "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name "
            "WHERE tenants.kind <> excluded.kind OR tenants.name <> excluded.name"
        )
        # the run state: kept only when its state_version is the highest seen (an equal or older one: no write)
        self.upsert_run = (
            "INSERT INTO spacelift_runs (tenant_id, run_id, state, state_version, updated_at) "
            f"VALUES ({marks(5)}) ON CONFLICT (tenant_id, run_id) DO UPDATE SET state = excluded.state, "
            "state_version = excluded.state_version, updated_at = excluded.updated_at "
            "WHERE spacelift_runs.state_version < excluded.state_version"
        )
        self.begin = "BEGIN IMMEDIATE" if sqlite else None  # psycopg opens the transaction itself

    def tenant_values(self, tenant: Tenant, now: datetime) -> list[Any]:
        return [tenant.id, tenant.kind, tenant.name, self.value(now)]

    def run_values(self, tenant_id: str, run: RunStateVersion, now: datetime) -> list[Any]:
        return [tenant_id, run.run_id, run.state, run.state_version, self.value(now)]

    def value(self, value: Any) -> Any:
        """A Python value as the table's column type binds it (UtcDateTime: naive UTC text on SQLite)."""
        if isinstance(value, datetime):
            utc = value.astimezone(UTC)
            return utc.replace(tzinfo=None).isoformat(" ", "microseconds") if self.sqlite else utc
        return value

    def when(self, value: Any) -> datetime:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
