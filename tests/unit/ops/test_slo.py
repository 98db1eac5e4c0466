"""SLOs: attainment and error budget arithmetic, `tfreview slo` on a fresh data directory, burn thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfreview.cli import main
from tfreview.ops.settings import SloSettings
from tfreview.ops.slo import BURN_WINDOWS, service_levels
from tfreview.ops_cli.slo_report import format_attainment, time_to_review


def test_attainment_and_budget_left() -> None:
    durations = [("completed", 30.0)] * 97 + [("completed", 900.0)] * 2 + [("failed", 5.0)]
    found = time_to_review(durations, 600, 0.95)
    assert (found.total, found.good) == (100, 97)
    assert found.ratio == pytest.approx(0.97)
    assert found.budget_left == pytest.approx(1 - 3 / 5)  # 3 bad of the 5 the objective allows
    assert "error budget left 40.0%" in format_attainment("time-to-review", found)
    assert "no finished review" in format_attainment("x", time_to_review([], 600, 0.95))


def test_burn_rate_thresholds_follow_the_objective() -> None:
    webhook = service_levels(SloSettings(webhook_availability=0.999))[0]
    fast, slow, ticket = (webhook.burn_expression(b) for b in BURN_WINDOWS)
    assert '{route="webhook"}[1h]))) > 0.0144 and (' in fast
    assert fast.endswith("[5m]))) > 0.0144")
    assert "[6h]))) > 0.006 and (" in slow
    assert "[3d]))) > 0.001 and (" in ticket


def test_slo_command_on_an_empty_service(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--data-dir", str(tmp_path / "data")]) == 0  # the service's database, empty
    assert main(["slo", "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    assert "time-to-review (≤ 600 s): objective 95.00%; no finished review in the window" in out
    assert "webhook-acceptance: objective 99.900%; not stored per event, measured by Prometheus: 1 - (" in out
    assert "[30d]" in out
