"""The worker's own settings (`TFREVIEW_WORKER__*`) are refused at load when they cannot work, naming the setting —
not accepted and then failing in the loop. Before: `REAPER_INTERVAL_SECONDS=0` or `POLL_INTERVAL_SECONDS=0` made an
idle `tfreview worker` spin at ~75 % of a core (the reaper swept, the claim loop polled, without a pause);
`LEASE_SECONDS=nan` started a worker whose every sweep and claim failed ("cannot convert float NaN to integer");
`MAX_ATTEMPTS=0`, a zero or negative lease, a zero deadline were taken as given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from tfreview.store.queue_settings import WorkerSettings

REFUSED = [
    ("concurrency", "0", "greater than or equal to 1"),
    ("lease_seconds", "0", "greater than 0"),
    ("lease_seconds", "nan", "a finite number"),
    ("lease_seconds", "inf", "a finite number"),
    ("heartbeat_seconds", "-1", "greater than 0"),
    ("poll_interval_seconds", "0", "greater than 0"),
    ("reaper_interval_seconds", "0", "greater than 0"),
    ("reaper_interval_seconds", "-1", "greater than 0"),
    ("max_attempts", "0", "greater than or equal to 1"),
    ("backoff_base_seconds", "-1", "greater than or equal to 0"),
    ("backoff_cap_seconds", "nan", "a finite number"),
    ("review_deadline_seconds", "0", "greater than 0"),
]


@pytest.mark.parametrize(("name", "value", "says"), REFUSED)
def test_a_worker_setting_that_cannot_work_is_refused(name: str, value: str, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        WorkerSettings.model_validate({name: value})
    assert says in str(refused.value), str(refused.value)


def test_the_values_tests_and_operators_use_are_accepted() -> None:
    quick = WorkerSettings.model_validate(
        {
            "concurrency": 1,
            "lease_seconds": 1,
            "heartbeat_seconds": 0.05,
            "poll_interval_seconds": 0.01,
            "reaper_interval_seconds": 0.05,
            "max_attempts": 1,
            "backoff_base_seconds": 0,
            "backoff_cap_seconds": 0,
            "review_deadline_seconds": 60,
        }
    )
    assert quick.max_attempts == 1
    assert WorkerSettings() == WorkerSettings.model_validate({})  # the defaults hold


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("TFREVIEW_WORKER__REAPER_INTERVAL_SECONDS", "0", "greater than 0"),
        ("TFREVIEW_WORKER__LEASE_SECONDS", "nan", "a finite number"),
    ],
)
def test_tfreview_worker_refuses_them_at_start_naming_the_setting(
    variable: str, value: str, says: str, tmp_path: Path
) -> None:
    env = {**os.environ, variable: value}
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "worker"],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done
    assert f"{variable}: Input should be {says}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / ".tfreview-data").exists()  # nothing written before the refusal
