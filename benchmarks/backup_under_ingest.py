"""B1: scheduled backups inside a real `tfreview serve` while signed GitHub deliveries arrive, on SQLite or
PostgreSQL; then every backup is verified with the real CLI.

    .venv/bin/python benchmarks/backup_under_ingest.py [--seconds 20] [--rate 50] [--database-url URL]

A backup every 4 s (`TFREVIEW_BACKUP__INTERVAL_SECONDS=4`); deliveries one at a time at up to `--rate` per second.
Prints the answers by status, the ack latency p50 / p99 / max, and one line per backup with its verify result.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.integration.door_requests import delivery, request  # noqa: E402 - the repository's own test helpers
from tests.integration.served import child_env, serving  # noqa: E402 - the repository's own test helpers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    extra = {"TFREVIEW_BACKUP__INTERVAL_SECONDS": "4"}
    if args.database_url:
        extra["TFREVIEW_DATABASE__URL"] = args.database_url
    env = child_env(**extra)
    with tempfile.TemporaryDirectory(prefix="tfreview-b1-") as scratch:
        data = Path(scratch) / "data"
        statuses: Counter[int] = Counter()
        latencies: list[float] = []
        with serving(data, env=env) as served:
            stop = time.monotonic() + args.seconds
            number = 0
            while time.monotonic() < stop:
                started = time.monotonic()
                body, headers = delivery(7, 100_000 + number)
                number += 1
                statuses[request(served.port, "POST", "/webhooks/github", body=body, headers=headers).status] += 1
                latencies.append(time.monotonic() - started)
                time.sleep(max(0.0, 1 / args.rate - (time.monotonic() - started)))
            time.sleep(5)  # the backup in progress finishes
        latencies.sort()
        p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
        worst = latencies[-1]
        print(f"answers {dict(statuses)}; ack p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms, max {worst * 1e3:.1f} ms")
        for manifest in sorted((data / "backups").glob("*.manifest.json")):
            backup = manifest.with_name(manifest.name.removesuffix(".manifest.json"))
            verified = subprocess.run(
                [sys.executable, "-m", "tfreview", "backup", "verify", "--data-dir", str(data), backup.name],
                env=env, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
            print((verified.stdout or verified.stderr).strip().splitlines()[-1])


if __name__ == "__main__":
    main()
