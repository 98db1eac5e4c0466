"""Memory the door holds for a flood of forged identities, measured with tracemalloc (ADR 0373): bytes per key
of the in-memory rate windows (one hit per forged address, as a flood of spoofed or rotating clients makes),
and the over-rate log lines' table after a minute with more tenants over their rate than it remembers.

    .venv/bin/python benchmarks/door_memory.py --keys 50000
    PYTHONPATH=/path/to/other/checkout/src .venv/bin/python benchmarks/door_memory.py --keys 50000  # side by side
"""

from __future__ import annotations

import argparse
import tracemalloc
from collections.abc import Callable

from tfreview.door.limiter import Limiter, MemoryWindows
from tfreview.web.door_keeper import _OverRateLines


def _grown(action: Callable[[], None]) -> int:
    before = tracemalloc.take_snapshot()
    action()
    after = tracemalloc.take_snapshot()
    return sum(stat.size_diff for stat in after.compare_to(before, "filename"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=50_000)
    args = parser.parse_args()
    limiter = Limiter(MemoryWindows(), {"ip": "600/minute"})
    addresses = [f"203.0.{n // 256 % 256}.{n % 256}:{n}" for n in range(args.keys)]  # made before measuring
    tenants = [f"github:{n}" for n in range(args.keys)]
    lines = _OverRateLines(every=60, clock=lambda: 0.0)  # one minute: every tenant inside its period
    tracemalloc.start()

    def flood() -> None:
        for address in addresses:
            limiter.hit("ip", address)

    def over_rate() -> None:
        for tenant in tenants:
            lines.due(tenant)

    windows = _grown(flood)
    table = _grown(over_rate)
    print(f"rate windows: {args.keys:,} forged keys, {windows / args.keys:.0f} B per key")
    remembered = len(lines._since)  # the table itself: an older checkout's class has no __len__
    print(f"over-rate lines: {args.keys:,} tenants in one minute, {remembered:,} remembered, {table / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
