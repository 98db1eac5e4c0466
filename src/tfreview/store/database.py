"""The database the store runs on: one Engine for SQLite (embedded) or PostgreSQL (scaled).

SQLite connections get `journal_mode=WAL`, `synchronous=FULL`, `busy_timeout`, `foreign_keys=ON` and
`wal_autocheckpoint=0` as they open (no commit checkpoints inside the writer lock: one background thread
per process does, and keeps the WAL bounded — `WalCheckpoints`, ADR 0416), and SQLAlchemy — not the
sqlite3 module — emits BEGIN: `BEGIN IMMEDIATE` for a write transaction (it takes the write lock up front,
waiting up to busy_timeout, instead of failing when a read lock cannot be upgraded) and a plain BEGIN for a
read. Driver errors that mean "the database is
not there right now" become StoreUnavailable here, at the boundary (`translate_errors`).

A writer's whole wait for the lock — first its turn among this process's threads, then SQLite's busy
handler against other processes — is ONE budget of busy_timeout (issue 9.7): SQLite gets what the
in-process wait left, so a locked database answers 503 after busy_timeout (plus a few milliseconds of
work), never twice that.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event, exc, make_url, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session, sessionmaker

from tfreview.core.errors import ConfigError, StoreUnavailable
from tfreview.core.redact import scrub_text
from tfreview.ops.recorder import NullRecorder, Recorder
from tfreview.store.wal_checkpoints import WalCheckpoints
from tfreview.store.writer_turns import WriterTurns

MIN_BUSY_TIMEOUT_MS: Final = 5000
TRANSACTION_PAGES: Final = 8  # what a write transaction of a session is taken to add to the WAL (WalCheckpoints)
POSTGRES_DRIVER_MISSING: Final = (
    "the database URL is PostgreSQL but its driver (psycopg 3) is not installed: install the `postgres` extra — "
    "from a checkout: pip install -e '.[postgres]' (or `make run EXTRAS=postgres`)"
)
_BEGIN_OPTION: Final = "tfreview_begin"
_BUSY_OPTION: Final = "tfreview_busy_ms"  # what is left of the write's busy_timeout budget for SQLite's own wait
_UNAVAILABLE_HINTS: Final = (
    "database is locked",
    "database table is locked",
    "readonly database",
    "read-only",
    "disk i/o error",
    "unable to open database",
    "disk is full",
    "no space left on device",  # PostgreSQL's "could not extend file ...", a full WAL disk (B4)
    "connection refused",
    "connection reset",
    "server closed the connection",
    "terminating connection",
    "could not connect",
    "connection is closed",
    "timeout",
    "the database system is",
    "too many clients",
    "no route to host",
)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn a driver error meaning "the database is unavailable" into StoreUnavailable (chained)."""
    try:
        yield
    except exc.TimeoutError as error:  # the pool had no connection to give within pool_timeout
        raise StoreUnavailable("database unavailable: no free connection in the pool") from error
    except exc.DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else type(error).__name__
        unavailable = (
            error.connection_invalidated
            or isinstance(error, exc.InterfaceError)
            or any(hint in reason.lower() for hint in _UNAVAILABLE_HINTS)
            or (isinstance(error, exc.OperationalError) and type(error.orig).__module__.startswith("psycopg"))
        )
        if unavailable:
            raise StoreUnavailable(f"database unavailable: {scrub_text(reason)[:200]}") from error
        raise


def unavailable_driver_error(error: Exception) -> StoreUnavailable | None:
    """For code on a raw DBAPI connection (the intake writer): the StoreUnavailable a driver error means, or None
    when it is about the data (a constraint, a type) rather than the database being there."""
    module = type(error).__module__
    if isinstance(error, exc.DBAPIError):
        return unavailable_driver_error(error.orig) if isinstance(error.orig, Exception) else None
    if not module.startswith(("sqlite3", "psycopg")):
        return None
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    # psycopg raises a subclass per SQLSTATE (DiskFull, QueryCanceled...): the class it derives from says what it is;
    # a transaction rollback (class 40: a deadlock, a serialization failure) is a conflict the intake retries row by row
    driver_classes = {cls.__name__ for cls in type(error).__mro__ if cls.__module__.startswith("psycopg")}
    conflict = str(getattr(error, "sqlstate", None) or "").startswith("40")
    unavailable = (not conflict and bool(driver_classes & {"InterfaceError", "OperationalError"})) or any(
        hint in reason.lower() for hint in _UNAVAILABLE_HINTS
    )
    return StoreUnavailable(f"database unavailable: {scrub_text(reason)[:200]}") if unavailable else None


_CONNECT_HINTS: Final = ("connect", "connection", "no route", "too many clients", "the database system")


def error_kind(message: str) -> str:
    """The `kind` label of tfreview_db_errors_total for a StoreUnavailable message: locked, connect, other."""
    lowered = message.lower()
    if "locked" in lowered or "lock timeout" in lowered:  # SQLite; PostgreSQL's lock_timeout (intake_writer.py)
        return "locked"
    if any(hint in lowered for hint in _CONNECT_HINTS):
        return "connect"
    return "other"


class Database:
    """Owns the Engine; repositories open their transactions through `transaction()`."""

    def __init__(
        self,
        url: str,
        busy_timeout_ms: int = MIN_BUSY_TIMEOUT_MS,
        *,
        pool_size: int = 5,
        connect_timeout_seconds: float = 5.0,
        metrics: Recorder | None = None,
    ) -> None:
        self.url = normalise_url(url)
        self.metrics: Recorder = metrics or NullRecorder()  # db errors by kind, write commit latency
        self.busy_timeout_ms = busy_timeout_ms
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            self.engine = _sqlite_engine(self.url, busy_timeout_ms, pool_size)
        else:
            try:
                self.engine = create_engine(
                    self.url,
                    pool_size=pool_size,
                    max_overflow=pool_size * 2,
                    pool_pre_ping=True,
                    pool_timeout=connect_timeout_seconds,
                    connect_args={"connect_timeout": max(1, round(connect_timeout_seconds))},
                )
            except ImportError as error:  # the driver is an optional extra
                raise ConfigError(POSTGRES_DRIVER_MISSING) from error
            event.listen(self.engine, "connect", _postgres_session)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = WriterTurns()  # first come, first served (ADR 0398)
        # SQLite: checkpoints run here, off every commit's path (ADR 0416); None on PostgreSQL
        self.checkpoints = WalCheckpoints(self.engine.raw_connection, self.write_slot) if self.is_sqlite else None

    @property
    def safe_url(self) -> str:
        """The URL without its password, fit for logs and errors."""
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session in one transaction, committed at the end (rolled back on error); errors translated.

        On SQLite a write transaction starts with `BEGIN IMMEDIATE`, within what is left of busy_timeout."""
        begun = time.monotonic()
        try:
            with self._writer_slot(write, begun) as left_ms, translate_errors(), self._sessions() as session:
                options = {_BEGIN_OPTION: "IMMEDIATE" if write else "DEFERRED", _BUSY_OPTION: left_ms}
                try:
                    session.connection(execution_options=options)
                except exc.OperationalError as error:
                    if "locked" not in str(error.orig).lower():
                        raise
                    raise self.locked(begun) from error
                try:
                    yield session
                    if write:
                        committing = time.perf_counter()
                        session.commit()
                        self.metrics.observe("tfreview_db_commit_duration_seconds", time.perf_counter() - committing)
                        if self.checkpoints is not None:
                            self.checkpoints.committed(TRANSACTION_PAGES)
                    else:
                        session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except StoreUnavailable as error:
            self.metrics.count("tfreview_db_errors_total", kind=error_kind(str(error)))
            raise

    @contextmanager
    def core_transaction(self, *, write: bool = True) -> Iterator[Connection]:
        """`transaction()` without the ORM: a Core connection in one transaction (the job queue's claim, settle,
        heartbeat and completion, ADR 0439) — the same writer turn, `BEGIN IMMEDIATE`, busy_timeout budget,
        commit metric, checkpoint accounting and error translation, without a Session's state machine."""
        begun = time.monotonic()
        try:
            with self._writer_slot(write, begun) as left_ms, translate_errors(), self.engine.connect() as conn:
                conn.execution_options(**{_BEGIN_OPTION: "IMMEDIATE" if write else "DEFERRED", _BUSY_OPTION: left_ms})
                try:
                    conn.begin()
                except exc.OperationalError as error:
                    if "locked" not in str(error.orig).lower():
                        raise
                    raise self.locked(begun) from error
                try:
                    yield conn
                    if write:
                        committing = time.perf_counter()
                        conn.commit()
                        self.metrics.observe("tfreview_db_commit_duration_seconds", time.perf_counter() - committing)
                        if self.checkpoints is not None:
                            self.checkpoints.committed(TRANSACTION_PAGES)
                    else:
                        conn.commit()
                except BaseException:
                    conn.rollback()
                    raise
        except StoreUnavailable as error:
            self.metrics.count("tfreview_db_errors_total", kind=error_kind(str(error)))
            raise

    def locked(self, begun: float) -> StoreUnavailable:
        """The account of a write that found the database locked: how long it waited since `begun` (monotonic)
        against busy_timeout — the same words whichever path (a session or the intake writer) waited."""
        waited = round((time.monotonic() - begun) * 1000)
        return StoreUnavailable(
            f"database unavailable: database is locked (waited {waited} ms; busy_timeout {self.busy_timeout_ms} ms)"
        )

    @contextmanager
    def _writer_slot(self, write: bool, begun: float) -> Iterator[int]:
        """SQLite: threads of this process queue for the write lock here, in order (ADR 0398), instead of polling
        SQLite's busy handler (which lets a waiter starve past busy_timeout under contention). Other
        processes still meet at SQLite's lock, within what this wait left of busy_timeout (yielded, in ms)."""
        if not (write and self.is_sqlite):
            yield self.busy_timeout_ms
            return
        left_s = self.busy_timeout_ms / 1000 - (time.monotonic() - begun)
        if not self._write_lock.acquire(timeout=max(0.0, left_s)):
            raise self.locked(begun)
        try:
            yield max(0, self.busy_timeout_ms - round((time.monotonic() - begun) * 1000))
        finally:
            self._write_lock.release()

    @contextmanager
    def write_slot(self, begun: float) -> Iterator[int]:
        """Hold this process's writer turn (SQLite; nothing to hold on PostgreSQL) for code that writes on a
        raw connection of its own (the intake writer); StoreUnavailable when busy_timeout since `begun` (monotonic,
        possibly in the past: the writer's oldest queued delivery) runs out. Yields what is left of it, in ms,
        for SQLite's own busy handler."""
        with self._writer_slot(True, begun) as left_ms:
            yield left_ms

    def probe_write(self) -> None:
        """Raise StoreUnavailable unless a write transaction commits: a read-only file, directory or replica,
        a full disk, a lost write permission fail here (issue 9.6) — where a SELECT would still succeed.

        SQLite rewrites its `user_version` header field with its own value; PostgreSQL updates the migration
        row in place. Neither changes any data."""
        with self.transaction() as session:
            if self.is_sqlite:
                version = int(session.execute(text("PRAGMA user_version")).scalar() or 0)
                session.execute(text(f"PRAGMA user_version = {version}"))
            else:
                session.execute(text("UPDATE alembic_version SET version_num = version_num"))

    def page_problems(self) -> list[str]:
        """What SQLite's `PRAGMA quick_check` finds damaged in the file (B3: flipped bytes, a torn copy), at most
        three lines; [] when it is sound, and always on PostgreSQL. Read only. A file SQLite cannot read at all
        ("file is not a database", "database disk image is malformed") raises the driver's error."""
        if not self.is_sqlite:
            return []
        with translate_errors(), self.engine.connect() as conn:
            found = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check(3)")]
        lines = [line.strip() for row in found for line in row.splitlines()]
        problems = [scrub_text(line)[:200] for line in lines if line and line != "*** in database main ***"]
        return [] if problems == ["ok"] else problems

    def check_pages(self) -> None:
        """Refuse to start on a SQLite file whose pages are damaged (`page_problems`): ConfigError naming the first
        problems and the way back (a restore). Run before any write of a start (`probe_write`), so a service
        never starts writing into a damaged file."""
        problems = self.page_problems()
        if problems:
            raise ConfigError(
                f"refusing to start: SQLite database {self.safe_url} is damaged (PRAGMA quick_check: "
                f"{'; '.join(problems)}); keep a copy of the file, then restore the newest verified backup: "
                "`tfreview backup restore --force` (docs/runbooks/audit-mismatch.md)"
            )

    def check_durability(self) -> None:
        """Refuse to run on a SQLite database that is not WAL, synchronous=FULL, busy_timeout ≥ 5 s (Q5), or that
        cannot be written (StoreUnavailable from `probe_write`)."""
        if not self.is_sqlite:
            return
        with translate_errors(), self.engine.connect() as conn:
            journal = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
            synchronous = int(conn.exec_driver_sql("PRAGMA synchronous").scalar() or 0)
            busy = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
        problems = []
        if journal != "wal":
            problems.append(f"journal_mode is {journal!r}, must be 'wal'")
        if synchronous != 2:
            problems.append(f"synchronous is {synchronous}, must be 2 (FULL)")
        if busy < MIN_BUSY_TIMEOUT_MS:
            problems.append(f"busy_timeout is {busy} ms, must be at least {MIN_BUSY_TIMEOUT_MS} ms")
        if problems:
            raise ConfigError(f"SQLite database {self.safe_url} is not durable: " + "; ".join(problems))
        self.probe_write()  # durable only if it can be written at all

    def ping(self) -> None:
        """Raise StoreUnavailable unless the database answers a trivial query."""
        try:
            with translate_errors(), self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except StoreUnavailable as error:
            self.metrics.count("tfreview_db_errors_total", kind=error_kind(str(error)))
            raise

    def close(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.close()
        self.engine.dispose()


def normalise_url(url: str) -> URL:
    """A SQLAlchemy URL for `sqlite:///path` or PostgreSQL (any `postgresql://` spelling → psycopg 3)."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise ConfigError("database URL is not a URL (expected sqlite:///PATH or postgresql://…)") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend != "sqlite":
        raise ConfigError(f"database URL scheme {parsed.drivername!r} is not supported (use sqlite or postgresql)")
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        raise ConfigError("a SQLite database must be a file path: sqlite:///PATH/tfreview.db")
    return parsed.set(drivername="sqlite+pysqlite")


def _postgres_session(dbapi_connection: Any, _record: Any) -> None:
    """Each new PostgreSQL connection compresses what it stores out of line (TOAST: the deliveries' raw payloads,
    reports, plans) with lz4 where the server was built with it (PostgreSQL ≥ 14): about a quarter of pglz's CPU
    for a 28 KB webhook payload, and smaller (ADR 0326). A server without lz4 keeps its default; values already
    stored stay as they are (each value records its own method, and every server with lz4 reads both)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(
            "SELECT set_config('default_toast_compression', 'lz4', false) FROM pg_settings "
            "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
    finally:
        cursor.close()
    dbapi_connection.commit()  # a session setting made inside a transaction rolled back later would be undone


def _sqlite_engine(url: URL, busy_timeout_ms: int, pool_size: int) -> Engine:
    database = url.database or ""
    Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_timeout=max(30.0, busy_timeout_ms / 1000 * 2),
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (on_begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA wal_autocheckpoint = 0")  # WalCheckpoints checkpoints, off the commit path
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(_BEGIN_OPTION, "IMMEDIATE") != "IMMEDIATE":
            conn.exec_driver_sql("BEGIN")
            return
        left_ms = int(options.get(_BUSY_OPTION, busy_timeout_ms))
        if left_ms != busy_timeout_ms:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {left_ms}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            if left_ms != busy_timeout_ms:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")

    return engine
