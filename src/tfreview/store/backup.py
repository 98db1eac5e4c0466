"""Backups of the service's database (`tfreview backup create|list|verify|restore`, scheduled in `serve`).

SQLite: the online backup API (`sqlite3.Connection.backup`: a consistent copy while the service writes),
then `PRAGMA integrity_check` on the copy. PostgreSQL: `pg_dump -Fc` inside a REPEATABLE READ snapshot
that the manifest's row counts and digests are read in too (`pg_dump --snapshot`), so they describe exactly
what the dump holds. Verify restores into a scratch copy (a temporary file; a scratch database dropped after)
and compares every table's row count and content digest with the manifest.

Files: `tfreview-<UTC time>-<random>.sqlite3|.pgdump` and its `.manifest.json`, written under `.partial`
names and renamed once complete: a crash never leaves a half backup that looks whole, and the next backup
removes `.partial` files a crash left once they are older than any backup can run (ADR 0519).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import URL, Connection, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from tfreview import __version__
from tfreview.core.errors import ConfigError, InputError, UpstreamError
from tfreview.core.redact import scrub_text
from tfreview.plumbing.clock import Clock, as_utc, utcnow
from tfreview.plumbing.whole_files import sync_directory
from tfreview.store.backup_manifest import MANIFEST_SUFFIX, Manifest, TableDigest, compare_digests, table_digests
from tfreview.store.database import normalise_url, translate_errors

SUFFIXES: Final = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
_CHUNK: Final = 1 << 20
PG_TOOL_TIMEOUT_SECONDS: Final = 3600


def file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def database_kind(url: str) -> str:
    return "sqlite" if normalise_url(url).get_backend_name() == "sqlite" else "postgresql"


def sqlite_file(url: str) -> Path:
    return Path(normalise_url(url).database or "").expanduser().resolve()


# --- create ------------------------------------------------------------------------------------------


def create_backup(url: str, directory: Path, *, clock: Clock = utcnow) -> Manifest:
    """Take a backup of the database at `url` into `directory`; returns its (written) manifest."""
    kind = database_kind(url)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the backup directory {directory}: {exc.strerror}") from None
    now = as_utc(clock())
    sweep_partials(directory, now)
    name = f"tfreview-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}{SUFFIXES[kind]}"
    target = directory / name
    partial = target.with_name(name + ".partial")
    started = time.perf_counter()
    try:
        if kind == "sqlite":
            revision, tables = _sqlite_backup(sqlite_file(url), partial)
        else:
            revision, tables = _postgres_backup(url, partial)
        partial.replace(target)
    except BaseException:
        remove_staged(partial)  # and the -wal/-shm SQLite leaves beside it when the disk filled midway
        raise
    manifest = Manifest(
        file=name,
        created_at=now,
        kind=kind,
        schema_revision=revision,
        size=target.stat().st_size,
        sha256=file_sha256(target),
        duration_seconds=round(time.perf_counter() - started, 3),
        tables=tables,
        tfreview_version=__version__,
    )
    manifest.write(directory)
    return manifest


def sweep_partials(directory: Path, now: datetime) -> list[str]:
    """Remove what backups killed midway left (`*.partial`, its `-journal`): those untouched for longer than a
    backup may take (PG_TOOL_TIMEOUT_SECONDS; a live backup writes its file as it goes), never a live one's."""
    removed = []
    for path in directory.glob("tfreview-*.partial*"):
        try:
            if now.timestamp() - path.stat().st_mtime > PG_TOOL_TIMEOUT_SECONDS:
                path.unlink()
                removed.append(path.name)
        except OSError:
            continue  # gone meanwhile, or not ours to remove: the next backup tries again
    return removed


def _sqlite_backup(source: Path, partial: Path) -> tuple[str | None, dict[str, TableDigest]]:
    if not source.is_file():
        raise ConfigError(f"no SQLite database at {source}")
    partial.unlink(missing_ok=True)
    _private_file(partial)
    try:
        with (
            _closing(sqlite3.connect(source.as_uri() + "?mode=ro", uri=True, timeout=30)) as src,
            _closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)  # a consistent snapshot, page by page, while writers go on
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file (no -wal beside it)
            _integrity_check(dst, partial.name)
    except sqlite3.Error as exc:
        raise UpstreamError(f"SQLite backup failed: {exc}") from exc
    os.chmod(partial, stat.S_IMODE(source.stat().st_mode))  # readable by whom the database is, no one more
    return _sqlite_contents(partial)


def _integrity_check(connection: sqlite3.Connection, name: str) -> None:
    result = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        raise InputError(f"{name}: PRAGMA integrity_check failed: {'; '.join(map(str, result[:3]))}")


def _sqlite_contents(path: Path) -> tuple[str | None, dict[str, TableDigest]]:
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    try:
        with translate_errors(), engine.connect() as conn:
            return _revision(conn), table_digests(conn)
    finally:
        engine.dispose()


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None  # a database never migrated: no revision to record
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _postgres_backup(url: str, partial: Path) -> tuple[str | None, dict[str, TableDigest]]:
    parsed = normalise_url(url)
    engine = create_engine(parsed, isolation_level="REPEATABLE READ")
    try:
        with translate_errors(), engine.connect() as conn:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            _pg_tool(
                "pg_dump",
                ["--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", f"--file={partial}"],
                parsed,
            )
            return _revision(conn), table_digests(conn)
    finally:
        engine.dispose()


def _pg_tool(tool: str, arguments: list[str], url: URL) -> str:
    """Run pg_dump / pg_restore / against `url`; the password goes through the environment, never argv."""
    binary = shutil.which(tool)
    if binary is None:
        raise ConfigError(f"{tool} is not installed: install the PostgreSQL client tools (Debian: postgresql-client)")
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    try:
        done = subprocess.run(  # a fixed binary, arguments built here (no shell)
            [binary, *arguments, f"--dbname={dsn}"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=PG_TOOL_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UpstreamError(f"{tool} did not finish within {PG_TOOL_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        first = next((line for line in done.stderr.splitlines() if line.strip()), f"exit {done.returncode}")
        raise UpstreamError(f"{tool} failed: {scrub_text(first)[:300]}")
    return done.stdout


# --- list and retention --------------------------------------------------------------------------------


def list_backups(directory: Path) -> list[Manifest]:
    """Every backup in `directory` with a readable manifest, newest first."""
    if not directory.is_dir():
        return []
    manifests = []
    for path in directory.glob("*" + MANIFEST_SUFFIX):
        try:
            manifests.append(Manifest.read(path))
        except InputError:
            continue  # an unreadable manifest is not a backup anyone can restore
    return sorted(manifests, key=lambda m: (m.created_at, m.file), reverse=True)


def find_backup(directory: Path, name: str | None) -> Manifest:
    """The backup named `name` (its file name, with or without suffix), or the newest when None."""
    backups = list_backups(directory)
    if name is None:
        if not backups:
            raise InputError(f"no backup in {directory}; take one with `tfreview backup create`")
        return backups[0]
    for manifest in backups:
        if name in (manifest.file, Path(manifest.file).stem):
            return manifest
    for candidate in (name, *(name + suffix for suffix in SUFFIXES.values())):  # say why NAME is not one
        if "/" in candidate or candidate in (".", ".."):
            break
        unusable = f"no backup in {directory} can be used as {name!r}"
        try:
            if (directory / (candidate + MANIFEST_SUFFIX)).is_file():
                Manifest.read(directory / (candidate + MANIFEST_SUFFIX))
        except InputError as exc:
            raise InputError(f"{unusable}: {exc}") from None
        if (directory / candidate).is_file():
            raise InputError(
                f"{unusable}: {candidate} has no manifest ({candidate}{MANIFEST_SUFFIX}) to verify or restore it by"
            )
    raise InputError(f"no backup {name!r} in {directory}; see `tfreview backup list`")


def prune_backups(directory: Path, *, keep: int, max_age: timedelta | None, now: datetime) -> list[str]:
    """Delete backups beyond the `keep` newest and those older than `max_age` — never the newest one."""
    removed = []
    for index, manifest in enumerate(list_backups(directory)):
        too_many = index >= max(1, keep)
        too_old = max_age is not None and index > 0 and as_utc(now) - manifest.created_at > max_age
        if too_many or too_old:
            (directory / manifest.file).unlink(missing_ok=True)
            (directory / (manifest.file + MANIFEST_SUFFIX)).unlink(missing_ok=True)
            removed.append(manifest.file)
    return removed


# --- verify and restore ---------------------------------------------------------------------------------


def verify_backup(directory: Path, manifest: Manifest, *, scratch_server_url: str | None = None) -> None:
    """InputError unless the file is intact and a restore of it matches the manifest, table by table.

    PostgreSQL backups restore into a scratch database `tfreview_verify_<random>` on `scratch_server_url`
    (the service's own server), dropped afterwards."""
    path = _intact_file(directory, manifest)
    if manifest.kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="tfreview-verify-") as scratch:
            copy = Path(scratch) / "verify.sqlite3"
            shutil.copyfile(path, copy)
            try:
                with _closing(sqlite3.connect(copy)) as connection:
                    _integrity_check(connection, manifest.file)
                _, found = _sqlite_contents(copy)
            except (sqlite3.DatabaseError, DBAPIError) as exc:  # a file that is no SQLite database, or damaged
                reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                raise InputError(f"backup {manifest.file} is not a readable SQLite database: {reason}") from None
        _expect(manifest, found)
        return
    if not scratch_server_url:
        raise ConfigError("verifying a PostgreSQL backup needs a server to restore into (the service's database URL)")
    with scratch_database(scratch_server_url, "verify") as scratch:
        found = restore_postgres(path, scratch, clean=False)
    _expect(manifest, found)


def _intact_file(directory: Path, manifest: Manifest) -> Path:
    path = directory / manifest.file
    if not path.is_file():
        raise InputError(f"backup file {manifest.file} is missing from {directory}")
    if path.stat().st_size != manifest.size or file_sha256(path) != manifest.sha256:
        raise InputError(
            f"backup {manifest.file} changed since it was written (its SHA-256 does not match the manifest)"
        )
    return path


def _expect(manifest: Manifest, found: dict[str, TableDigest]) -> None:
    problems = compare_digests(manifest.tables, found)
    if problems:
        raise InputError(
            f"backup {manifest.file} does not restore to what its manifest says: " + "; ".join(problems[:5])
        )


def restore_sqlite(backup: Path, target: Path) -> dict[str, TableDigest]:
    """Copy the backup into the database file `target` (created or overwritten) with the backup API."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {target.parent}: {exc.strerror}") from None
    try:
        if not target.exists():
            _private_file(target)  # no copy of the database readable by others while it is written
        with (
            _closing(sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)) as src,
            _closing(sqlite3.connect(target, timeout=30)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
            _integrity_check(dst, target.name)
    except sqlite3.Error as exc:
        raise UpstreamError(f"SQLite restore failed: {exc}") from exc
    return _sqlite_contents(target)[1]


def stage_sqlite_restore(backup: Path, target: Path) -> tuple[Path, dict[str, TableDigest]]:
    """Restore the backup into a staging file beside `target` (the database itself untouched); returns the
    staging file and what it holds. A staging file left by a restore killed midway is removed first."""
    staged = target.with_name(f".{target.name}.restoring")
    remove_staged(staged)
    try:
        return staged, restore_sqlite(backup, staged)
    except BaseException:
        remove_staged(staged)
        raise


def remove_staged(staged: Path) -> None:
    """The staging file of a restore that did not swap it in, and what SQLite kept beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        staged.with_name(staged.name + suffix).unlink(missing_ok=True)


def swap_in_sqlite(staged: Path, target: Path, kept: Path | None) -> None:
    """Put the complete `staged` database in place of `target` with one rename: at every instant `target` is
    the whole old database or the whole new one (ADR 0520). The old one is first folded into one file (its
    WAL checkpointed) and kept as `kept`, a hard link of the same bytes (a copy where links are refused)."""
    if kept is not None and target.exists():
        damaged = False
        try:
            with _closing(sqlite3.connect(target, timeout=30)) as current:
                current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                current.execute("PRAGMA journal_mode = DELETE")  # folds and removes -wal: one self-contained file
        except sqlite3.Error as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise ConfigError(
                    f"database {target} is in use by another process (a running `tfreview serve` or `worker`): "
                    "stop it, then restore again; the database is unchanged"
                ) from None
            if not isinstance(code, int) or code & 0xFF not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
                raise UpstreamError(f"SQLite restore failed: {exc}") from exc
            damaged = True  # what a restore is for: kept as it is, its WAL (unfolded) beside the kept copy
        name = _keep(target, kept)
        wal = target.with_name(target.name + "-wal")
        if damaged and wal.exists():
            os.replace(wal, name.with_name(name.name + "-wal"))  # never replayed onto the restored file
        target.with_name(target.name + "-shm").unlink(missing_ok=True)
    if target.exists():
        os.chmod(staged, stat.S_IMODE(target.stat().st_mode))  # the restored file as private as the one it replaces
    os.replace(staged, target)
    sync_directory(target.parent)


def _private_file(path: Path) -> None:
    """Create `path` empty, readable by its owner only (SQLite fills an empty file as a new database)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise ConfigError(f"cannot create {path}: {exc.strerror}") from None


def _keep(target: Path, kept: Path) -> Path:
    """`kept` (or `kept-2`, `-3`… when taken by another file) becomes a name of `target`'s bytes; nothing to do
    when a restore killed before its swap already kept this very file. Returns the name it has."""
    for attempt in range(1, 100):
        name = kept if attempt == 1 else kept.with_name(f"{kept.name}-{attempt}")
        if name.exists():
            if os.path.samefile(name, target):
                return name
            continue
        try:
            os.link(target, name)
        except FileExistsError:
            continue
        except OSError:
            copy_whole(target, name)  # a file system without hard links
        return name
    raise ConfigError(f"cannot keep {target.name} beside it: {kept.name} and 98 more names are taken")


def remove_half_copies(directory: Path, pattern: str) -> None:
    """The `<name>.partial` files that copies (`copy_whole`) killed midway left under names matching `pattern`:
    a later copy picks another name (a restore's holds its second), so nothing else would ever remove them."""
    for path in directory.glob(pattern + ".partial"):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            continue  # not ours to remove: the restore goes on, the next one tries again


def copy_whole(source: Path, name: Path) -> None:
    """Copy `source` to `name` whole or not at all: into `name.partial` (as private as `source`), fsync'd, then
    renamed. A copy that fails midway (a full disk) leaves nothing under `name` and raises ConfigError (ADR 0543);
    one interrupted (Ctrl-C) leaves nothing either."""
    partial = name.with_name(name.name + ".partial")
    try:
        partial.unlink(missing_ok=True)  # what a copy killed midway left
        _private_file(partial)
        shutil.copyfile(source, partial)
        with partial.open("rb+") as written:
            os.fsync(written.fileno())
        os.chmod(partial, stat.S_IMODE(source.stat().st_mode))
        os.replace(partial, name)
    except BaseException as exc:
        partial.unlink(missing_ok=True)  # its name carries the restore's time: no later restore would remove it
        if not isinstance(exc, (OSError, ConfigError)):
            raise  # Ctrl-C (KeyboardInterrupt): interrupted, nothing left
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise ConfigError(
            f"cannot keep a copy of {source.name} as {name.name} ({reason}); the database is unchanged: "
            "free space beside it, then restore again"
        ) from None
    sync_directory(name.parent)


def restore_postgres(backup: Path, url: str, *, clean: bool) -> dict[str, TableDigest]:
    """pg_restore the dump into the database at `url` (`clean`: drop what the dump holds first)."""
    parsed = normalise_url(url)
    arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        arguments += ["--clean", "--if-exists"]
    _pg_tool("pg_restore", [*arguments, str(backup)], parsed)
    engine = create_engine(parsed)
    try:
        with translate_errors(), engine.connect() as conn:
            return table_digests(conn)
    finally:
        engine.dispose()


def postgres_has_schema(url: str) -> bool:
    engine = create_engine(normalise_url(url))
    try:
        with translate_errors(), engine.connect() as conn:
            return bool(conn.execute(text("SELECT to_regclass('public.alembic_version') IS NOT NULL")).scalar())
    finally:
        engine.dispose()


@contextmanager
def scratch_database(server_url: str, purpose: str, *, keep: bool = False) -> Iterator[str]:
    """A new, empty database `tfreview_<purpose>_<random>` on the server of `server_url`; dropped at the end
    unless `keep`. Yields its URL."""
    parsed = normalise_url(server_url)
    name = f"tfreview_{purpose}_{secrets.token_hex(6)}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    try:
        with translate_errors(), admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            if not keep:
                with translate_errors(), admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def _closing(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        yield connection
    finally:
        connection.close()
