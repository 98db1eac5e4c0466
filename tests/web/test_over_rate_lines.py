"""The "tenant over its delivery rate" line: once per tenant per period, counting the deliveries it stands for."""

from __future__ import annotations

from tfreview.web.door_keeper import _OverRateLines


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_line_per_tenant_per_period_saying_how_many_deliveries_it_stands_for() -> None:
    ticks = Ticks()
    lines = _OverRateLines(every=60, clock=ticks)
    assert lines.due("github:40") == 1  # the first over-rate delivery: a line at once
    assert [lines.due("github:40") for _ in range(5)] == [0, 0, 0, 0, 0]
    assert lines.due("github:41") == 1  # another tenant has its own period
    ticks.now += 60
    assert lines.due("github:40") == 6  # the five held back and this one
    assert lines.due("github:40") == 0
    ticks.now += 61
    assert lines.due("github:40") == 2


def test_the_tenants_remembered_are_bounded_oldest_line_first_out() -> None:
    ticks = Ticks()
    lines = _OverRateLines(every=60, clock=ticks, tenants=3)
    assert [lines.due(f"github:{n}") for n in range(10)] == [1] * 10  # ten tenants over their rate in a minute
    assert len(lines) == 3
    assert lines.due("github:9") == 0  # still remembered: held back
    assert lines.due("github:0") == 1  # forgotten early: its next line comes early, never unbounded memory
    assert len(lines) == 3
