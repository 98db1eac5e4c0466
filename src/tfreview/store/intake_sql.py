"""The intake writer's statements: plain SQL on the driver connection, built once per dialect (ADR 0125).

`IntakeStatements` is what `store/intake_writer.py` runs for a delivery, its tenant, its Spacelift run state,
its job and its queued review, in the dialect's parameter style; `value`/`when` bind and read datetimes
as the tables' column types do.

On PostgreSQL it also holds the BATCH statements (ADR 0325): one statement per table for a whole group of
deliveries, each column bound as ONE array and the rows made by `unnest` — so the SQL text is the same
whatever the batch size, and psycopg prepares it once per connection. The arrays are bound in BINARY (`%b`:
psycopg would send a list as text, a bytea array hex-escaped — twice the payload's size, and ~20× the CPU
on each side), cast to the column's base type only (`text[]`, never `varchar(n)[]`: a cast to varchar(n)
would silently cut an over-long value where the INSERT into the column refuses it, as the one-row
statements do).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, cast

from sqlalchemy import BigInteger, Column, DateTime, Integer, LargeBinary, String, Table

from tfreview.ports.records import RunStateVersion, Tenant
from tfreview.store.tables import DeliveryRow, JobRow, ReviewRow, SpaceliftRunRow, TenantRow

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
        if not sqlite:
            self._batch_statements()

    def _batch_statements(self) -> None:
        """PostgreSQL: the statements of `IntakeWriter`'s batch path (one per table per group of deliveries)."""
        deliveries = cast(Table, DeliveryRow.__table__)
        self.find_deliveries = (
            f"SELECT {', '.join('d.' + name for name in DELIVERY_FIELDS)}, d.received_at "
            f"FROM {_unnest(deliveries, ['source', 'key'])} AS u (source, key) "
            "JOIN deliveries AS d ON d.source = u.source AND d.key = u.key"
        )
        jobs = cast(Table, JobRow.__table__)
        self.insert_jobs = (
            f"INSERT INTO jobs ({', '.join(self.job_columns)}) SELECT * FROM {_unnest(jobs, self.job_columns)} "
            "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key"
        )
        self.find_jobs = f"SELECT {', '.join(self.job_fields)} FROM jobs WHERE idempotency_key = ANY(%b::text[])"
        reviews = cast(Table, ReviewRow.__table__)
        self.insert_reviews = (
            f"INSERT INTO reviews ({', '.join(self.review_columns)}) "
            f"SELECT * FROM {_unnest(reviews, self.review_columns)}"
        )
        self.insert_deliveries = (
            f"INSERT INTO deliveries ({', '.join(self.delivery_columns)}) "
            f"SELECT * FROM {_unnest(deliveries, self.delivery_columns)} "
            "ON CONFLICT (source, key) DO NOTHING RETURNING id, source, key"
        )
        tenants = cast(Table, TenantRow.__table__)
        self.upsert_tenants = (
            f"INSERT INTO tenants (id, kind, name, created_at) "
            f"SELECT * FROM {_unnest(tenants, ['id', 'kind', 'name', 'created_at'])} "
            "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name "
            "WHERE tenants.kind <> excluded.kind OR tenants.name <> excluded.name"
        )
        runs = cast(Table, SpaceliftRunRow.__table__)
        run_columns = ["tenant_id", "run_id", "state", "state_version", "updated_at"]
        self.upsert_runs = (
            f"INSERT INTO spacelift_runs ({', '.join(run_columns)}) SELECT * FROM {_unnest(runs, run_columns)} "
            "ON CONFLICT (tenant_id, run_id) DO UPDATE SET state = excluded.state, "
            "state_version = excluded.state_version, updated_at = excluded.updated_at "
            "WHERE spacelift_runs.state_version < excluded.state_version"
        )

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


def columns_of(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows of values → one list per column: the arrays a batch statement binds."""
    return [list(column) for column in zip(*rows, strict=True)]


def _unnest(table: Table, names: list[str]) -> str:
    """`unnest(%s::type[], …)` over the named columns of `table`, each array of the column's base type."""
    return "unnest(" + ", ".join(f"%b::{_array_type(table.columns[name])}" for name in names) + ")"


def _array_type(column: Column[Any]) -> str:
    kind = column.type
    if isinstance(kind, String):  # VARCHAR(n) and TEXT: the length is checked by the column, not by a cast
        return "text[]"
    if isinstance(kind, BigInteger):
        return "bigint[]"
    if isinstance(kind, Integer):
        return "integer[]"
    if isinstance(kind, LargeBinary):
        return "bytea[]"
    impl = getattr(kind, "impl", kind)  # UtcDateTime decorates a timezone-aware DateTime
    if isinstance(impl, DateTime) and impl.timezone:
        return "timestamptz[]"
    raise TypeError(f"no batch binding for column {column.table.name}.{column.name} of type {kind!r}")
