"""Database setup before a process serves: create the data directory, check SQLite's durability, migrate.

Called by the drivers (`tfreview serve`, `tfreview worker`, `tfreview db upgrade`, `tokens`, `reconcile`)
before they build the services; errors are one-line ConfigErrors (exit 2)."""

from __future__ import annotations

from pathlib import Path

from tfreview.core.errors import ConfigError


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def is_sql(url: str) -> bool:
    """A database Alembic migrates (SQLite, PostgreSQL in any spelling the store reads: `postgresql+psycopg://`,
    `postgres://`); not the DynamoDB store of the AWS deployment. `postgres://` used to skip every schema check."""
    return url.startswith(("sqlite", "postgres"))


def redacted_url(url: str) -> str:
    """The database URL without its password, fit for a log line. The password is what SQLAlchemy reads as one
    (everything between the user's `:` and the first `@`), so a password written into the URL as it is — with a
    `/` or a space, as `openssl rand -base64` makes them — is hidden too: the free-text shape of a URL's
    credentials stops at them, and `db upgrade` printed such a password in clear (review16d). A URL SQLAlchemy
    cannot read, or with an `@` left in its host, loses everything between its `://` and its last `@`."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from tfreview.core.redact import scrub_text

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # a URL that cannot be parsed: hide all that may be credentials
        parsed = None
    if parsed is not None and "@" not in (parsed.host or ""):
        return scrub_text(parsed.render_as_string(hide_password=True))
    scheme, separator, rest = url.partition("://")  # `user:p@ss@host`: the password's end is anyone's guess
    _, at, location = rest.rpartition("@")
    return scrub_text(f"{scheme}{separator}***@{location}" if separator and at else url)


def prepare_database(url: str, busy_timeout_ms: int, *, check_durability: bool = True) -> None:
    """Embedded start: check SQLite's durability settings on the file itself (Q5), then migrate the schema.

    A database SQLite cannot open durably (not WAL, read-only, on a filesystem without WAL support), or a file
    that is no SQLite database (a failed restore, a wrong path), stops the start with one line (exit 2), before
    any schema change."""
    from sqlalchemy.exc import DatabaseError

    from tfreview.core.errors import StoreUnavailable

    if is_sqlite(url):
        database_path = _sqlite_path(url)
        if database_path is not None:
            try:
                database_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"cannot create the data directory: {exc.strerror}", path=str(database_path.parent)
                ) from None
        if check_durability:
            try:
                check_sqlite_durability(url, busy_timeout_ms)
            except StoreUnavailable as exc:
                raise ConfigError(f"refusing to start: SQLite database {redacted_url(url)} is unusable: {exc}") from exc
            except DatabaseError as exc:  # "file is not a database": the file's content, not a fault of ours
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
                raise ConfigError(
                    f"refusing to start: SQLite database {redacted_url(url)} is unusable: {reason}"
                ) from None
    if is_sql(url) and _already_at_head(url, busy_timeout_ms):
        return  # one SELECT said so: Alembic (~0.3 s of imports and reading) is not needed (ADR 0666)
    from tfreview.store.migrate import upgrade  # alembic: only once the database is known to be usable

    upgrade(url, busy_timeout_ms=busy_timeout_ms)


def _already_at_head(url: str, busy_timeout_ms: int) -> bool:
    """True when the database's schema is this version's head; False when it is not, or not known for sure (the
    upgrade then runs as before, with its own errors). A PostgreSQL database that cannot be reached is the
    upgrade's own StoreUnavailable, raised here rather than waited for a second time."""
    from tfreview.core.errors import StoreUnavailable
    from tfreview.store.database import Database
    from tfreview.store.schema_head import at_head

    database = Database(url, busy_timeout_ms, pool_size=1)
    try:
        return at_head(database)
    except StoreUnavailable:
        if not is_sqlite(url):
            raise
        return False  # SQLite: the upgrade's own attempt says what is wrong, as it did
    finally:
        database.close()


def prepare_for_command(url: str, busy_timeout_ms: int, *, create: bool = False) -> None:
    """An operator command's database, before it builds the services (`tokens`, `incidents`, `ai`, `block`,
    `audit`, `slo`, …). SQLite: brought to the current schema as `serve` does; a file that is not there is
    refused unless `create` (only `tokens create` makes the first database): a wrong or forgotten `--data-dir`
    used to create an empty database there and answer from it ("no tokens", "revoked 0 tokens", "AI paused" where
    no process looks). PostgreSQL: checked, never migrated (the operator runs `db upgrade`): no tfreview schema or
    an older one is one line, exit 2, not the failed query's SQL as an internal error; a database that cannot be
    reached is the command's own one-line StoreUnavailable (exit 3)."""
    if is_sqlite(url):
        path = _sqlite_path(url)
        if not create and path is not None and not path.expanduser().exists():
            raise ConfigError(
                f"no tfreview database at {path.expanduser()}: pass the service's --data-dir (or "
                "TFREVIEW_DATABASE__URL); nothing was created"
            )
        prepare_database(url, busy_timeout_ms)
    elif is_sql(url):
        _check_schema(url, busy_timeout_ms, refusing="refusing to run", reachable=True)


def require_current_schema(url: str, busy_timeout_ms: int) -> None:
    """Scaled start (`serve`, `worker` on PostgreSQL, where the operator migrates): ConfigError (exit 2, one line)
    when the database has no tfreview schema or an older one than this version needs — such a process would
    answer every delivery 500 (ADR 0375). A newer schema (a migration run ahead of a rolling deploy) starts with a
    warning; a database that cannot be reached now is the store's 503 and readiness's business, not a reason to
    stay down."""
    _check_schema(url, busy_timeout_ms, refusing="refusing to start", reachable=False)


def _check_schema(url: str, busy_timeout_ms: int, *, refusing: str, reachable: bool) -> None:
    """ConfigError when the database has no tfreview schema or an older one; a newer one is a warning. A database
    that cannot be reached is a warning too, unless `reachable` (a command: its StoreUnavailable is raised)."""
    import logging

    from tfreview.core.errors import StoreUnavailable
    from tfreview.store.database import Database
    from tfreview.store.schema_head import at_head

    log = logging.getLogger("tfreview.store")
    database = Database(url, busy_timeout_ms, pool_size=1)
    try:
        if at_head(database):
            return  # one SELECT, no Alembic (ADR 0666)
        from tfreview.store.migrate import current_revision

        current = current_revision(database)
    except StoreUnavailable as exc:
        if reachable:
            raise
        log.warning("database schema not checked at start: %s", exc)
        return
    finally:
        database.close()
    from tfreview.store.migrate import head_revision, known_revisions

    head = head_revision()
    if current == head:
        return
    if current is None:
        raise ConfigError(
            f"{refusing}: the database {redacted_url(url)} has no tfreview schema; "
            "run `tfreview db upgrade` with the same settings first"
        )
    if current in known_revisions():
        raise ConfigError(
            f"{refusing}: the database schema is at revision {current}, this version needs {head}; "
            "run `tfreview db upgrade` with the same settings first"
        )
    going_on = "running" if reachable else "starting"
    log.warning("database schema revision %s is newer than this version's (%s): %s anyway", current, head, going_on)


def check_sqlite_durability(url: str, busy_timeout_ms: int) -> None:
    """B3: ConfigError when PRAGMA quick_check finds damaged pages (checked first: nothing is written to such a
    file); Q5: ConfigError unless journal_mode=wal, synchronous=FULL and busy_timeout >= 5000 ms."""
    from tfreview.store.database import Database

    database = Database(url, busy_timeout_ms, pool_size=1)
    try:
        database.check_pages()
        database.check_durability()
    finally:
        database.close()


def _sqlite_path(url: str) -> Path | None:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    path = path.split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)
