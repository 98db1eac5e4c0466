"""`tfreview backup restore`: put a verified backup back as the service's database, then migrate it.

The backup is verified first (file hash, a scratch restore compared with its manifest); the restored
database is compared with the manifest again before the schema is migrated; the restore is recorded in
the restored database's audit log. A live database is never overwritten without --force, and on SQLite
the file it replaces is kept beside it (`*.before-restore-<time>`). SQLite restores into a staging file that
one rename puts in place once it matches the manifest; PostgreSQL restores in one transaction: a restore
killed midway leaves the old database (ADR 0520). Token revocations of the replaced database are carried into the
restored one (ADR 0593): a token revoked since the backup stays revoked.
"""

from __future__ import annotations

import glob
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tfreview.core.errors import ConfigError, InputError
from tfreview.settings import Settings
from tfreview.store.backup import (
    postgres_has_schema,
    remove_half_copies,
    remove_staged,
    restore_postgres,
    sqlite_file,
    stage_sqlite_restore,
    swap_in_sqlite,
    verify_backup,
)
from tfreview.store.backup_manifest import Manifest, TableDigest, compare_digests
from tfreview.store.migrate import refuse_newer_schema
from tfreview.store.restore_revocations import carry_revocations, read_revocations


def restore_backup(
    settings: Settings, directory: Path, manifest: Manifest, *, force: bool, actor: str, quiet: bool = False
) -> float:
    """Restore; returns the seconds it took (verification included)."""
    from tfreview.store.setup import prepare_database, redacted_url

    url = settings.database.url
    started = time.perf_counter()
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    if manifest.kind != kind:
        raise InputError(f"backup {manifest.file} is a {manifest.kind} backup; the configured database is {kind}")
    try:
        refuse_newer_schema(manifest.schema_revision)  # swapped in, it would stop this version from starting
    except ConfigError as exc:
        raise ConfigError(f"backup {manifest.file} cannot be restored by this version: {exc}") from None
    verify_backup(directory, manifest, scratch_server_url=url)
    revocations: dict[str, datetime] | None = {}  # None: the replaced database's could not be read
    if kind == "sqlite":
        target = sqlite_file(url)
        if target.exists() and not force:
            raise ConfigError(
                f"database {target} exists: stop the service, then pass --force to replace it "
                "(the current file is kept beside it)"
            )
        if target.exists():
            revocations = _revocations_of(settings)
        remove_half_copies(target.parent, f"{glob.escape(target.name)}.before-restore-*")  # a killed restore's
        staged, found = stage_sqlite_restore(directory / manifest.file, target)
        try:
            _expect_manifest(manifest, found)  # a restore that does not match never replaces the database
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            swap_in_sqlite(staged, target, target.with_name(f"{target.name}.before-restore-{stamp}"))
        except BaseException:
            remove_staged(staged)  # refused (a service has the database open), not matching, interrupted: nothing left
            raise
    else:
        if postgres_has_schema(url) and not force:
            raise ConfigError(
                f"database {redacted_url(url)} already holds a tfreview schema: stop the service, "
                "then pass --force to replace its contents"
            )
        if postgres_has_schema(url):
            revocations = _revocations_of(settings)
        # one transaction (--single-transaction): a pg_restore killed midway leaves the database as it was
        _expect_manifest(manifest, restore_postgres(directory / manifest.file, url, clean=True))
    prepare_database(url, settings.database.busy_timeout_ms)
    carried = carry_revocations(url, settings.database.busy_timeout_ms, revocations or {})
    _record(settings, manifest, actor, carried, revocations_read=revocations is not None)
    seconds = time.perf_counter() - started
    if not quiet:
        print(
            f"restored {manifest.file} ({manifest.rows} rows, taken {manifest.created_at:%Y-%m-%d %H:%M:%S}Z) into "
            f"{redacted_url(url)} in {seconds:.2f} s; schema migrated"
            + (f"; {_revocations(len(carried))} made since the backup carried over" if carried else "")
        )
    return seconds


def _revocations(count: int) -> str:
    return f"{count} token revocation{'' if count == 1 else 's'}"


def _revocations_of(settings: Settings) -> dict[str, datetime] | None:
    """The revocations of the database being replaced; None (and a warning) when it cannot be read — a damaged
    database is what restores are for, and the restore must not depend on reading it. The audit entry of the
    restore says so too (`revocations_read: false`, ADR 0611): the warning alone was gone with the terminal."""
    try:
        return read_revocations(settings.database.url, settings.database.busy_timeout_ms)
    except Exception as error:  # any failure to read it: said, and the restore goes on
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        print(
            f"tfreview: warning: the token revocations of the database being replaced could not be read ({reason}); "
            "a token revoked since the backup is active again: revoke it again (tfreview tokens revoke)",
            file=sys.stderr,
        )
        return None


def _expect_manifest(manifest: Manifest, found: dict[str, TableDigest]) -> None:
    problems = compare_digests(manifest.tables, found)
    if problems:
        raise InputError("the restored database does not match the backup's manifest: " + "; ".join(problems[:5]))


def _record(settings: Settings, manifest: Manifest, actor: str, carried: list[str], *, revocations_read: bool) -> None:
    from tfreview.store.audit_log import SqlAuditTrail
    from tfreview.store.database import Database

    database = Database(settings.database.url, settings.database.busy_timeout_ms, pool_size=1)
    try:
        SqlAuditTrail(database).record(
            "backup.restore",
            actor=actor,
            target=f"backup:{manifest.file}",
            detail={
                "rows": manifest.rows,
                "taken_at": manifest.created_at.isoformat(),
                "sha256": manifest.sha256,
                "revocations_carried": len(carried),
                "revocations_read": revocations_read,
            },
        )
    finally:
        database.close()
