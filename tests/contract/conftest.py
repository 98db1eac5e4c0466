"""The contract suite: the same scenarios against the in-memory, SQLite and PostgreSQL stores.

PostgreSQL runs when TFREVIEW_TEST_POSTGRES_URL is set (CI: postgresql://postgres@127.0.0.1:5432/test):
each xdist worker creates its own database `tfreview_<random>` and drops it at the end; tables are
emptied before each test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.fakes.aws_store import DUMMY_CREDENTIALS, SerialMoto
from tfreview.ports.service import Intake, JobQueue, PlanStore, ReviewStore, Tenants, Tokens
from tfreview.store.aws.connection import AwsClients, AwsTarget
from tfreview.store.aws.stores import aws_stores
from tfreview.store.aws.table import Table
from tfreview.store.database import Database
from tfreview.store.intake import SqlIntake
from tfreview.store.jobs import SqlJobQueue
from tfreview.store.memory import (
    MemoryJobQueue,
    MemoryPlanStore,
    MemoryReviewStore,
    MemoryTenants,
    MemoryTokens,
)
from tfreview.store.memory_intake import MemoryIntake
from tfreview.store.migrate import upgrade_database
from tfreview.store.plans import SqlPlanStore
from tfreview.store.queue_settings import WorkerSettings
from tfreview.store.reviews import SqlReviewStore
from tfreview.store.tables import Base
from tfreview.store.tenants import SqlTenants
from tfreview.store.tokens import SqlTokens

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LEASE_SECONDS = 60.0


class ManualClock:
    """A clock tests move by hand: no sleeping, no timing thresholds."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Stores:
    backend: str
    clock: ManualClock
    queue: JobQueue
    intake: Intake
    reviews: ReviewStore
    tokens: Tokens
    tenants: Tenants
    plans: PlanStore
    database: Database | None = None
    extras: dict[str, object] = field(default_factory=dict)


def worker_settings() -> WorkerSettings:
    return WorkerSettings(lease_seconds=LEASE_SECONDS, backoff_base_seconds=2.0, backoff_cap_seconds=30.0)


def memory_stores(clock: ManualClock) -> Stores:
    reviews = MemoryReviewStore(clock=clock)
    queue = MemoryJobQueue(worker_settings(), clock=clock, reviews=reviews)  # as wired: it settles their reviews
    tenants = MemoryTenants(clock=clock)
    return Stores(
        backend="memory",
        clock=clock,
        queue=queue,
        intake=MemoryIntake(queue, reviews, clock=clock, tenants=tenants),
        reviews=reviews,
        tokens=MemoryTokens(clock=clock),
        tenants=tenants,
        plans=MemoryPlanStore(clock=clock),
    )


def sql_stores(backend: str, database: Database, clock: ManualClock) -> Stores:
    tenants = SqlTenants(database, clock=clock)
    return Stores(
        backend=backend,
        clock=clock,
        queue=SqlJobQueue(database, worker_settings(), clock=clock),
        intake=SqlIntake(database, clock=clock, tenants=tenants),
        reviews=SqlReviewStore(database, clock=clock),
        tokens=SqlTokens(database, clock=clock),
        tenants=tenants,
        plans=SqlPlanStore(database, clock=clock),
        database=database,
    )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test process, migrated to head; dropped at the end."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    name = f"tfreview_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            # commits need not wait for the WAL flush here: the suite checks semantics, not the disk
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        url = make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(False)
        database = Database(url)
        try:
            upgrade_database(database)
        finally:
            database.close()
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def sqlite_dir(tmp_path: Path) -> Iterator[Path]:
    """Where the contract suite's SQLite files live: RAM (/dev/shm) when there is one, so that 6,000
    fsyncs of Q3 do not dominate the run — the scenarios check semantics, not the disk."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="tfreview-contract-", dir=shm))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


_MIGRATED_SQLITE: list[bytes] = []  # this process's empty SQLite database at head, made once


def migrated_sqlite_bytes() -> bytes:
    """The bytes of an empty SQLite database migrated to head, made once per test process (ADR 0630): the 26
    migrations take 0.3–0.5 s on each run and ~300 tests need only an empty store at head. Every copy is a new file;
    the migrations themselves run in tests/contract/test_database.py, test_migrations and the serve tests."""
    if not _MIGRATED_SQLITE:
        with tempfile.TemporaryDirectory(prefix="tfreview-template-") as directory:
            path = Path(directory) / "tfreview.db"
            database = Database(f"sqlite:///{path}")
            try:
                upgrade_database(database)
            finally:
                database.close()  # the last connection checkpoints the WAL into the file
            assert not path.with_name("tfreview.db-wal").exists(), "the template's WAL was not checkpointed"
            _MIGRATED_SQLITE.append(path.read_bytes())
    return _MIGRATED_SQLITE[0]


def fresh_sqlite(tmp_path: Path) -> Database:
    """A new SQLite database at head in `tmp_path/store/tfreview.db`: a copy of this process's migrated one."""
    path = tmp_path / "store" / "tfreview.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(migrated_sqlite_bytes())
    return Database(f"sqlite:///{path}")


def empty_postgres(url: str) -> Database:
    database = Database(url, pool_size=10)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return database


@pytest.fixture(scope="session")
def moto_server() -> Iterator[SerialMoto]:
    """A local AWS endpoint (moto, server mode) on a loopback port, for this test process."""
    for name, value in DUMMY_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    server = SerialMoto()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def fresh_table(request: pytest.FixtureRequest) -> Table:
    """A new DynamoDB table (and queues) on this process's moto server, for the adapters of one port."""
    return Table(AwsClients(request.getfixturevalue("moto_server").fresh_target()))


def dynamodb_stores(target: AwsTarget, clock: ManualClock) -> Stores:
    aws = aws_stores(target, worker_settings(), clock=clock)
    return Stores(
        backend="dynamodb",
        clock=clock,
        queue=aws.queue,
        intake=aws.intake,
        reviews=aws.reviews,
        tokens=aws.tokens,
        tenants=aws.tenants,
        plans=aws.plans,
        extras={"aws": aws, "target": target},
    )


@pytest.fixture(params=["memory", "sqlite", "postgres", "dynamodb"])
def stores(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[Stores]:
    clock = ManualClock()
    if request.param == "memory":
        yield memory_stores(clock)
        return
    if request.param == "dynamodb":
        yield dynamodb_stores(request.getfixturevalue("moto_server").fresh_target(), clock)
        return
    with sql_database_of(request, sqlite_dir) as database:
        made = sql_stores(request.param, database, clock)
        try:
            yield made
        finally:
            made.intake.close()  # type: ignore[attr-defined]  (SqlIntake: its writer thread stops first)


@contextlib.contextmanager
def sql_database_of(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[Database]:
    """The SQL database of a fixture parametrised by backend: `request.param` "sqlite" a fresh migrated file in
    `sqlite_dir`, any other an emptied PostgreSQL database (skipped without TFREVIEW_TEST_POSTGRES_URL); closed
    after."""
    database = (
        fresh_sqlite(sqlite_dir)
        if request.param == "sqlite"
        else empty_postgres(request.getfixturevalue("postgres_url"))
    )
    try:
        yield database
    finally:
        database.close()


@pytest.fixture(params=["sqlite", "postgres"])
def sql_database(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[Database]:
    with sql_database_of(request, sqlite_dir) as database:
        yield database


def raw_dynamodb(stores: Stores) -> bytes:
    """Everything the DynamoDB table holds, as bytes (compressed blobs decompressed, twice for a .tar.gz):
    what a person with read access to the table would see."""
    import gzip

    from tfreview.store.aws.stores import AwsStores

    aws = stores.extras["aws"]
    assert isinstance(aws, AwsStores)
    table = aws.table
    client = table.clients.dynamodb
    found = b""
    for page in client.get_paginator("scan").paginate(TableName=table.name):
        for raw in page["Items"]:
            for value in table.decode(raw).values():
                if isinstance(value, bytes):
                    inner = gzip.decompress(value)
                    found += gzip.decompress(inner) if inner[:2] == b"\x1f\x8b" else inner
                else:
                    found += repr(value).encode()
    return found
