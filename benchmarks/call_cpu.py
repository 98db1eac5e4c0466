"""A pytest plugin: each test's call phase, its wall time and its CPU (the test process's own, and that of the
children it waited for), one line per test appended to $CALL_CPU_OUT (tab-separated: node id, wall s, own CPU s,
children's CPU s, load average). A test whose CPU is a small part of its wall time is waiting (benchmarks/README.md,
"r19-suite"). Works under xdist (each worker appends its own lines):

    CALL_CPU_OUT=/tmp/calls.tsv PYTHONPATH=benchmarks .venv/bin/python -m pytest -p call_cpu -n 2 tests/ops
    sort -t$'\\t' -k2 -nr /tmp/calls.tsv | head -40
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Generator

import pytest


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    started = time.monotonic()
    own, children = _cpu()
    yield
    wall = time.monotonic() - started
    own_after, children_after = _cpu()
    load = os.getloadavg()[0]
    line = f"{item.nodeid}\t{wall:.2f}\t{own_after - own:.2f}\t{children_after - children:.2f}\t{load:.1f}"
    with open(os.environ.get("CALL_CPU_OUT", "call_cpu.tsv"), "a", encoding="utf-8") as out:
        out.write(line + "\n")
