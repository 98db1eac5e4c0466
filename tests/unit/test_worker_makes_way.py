"""Workers make way for an intake burst before claiming (ADR 0127), but never for longer than the bound."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from tfreview.worker import runner


class _Busy:
    def __init__(self, answers: list[bool]) -> None:
        self.answers = answers
        self.asked = 0

    def busy(self) -> bool:
        self.asked += 1
        return self.answers.pop(0) if self.answers else False


def _worker(intake: _Busy, stop: threading.Event) -> runner.Worker:
    worker = runner.Worker.__new__(runner.Worker)
    worker.services = SimpleNamespace(intake=intake)  # type: ignore[assignment]
    worker.stop_event = stop
    return worker


def test_waits_while_the_intake_is_busy_then_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "INTAKE_YIELD_STEP_SECONDS", 0.001)
    intake = _Busy([True, True, True, False])
    _worker(intake, threading.Event())._make_way_for_intake()
    assert intake.asked == 4  # asked until the burst was over


def test_a_sustained_burst_delays_a_claim_only_up_to_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "INTAKE_YIELD_SECONDS", 0.05)
    monkeypatch.setattr(runner, "INTAKE_YIELD_STEP_SECONDS", 0.001)
    intake = _Busy([True] * 1_000_000)
    _worker(intake, threading.Event())._make_way_for_intake()  # returns: the bound, not the burst, ends it
    assert 1 <= intake.asked < 1_000_000


def test_stopping_ends_the_wait_at_once() -> None:
    stop = threading.Event()
    stop.set()
    intake = _Busy([True] * 10)
    _worker(intake, stop)._make_way_for_intake()
    assert intake.asked == 1
