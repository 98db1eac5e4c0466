"""What a hostile answer costs each outbound client: the Python memory held (tracemalloc peak) and the wall time
of one call against a gzip bomb (100 MiB inflated, ~100 kB sent) and against headers dribbled a byte every
50 ms (the fake stops after 400 bytes, ~20 s). Run from the repository root:

    .venv/bin/python benchmarks/hostile_answers.py
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes import hostile
from tests.fakes.hostile import HostileServer
from tests.integration.test_hostile_upstreams import BOMB, CLIENTS

from tfreview.plumbing.http import outbound_client


def main() -> None:
    print("client     bomb: peak MB, failure                                  | dribble: s, failure")
    for client in CLIENTS:
        figures: list[str] = []
        for behaviour, measure_memory in ((hostile.gzip_bomb(BOMB), True), (hostile.dribbled_headers, False)):
            with HostileServer(behaviour) as server, outbound_client(timeout=1.0) as http:
                if measure_memory:
                    tracemalloc.start()
                started = time.monotonic()
                try:
                    client.call(http, server.url, Path(tempfile.mkdtemp()))
                    failure = "no failure"
                except Exception as error:
                    failure = f"{type(error).__name__}: {error}"[-48:]
                elapsed = time.monotonic() - started
                if measure_memory:
                    peak = tracemalloc.get_traced_memory()[1]
                    tracemalloc.stop()
                    figures.append(f"{peak / 1e6:7.1f}, {failure:48}")
                else:
                    figures.append(f"{elapsed:5.1f}, {failure}")
        print(f"{client.name:10} {figures[0]} | {figures[1]}")


if __name__ == "__main__":
    main()
