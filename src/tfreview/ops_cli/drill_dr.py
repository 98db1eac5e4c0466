"""`tfreview drill dr`: the disaster-recovery rehearsal, end to end, against a copy (issue 11 B*).

1. backup    take a verified backup of the live database (it is only read)
2. restore   into a fresh database: a new data directory (SQLite) or a scratch database (PostgreSQL)
3. start     a real `tfreview serve` process on the restored copy, until /readyz answers 200
4. reconcile run the configured reconcilers once against the copy (none configured: nothing to catch up)
5. audit     integrity audit of the copy, and its row counts against the backup's manifest

RPO — data at risk: what was written after the backup's snapshot. For this drill: restore start minus
snapshot time; with scheduled backups the worst case is `backup.interval_seconds` plus one backup's duration.
RTO — restore start until the restored service is ready (and until it is audited).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import httpx

from tfreview.core.errors import UpstreamError
from tfreview.ops.recorder import NullRecorder
from tfreview.plumbing.whole_files import write_whole
from tfreview.settings import Settings

READY_TIMEOUT_SECONDS: Final = 120.0
EXIT_OK, EXIT_FAILED = 0, 1


@dataclass
class DrillResult:
    kind: str
    started_at: datetime
    backup_file: str = ""
    rows: int = 0
    backup_seconds: float = 0.0
    restore_seconds: float = 0.0
    ready_seconds: float = 0.0  # restore start → /readyz 200
    audited_seconds: float = 0.0  # restore start → audit done
    rpo_seconds: float = 0.0
    scheduled_rpo_seconds: float = 0.0
    reconcile: list[str] = field(default_factory=list)
    audit_summary: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def markdown(self) -> str:
        verdict = "PASSED" if self.passed else "FAILED"
        lines = [
            f"# Disaster-recovery drill — {verdict}",
            "",
            f"- started: {self.started_at:%Y-%m-%d %H:%M:%S}Z; database: {self.kind}",
            f"- backup: `{self.backup_file}` ({self.rows} rows) in {self.backup_seconds:.2f} s",
            "",
            "| measure | value |",
            "|---|---|",
            f"| RPO (this drill: restore start − snapshot) | {self.rpo_seconds:.2f} s |",
            f"| RPO (scheduled backups, worst case) | {self.scheduled_rpo_seconds:.0f} s |",
            f"| restore (verify + restore + migrate) | {self.restore_seconds:.2f} s |",
            f"| RTO: restore start → service ready | {self.ready_seconds:.2f} s |",
            f"| RTO: restore start → audited | {self.audited_seconds:.2f} s |",
            "",
            "## Reconcile",
            "",
            *([f"- {line}" for line in self.reconcile] or ["- no reconciler configured: nothing to catch up"]),
            "",
            "## Audit of the restored copy",
            "",
            f"- {self.audit_summary or 'not reached'}",
            "",
            "## Problems",
            "",
            *([f"- {problem}" for problem in self.problems] or ["- none"]),
            "",
        ]
        return "\n".join(lines)

    def summary(self) -> str:
        return (
            f"drill dr {'passed' if self.passed else 'FAILED'}: RPO {self.rpo_seconds:.2f} s "
            f"(scheduled worst case {self.scheduled_rpo_seconds:.0f} s), RTO {self.ready_seconds:.2f} s to ready, "
            f"{self.audited_seconds:.2f} s to audited ({self.rows} rows)"
        )


def run_dr_drill(settings: Settings, *, report_path: str | None, keep: bool) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per /readyz poll is noise here
    result = drill(settings, keep=keep)
    path = Path(report_path) if report_path else _default_report(settings, result.started_at)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, result.markdown())
    print(result.summary())
    for problem in result.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(f"drill report: {path}")
    return EXIT_OK if result.passed else EXIT_FAILED


def _default_report(settings: Settings, at: datetime) -> Path:
    return Path(settings.server.data_dir).expanduser().resolve() / "drills" / f"dr-{at:%Y%m%dT%H%M%SZ}.md"


def drill(settings: Settings, *, keep: bool = False) -> DrillResult:
    from tfreview.ops_cli.actor import cli_actor
    from tfreview.ops_cli.restore import restore_backup
    from tfreview.service.data_safety import backup_directory, take_backup
    from tfreview.store.audit_log import SqlAuditTrail
    from tfreview.store.database import Database

    kind = "sqlite" if settings.database.url.startswith("sqlite") else "postgresql"
    result = DrillResult(kind=kind, started_at=datetime.now(UTC))
    live = Database(settings.database.url, settings.database.busy_timeout_ms, pool_size=1)
    try:
        began = time.perf_counter()
        manifest, _ = take_backup(settings, NullRecorder(), SqlAuditTrail(live), actor="drill")
        result.backup_seconds = time.perf_counter() - began
    finally:
        live.close()
    result.backup_file, result.rows = manifest.file, manifest.rows
    result.scheduled_rpo_seconds = settings.backup.interval_seconds + result.backup_seconds
    with _fresh_target(settings, kind, keep) as (restored_settings, data_dir):
        restore_start = datetime.now(UTC)
        result.rpo_seconds = (restore_start - manifest.created_at).total_seconds()
        began = time.perf_counter()
        restore_backup(
            restored_settings, backup_directory(settings), manifest, force=True, actor=cli_actor(), quiet=True
        )
        result.restore_seconds = time.perf_counter() - began
        try:
            with _serve(restored_settings, data_dir) as url:
                result.ready_seconds = time.perf_counter() - began
                _check_serving(url, result)
                result.reconcile = _reconcile(restored_settings)
                _audit(restored_settings, manifest.rows, result)
                result.audited_seconds = time.perf_counter() - began
        except UpstreamError as exc:
            result.problems.append(str(exc))
    return result


@contextmanager
def _fresh_target(settings: Settings, kind: str, keep: bool) -> Iterator[tuple[Settings, Path]]:
    """Settings pointing at a fresh data directory and (PostgreSQL) a fresh scratch database."""
    from tfreview.store.backup import scratch_database

    root = Path(tempfile.mkdtemp(prefix="tfreview-drill-"))
    try:
        server = settings.server.model_copy(update={"data_dir": str(root)})
        scratch = (
            scratch_database(settings.database.url, "drill", keep=keep) if kind == "postgresql" else nullcontext(None)
        )
        with scratch as scratch_url:
            url = scratch_url or f"sqlite:///{root / 'tfreview.db'}"
            database = settings.database.model_copy(update={"url": url})
            backup = settings.backup.model_copy(update={"directory": str(root / "backups")})
            yield settings.model_copy(update={"server": server, "database": database, "backup": backup}), root
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _serve(settings: Settings, data_dir: Path) -> Iterator[str]:
    """A real `tfreview serve` process on the restored copy; yields its URL once /readyz answers 200."""
    environment = dict(os.environ)
    environment.update(
        {
            "TFREVIEW_DATABASE__URL": settings.database.url,
            "TFREVIEW_BACKUP__INTERVAL_SECONDS": "0",  # the copy takes no backups of its own
            "TFREVIEW_BACKUP__DIRECTORY": settings.backup.directory,
            "PYTHONUNBUFFERED": "1",
        }
    )
    log = (data_dir / "serve.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(  # this very Python, running tfreview
        [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data_dir)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        url = wait_ready(process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
        log.close()


def wait_ready(process: subprocess.Popen[str], log: object, what: str = "the restored service") -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    line = process.stdout.readline()  # "tfreview serving on URL (...)" once it listens
    if "serving on " not in line:
        raise UpstreamError(f"{what} did not start (exit {process.poll()}); see serve.log in the drill directory")
    url = line.split("serving on ", 1)[1].split()[0]
    with httpx.Client(timeout=5.0) as client:
        while time.monotonic() < deadline:
            try:
                if client.get(f"{url}/readyz").status_code == 200:
                    return url
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise UpstreamError(f"{what} exited ({process.returncode}) before it was ready")
            time.sleep(0.1)
    raise UpstreamError(f"{what} was not ready within {READY_TIMEOUT_SECONDS:.0f} s")


def _check_serving(url: str, result: DrillResult) -> None:
    with httpx.Client(timeout=5.0) as client:
        health = client.get(f"{url}/healthz")
    if health.status_code != 200:
        result.problems.append(f"/healthz answered {health.status_code} on the restored service")


def _reconcile(settings: Settings) -> list[str]:
    from tfreview.wiring import build_services
    from tfreview.worker.scheduler import run_reconciler

    services = build_services(settings)
    try:
        lines = []
        for reconciler in services.reconcilers:
            outcome = run_reconciler(reconciler, services.metrics)
            summary = outcome.catch_up.summary() if outcome.catch_up is not None else f"failed: {outcome.error}"
            lines.append(f"{outcome.name}: {summary}")
        return lines
    finally:
        services.close()


def _audit(settings: Settings, expected_rows: int, result: DrillResult) -> None:
    from tfreview.service.data_safety import run_audit
    from tfreview.store.database import Database

    database = Database(settings.database.url, settings.database.busy_timeout_ms, pool_size=1)
    try:
        report = run_audit(database, NullRecorder())
    finally:
        database.close()
    result.audit_summary = report.summary()
    if not report.clean:
        result.problems.append(f"the audit of the restored copy found {len(report.mismatches)} mismatch(es)")
    del expected_rows  # the restore already compared every table with the manifest
