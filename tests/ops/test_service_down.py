"""The "service down" row: what a process cannot say about itself is said from outside (`tfreview probe` on
a second machine, the watchdog's heartbeat in /readyz as a dead-man's switch), and one evaluator at a time
across processes (the database lease), taken over when its holder dies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ops.stack import scenario_stack
from tests.ops.test_scenarios import closed_port
from tfreview.cli import main
from tfreview.ops.actions import Actions
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.watchdog import LEASE_NAME, Watchdog, WatchdogConfig


def probe(url: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["probe", url, "--timeout", "5", *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_probe_exit_codes_and_the_dead_mans_switch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with scenario_stack(tmp_path) as stack:
        stack.tick()
        code, text = probe(stack.url, capsys)
        assert code == 0, text
        assert "ok: alive and ready" in text
        code, text = probe(stack.url, capsys, "-o", "json")
        assert code == 0
        assert json.loads(text)["checks"]["watchdog"]["detail"].startswith("ok:")
        # the watchdog stops evaluating (its thread died, every process lost the lease): the heartbeat goes stale
        stack.clock.advance(stack.settings.watchdog.heartbeat_stale_seconds + 30)
        code, text = probe(stack.url, capsys)
        assert code == 1, text
        assert "degraded: watchdog stale" in text
        ready = stack.http.get("/readyz")
        assert ready.status_code == 200  # a monitoring fault never takes the API out of the load balancer
        stack.tick()
        assert probe(stack.url, capsys)[0] == 0
    code, text = probe(f"http://127.0.0.1:{closed_port()}", capsys)
    assert code == 3
    assert "down:" in text
    assert probe("ftp://example.com", capsys)[0] == 2


def test_one_evaluator_at_a_time_and_a_takeover(tmp_path: Path) -> None:
    with scenario_stack(tmp_path) as stack:
        first = stack.ops.watchdog
        assert first is not None
        second = Watchdog(
            load_alert_table(),
            list,
            stack.ops.incidents,
            stack.ops.leases,
            stack.ops.dispatcher,
            Actions(),
            owner="another-process",
            config=WatchdogConfig(lease_seconds=60),
            clock=stack.clock,
        )
        for _ in range(3):
            stack.clock.advance(15)
            evaluated = [first.tick().evaluated, second.tick().evaluated]
            assert evaluated == [True, False]
        held = stack.ops.leases.holder(LEASE_NAME)
        assert held is not None
        assert held.owner == first.owner
        # the first process dies: no renewal; after its lease expires the second one evaluates
        stack.clock.advance(61)
        assert second.tick().evaluated
        assert not first.tick().evaluated
        held = stack.ops.leases.holder(LEASE_NAME)
        assert held is not None
        assert held.owner == "another-process"
