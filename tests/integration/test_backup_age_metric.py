"""The `backup-stale` alert as an on-call meets it (ADR 0638): `serve`'s backup gauge follows the backups on disk,
whoever took them, and a service whose scheduled backups never succeed alerts 26 hours after it started.

The runbook's recovery is `tfreview backup create` — another process — and its verification "the backup timestamp
metric is fresh; the alert resolves". The gauge was read from the disk only when `serve` started: a backup taken by
hand or by cron never reached it, so the alert stayed firing until a restart. And with no backup at all the gauge
sat at 0, which the watchdog reads as "never" (no alert, ever) and the exported PromQL read as 1970 (an alert at
once on every fresh install). The data-safety thread runs here as `serve` runs it; the backup is taken by a real
`tfreview backup create` process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.live import wait_for
from tests.integration.served import child_env
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.evaluation import evaluate
from tfreview.ops.metrics import PrometheusRecorder
from tfreview.ops.series import Sample, SeriesBuffer
from tfreview.ops.settings import BackupSettings
from tfreview.ports.audit import AuditTrail
from tfreview.service.data_safety import BACKUP_METRIC, DataSafetyLoop
from tfreview.settings import Settings
from tfreview.store.database import Database
from tfreview.wiring import build_services


def gauge(recorder: PrometheusRecorder) -> float:
    (value,) = [v for name, _, v in recorder.samples() if name == BACKUP_METRIC]
    return value


def backup_stale_holds(value: float, now: float) -> bool:
    """The watchdog's verdict on `backup-stale` at `now` with the gauge at `value`."""
    rule = load_alert_table().by_id("backup-stale")
    buffer = SeriesBuffer(600)
    buffer.add(now, [Sample.of(BACKUP_METRIC, {}, value)])
    found = evaluate(rule.condition, buffer, now)
    return found is not None and rule.condition.holds(found)


class Running:
    def __init__(self, settings: Settings, database: Database, audit: AuditTrail, *, rescan_seconds: float) -> None:
        self.recorder = PrometheusRecorder(strict=True)
        self.stop = threading.Event()
        self.loop = DataSafetyLoop(settings, database, self.recorder, audit, self.stop, rescan_seconds=rescan_seconds)
        self.thread = threading.Thread(target=self.loop.run, daemon=True)

    def __enter__(self) -> Running:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(30)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    upgraded = tfreview_in_process("db", "upgrade", "--data-dir", str(data), env=child_env())  # ADR 0669
    assert upgraded.returncode == 0, upgraded.stderr
    return data


@pytest.fixture
def wired(data_dir: Path) -> Iterator[tuple[Settings, Database, AuditTrail]]:
    settings = Settings(
        server={"data_dir": str(data_dir)},  # type: ignore[arg-type]  # pydantic validates the mapping
        backup=BackupSettings(interval_seconds=86400, audit_interval_seconds=0),
    )
    services = build_services(settings)
    assert services.database is not None
    try:
        yield settings, services.database, services.audit
    finally:
        services.database.close()


def test_a_backup_taken_by_another_process_reaches_the_running_services_gauge(
    wired: tuple[Settings, Database, AuditTrail], data_dir: Path
) -> None:
    settings, database, audit = wired
    with Running(settings, database, audit, rescan_seconds=0.1) as running:
        started = wait_for(lambda: gauge(running.recorder) or None, "the gauge's first value")
        taken = subprocess.run(
            [sys.executable, "-m", "tfreview", "backup", "create", "--data-dir", str(data_dir)],
            env=child_env(), capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert taken.returncode == 0, taken.stderr
        (manifest,) = (data_dir / "backups").glob("*.manifest.json")
        created = json.loads(manifest.read_text())["created_at"]
        stamp = datetime.fromisoformat(created).timestamp()
        assert stamp > started
        wait_for(lambda: gauge(running.recorder) == stamp, f"the gauge to read the new backup's time {stamp}")
        assert not backup_stale_holds(gauge(running.recorder), stamp + 60)  # the runbook's verification


def test_a_service_whose_backups_never_succeed_alerts_26_hours_after_it_started(
    wired: tuple[Settings, Database, AuditTrail],
) -> None:
    settings, database, audit = wired
    before = time.time()
    with Running(settings, database, audit, rescan_seconds=0.1) as running:
        value = wait_for(lambda: gauge(running.recorder) or None, "the gauge to be set without any backup")
    assert before <= value <= time.time()  # the start: a backup has been owed since then
    assert not backup_stale_holds(value, value + 3600)  # a fresh install does not alert ...
    assert backup_stale_holds(value, value + 93600 + 60)  # ... 26 hours without a verified backup does
