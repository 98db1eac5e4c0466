"""Data safety as the service runs it: verified backups with retention, integrity audits, and the thread
in `serve` that schedules both (issue 11 B*). The commands (`tfreview backup`, `tfreview audit`) and the
drill call the same functions, so a scheduled backup and a hand-made one are the same thing.

Metrics: `tfreview_backup_last_success_timestamp_seconds` (set after a backup is VERIFIED, and from the newest
backup on disk at start and every `BACKUP_RESCAN_SECONDS` — so a restarted process does not forget it, and a backup
taken by another process (`tfreview backup create` by hand or from cron) counts; with scheduled backups on and none
on disk, it starts at the thread's start: a backup is owed from then, and `backup-stale` fires 26 hours later
rather than never — ADR 0638), and
`tfreview_audit_mismatches_total{table}` (each mismatch counted once, when an audit finds it; `table="database"`
once per audit pass that SQLite refuses because the file itself is damaged). Both feed
the `backup-stale` and `audit-mismatch` alerts. The periodic audit checks a bounded slice of each table per
period (`backup.audit_rows_per_pass`, ADR 0506) and keeps where it stopped in the database; `tfreview audit`
checks every row.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Final

from tfreview.core.errors import StoreUnavailable
from tfreview.ops.recorder import Recorder
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.audit import AuditTrail
from tfreview.settings import Settings
from tfreview.store.audit_cursors import load_positions, save_positions
from tfreview.store.backup import create_backup, list_backups, prune_backups, verify_backup
from tfreview.store.backup_manifest import Manifest
from tfreview.store.damaged_jobs import stored_value_damage
from tfreview.store.database import Database
from tfreview.store.integrity import AuditReport, audit_database, audit_slice

logger = logging.getLogger("tfreview.data_safety")
BACKUP_METRIC = "tfreview_backup_last_success_timestamp_seconds"
AUDIT_METRIC = "tfreview_audit_mismatches_total"
BACKUP_RESCAN_SECONDS = 60.0  # how often `serve` reads the backup directory for backups others took


def backup_directory(settings: Settings) -> Path:
    configured = settings.backup.directory
    return Path(configured or Path(settings.server.data_dir) / "backups").expanduser().resolve()


def take_backup(
    settings: Settings, metrics: Recorder, audit: AuditTrail, *, actor: str, clock: Clock = utcnow
) -> tuple[Manifest, list[str]]:
    """Create, verify, prune; record it in the audit log and the metric. Returns the manifest and what
    retention removed. A backup that fails verification is deleted and the error raised."""
    directory = backup_directory(settings)
    url = settings.database.url
    manifest = create_backup(url, directory, clock=clock)
    try:
        verify_backup(directory, manifest, scratch_server_url=url)
    except Exception:
        (directory / manifest.file).unlink(missing_ok=True)
        (directory / (manifest.file + ".manifest.json")).unlink(missing_ok=True)
        raise
    metrics.set(BACKUP_METRIC, manifest.created_at.timestamp())
    max_age = timedelta(days=settings.backup.max_age_days)
    removed = prune_backups(directory, keep=settings.backup.keep, max_age=max_age, now=clock())
    audit.record(
        "backup.create",
        actor=actor,
        target=f"backup:{manifest.file}",
        detail={"rows": manifest.rows, "size": manifest.size, "sha256": manifest.sha256, "pruned": len(removed)},
    )
    return manifest, removed


def publish_backup_age(settings: Settings, metrics: Recorder) -> Manifest | None:
    """Set the backup metric from the newest backup on disk whose file is still there (the gauge survives
    restarts, and sees the backups other processes took); None, and the metric untouched, when there is none."""
    directory = backup_directory(settings)
    for manifest in list_backups(directory):
        if (directory / manifest.file).is_file():
            metrics.set(BACKUP_METRIC, manifest.created_at.timestamp())
            return manifest
    return None


def run_audit(database: Database, metrics: Recorder, *, clock: Clock = utcnow) -> AuditReport:
    """One full integrity audit; each new mismatch counted in the audit-mismatch metric by table, and logged."""
    report = audit_database(database, clock=clock)
    _publish(report, metrics)
    return report


def run_periodic_audit(database: Database, metrics: Recorder, *, rows: int, clock: Clock = utcnow) -> AuditReport:
    """One period's audit: the next slice of at most `rows` rows per table from the stored positions, which are
    then saved (0: a full audit, positions untouched). Mismatches counted and logged as by `run_audit`."""
    if rows == 0:
        return run_audit(database, metrics, clock=clock)
    report, positions = audit_slice(database, load_positions(database), rows=rows, clock=clock)
    save_positions(database, positions, clock=clock)
    _publish(report, metrics)
    return report


def _publish(report: AuditReport, metrics: Recorder) -> None:
    for mismatch in report.mismatches:
        metrics.count(AUDIT_METRIC, table=mismatch.table)
        logger.error("audit: %s %s: %s", mismatch.table, mismatch.row_id, mismatch.problem)


_DAMAGE_CODES: Final = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)


def database_damage(error: BaseException) -> str | None:
    """What SQLite said when `error` (or what it was raised from) is SQLite finding the file damaged ("database
    disk image is malformed"), or a stored value that no longer reads back (we only ever write UTF-8 text and valid
    times: a flipped bit in a column), as opposed to the database being busy or away; None otherwise."""
    value = stored_value_damage(error)  # a stored text, time or number we wrote that no longer reads: not echoed
    if value is not None:
        return value
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for candidate in (current, getattr(current, "orig", None)):
            code = getattr(candidate, "sqlite_errorcode", None)
            if isinstance(candidate, sqlite3.DatabaseError) and isinstance(code, int) and code & 0xFF in _DAMAGE_CODES:
                return (str(candidate).strip().splitlines() or [type(candidate).__name__])[0][:200]
        current = current.__cause__ or current.__context__
    return None


class DataSafetyLoop:
    """The thread in `serve`: a backup every `backup.interval_seconds` (the first one interval after start),
    an audit slice every `backup.audit_interval_seconds` (the first one at start). Failures are logged and tried
    again next period; the backup metric going stale is what alerts."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        metrics: Recorder,
        audit: AuditTrail,
        stop: threading.Event,
        *,
        clock: Clock = utcnow,
        rescan_seconds: float = BACKUP_RESCAN_SECONDS,
    ) -> None:
        self.settings = settings
        self.database = database
        self.metrics = metrics
        self.audit = audit
        self.stop = stop
        self.clock = clock
        self.rescan_seconds = rescan_seconds
        self._rescan_failed = False

    def run(self) -> None:
        backup_every = self.settings.backup.interval_seconds
        audit_every = self.settings.backup.audit_interval_seconds
        if self._rescan() is None and backup_every:
            # no backup yet, and this process is to take them: one is owed from now (ADR 0638). The gauge at 0
            # would read as "never" to the watchdog (no alert, ever) and as 1970 to Prometheus (an alert at once)
            self.metrics.set(BACKUP_METRIC, self.clock().timestamp())
        now = time.monotonic()
        next_backup = now + backup_every if backup_every else None
        next_audit = now if audit_every else None
        next_rescan = now + self.rescan_seconds
        while not self.stop.is_set():
            now = time.monotonic()
            if next_audit is not None and now >= next_audit:
                self._audit()
                next_audit = time.monotonic() + audit_every
            if next_backup is not None and now >= next_backup:
                self._backup()
                next_backup = time.monotonic() + backup_every
            if now >= next_rescan:
                self._rescan()
                next_rescan = time.monotonic() + self.rescan_seconds
            due = [t for t in (next_audit, next_backup, next_rescan) if t is not None]
            self.stop.wait(max(min(1.0, self.rescan_seconds), min(due) - time.monotonic()))

    def _rescan(self) -> Manifest | None:
        """The newest backup on disk into the metric (a backup another process took counts); None when there is
        none or the directory cannot be read (logged once per failing spell: the alert tells the rest)."""
        try:
            found = publish_backup_age(self.settings, self.metrics)
        except Exception as exc:  # an unreadable backup directory: the metric keeps its value
            if not self._rescan_failed:
                logger.warning("backups: cannot read the backup directory: %s", type(exc).__name__)
            self._rescan_failed = True
            return None
        self._rescan_failed = False
        return found

    def _audit(self) -> None:
        try:
            rows = self.settings.backup.audit_rows_per_pass
            report = run_periodic_audit(self.database, self.metrics, rows=rows, clock=self.clock)
            logger.info("audit: %s; %s jobs checked for references", report.summary(), report.jobs_checked)
        except Exception as exc:
            damage = self._damage(exc)
            if damage is None:  # the store is down: next period
                logger.warning("audit failed: %s", type(exc).__name__)
                return
            self.metrics.count(AUDIT_METRIC, table="database")  # each pass that meets it: alerts while it lasts
            logger.error(
                "audit: the database is damaged (%s): keep a copy of it, then restore the newest verified backup "
                "(docs/runbooks/audit-mismatch.md)",
                damage,
            )

    def _damage(self, error: Exception) -> str | None:
        """Why a failed audit pass failed when the database file is damaged, else None. Damage shows as SQLite's
        "malformed", or as anything (a TypeError from a garbled row) when its pages are wrong: then quick_check
        says. A database that is merely away (StoreUnavailable) is not checked."""
        said = database_damage(error)
        if said is not None or isinstance(error, StoreUnavailable) or not self.database.is_sqlite:
            return said
        try:
            problems = self.database.page_problems()
        except Exception as exc:
            return database_damage(exc)
        return "; ".join(problems) if problems else None

    def _backup(self) -> None:
        try:
            manifest, removed = take_backup(
                self.settings, self.metrics, self.audit, actor="scheduler", clock=self.clock
            )
            logger.info(
                "backup %s written and verified (%s rows; %s old removed)", manifest.file, manifest.rows, len(removed)
            )
        except Exception as exc:  # a full disk, pg_dump missing: logged; backup-stale alerts after 26 h
            logger.error(
                "scheduled backup failed: %s", str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
            )


def start_data_safety(
    settings: Settings, database: Database | None, metrics: Recorder, audit: AuditTrail, stop: threading.Event
) -> threading.Thread | None:
    if database is None or not (settings.backup.interval_seconds or settings.backup.audit_interval_seconds):
        return None
    loop = DataSafetyLoop(settings, database, metrics, audit, stop)
    thread = threading.Thread(target=loop.run, name="tfreview-data-safety", daemon=True)
    thread.start()
    return thread
