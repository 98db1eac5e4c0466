"""The throw-away service of `tfreview drill SCENARIO --embedded`: a real `tfreview serve` process in a fresh
temporary data directory, on a free loopback port, with the watchdog on the compressed clock of the drill.

Its environment is this one's WITHOUT any `TFREVIEW_*` variable — the rehearsal must not touch the
operator's database nor page the operator's on-call — except `TFREVIEW_NOTIFY__*` with `--notify` (to
rehearse the notification path to a test channel). It signs deliveries with a random secret, exposes
`/metrics` to a random token (the drill reads the failure signal there, ADR 0528), lets
loopback through the door (the drill is its only client) and takes no backups. The directory and the
process are removed when the drill ends, Ctrl-C included.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tfreview.ops_cli.drill_dr import wait_ready

WATCHDOG_INTERVAL_SECONDS = 1.0
KEEP_FIRING_SECONDS = 120.0  # the watchdog's default, scaled with the table


@dataclass(frozen=True, slots=True)
class EmbeddedService:
    url: str
    data_dir: Path
    database_path: Path
    github_secret: str
    metrics_token: str


def keep_firing_seconds(scale: float) -> float:
    """The embedded watchdog's `keep_firing_seconds` on the drill's clock."""
    return max(1.0, KEEP_FIRING_SECONDS * scale)


def embedded_environment(
    data_dir: Path,
    scale: float,
    secret: str,
    *,
    notify: bool,
    extra: dict[str, str] | None = None,
    metrics_token: str = "",
) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TFREVIEW_") or (notify and key.startswith("TFREVIEW_NOTIFY__"))
    }
    environment.update(
        {
            "TFREVIEW_DATABASE__URL": f"sqlite:///{data_dir / 'tfreview.db'}",
            "TFREVIEW_GITHUB__WEBHOOK_SECRETS": json.dumps([{"value": secret, "name": "drill"}]),
            "TFREVIEW_WATCHDOG__INTERVAL_SECONDS": str(WATCHDOG_INTERVAL_SECONDS),
            "TFREVIEW_WATCHDOG__TIME_SCALE": repr(scale),
            "TFREVIEW_WATCHDOG__KEEP_FIRING_SECONDS": str(keep_firing_seconds(scale)),
            "TFREVIEW_WATCHDOG__LEASE_SECONDS": "10",
            "TFREVIEW_BACKUP__INTERVAL_SECONDS": "0",
            "TFREVIEW_BACKUP__AUDIT_INTERVAL_SECONDS": "0",
            "TFREVIEW_DOOR__ALLOW_LIST": json.dumps(["127.0.0.1/32", "::1/128"]),
            "TFREVIEW_METRICS__ENABLED": "true",
            **({"TFREVIEW_METRICS__TOKEN": metrics_token} if metrics_token else {}),
            "PYTHONUNBUFFERED": "1",
            **(extra or {}),
        }
    )
    return environment


@contextmanager
def embedded_service(
    scale: float, *, notify: bool, keep: bool = False, extra: dict[str, str] | None = None, worker: bool = False
) -> Iterator[EmbeddedService]:
    data_dir = Path(tempfile.mkdtemp(prefix="tfreview-drill-"))
    secret = secrets.token_urlsafe(32)
    metrics_token = secrets.token_urlsafe(24)
    log = (data_dir / "serve.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(  # this very Python, running tfreview
        [
            sys.executable,
            "-m",
            "tfreview",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            *([] if worker else ["--no-worker"]),  # reviews run only where the rehearsal needs them
        ],
        env=embedded_environment(data_dir, scale, secret, notify=notify, extra=extra, metrics_token=metrics_token),
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        url = wait_ready(process, log, "the drill's embedded service")
        yield EmbeddedService(url, data_dir, data_dir / "tfreview.db", secret, metrics_token)
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
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)
