"""How many series a fresh `tfreview serve` shows on /metrics before any request (ADR 0614: the series the alerts
read over time exist at 0 from start). A real process on loopback (SQLite, a temporary data directory).

    PYTHONPATH=. .venv/bin/python benchmarks/metrics_series_count.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.integration.door_requests import request
from tests.integration.served import child_env, serving

TOKEN = "series-count-token"


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as directory,
        serving(Path(directory) / "data", env=child_env(TFREVIEW_METRICS__TOKEN=TOKEN)) as served,
    ):
        answer = request(served.port, "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    lines = [line for line in answer.body.decode().splitlines() if line and not line.startswith("#")]
    values = [line for line in lines if "_created" not in line.partition(" ")[0]]
    print(f"{len(lines)} series ({len(values)} without _created)")


if __name__ == "__main__":
    main()
