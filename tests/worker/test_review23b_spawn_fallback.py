"""review23b: a Python whose spawn primitive refuses the call review_spawn makes (ADR 0740) still starts its review
processes, the stock way, and says so once — not once per review, which buried every other line of a busy server's
log under the same warning."""

from __future__ import annotations

import _posixsubprocess
import logging
import os
import threading
from typing import Any

import pytest

from tfreview.worker import review_spawn
from tfreview.worker.review_spawn import ReviewSpawnProcess


def test_a_differing_spawn_primitive_starts_the_processes_the_stock_way_and_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    stock = _posixsubprocess.fork_exec

    def another_pythons(*args: Any) -> Any:
        if args[5] is not None:  # an environment: the call review_spawn makes, refused as a changed signature is
            raise TypeError("fork_exec() takes exactly 22 arguments (23 given)")
        return stock(*args)

    monkeypatch.setattr(_posixsubprocess, "fork_exec", another_pythons)
    monkeypatch.setattr(review_spawn, "FALLBACK_WARNED", threading.Event())
    caplog.set_level(logging.WARNING, logger="tfreview.worker")
    for _ in range(3):
        process = ReviewSpawnProcess(target=os.getpid)
        process.start()
        process.join(60)
        assert process.exitcode == 0
    warnings = [r for r in caplog.records if "spawn primitive differs" in r.getMessage()]
    assert len(warnings) == 1
