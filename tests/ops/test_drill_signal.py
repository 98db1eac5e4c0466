"""How a drill judges recovery (ADR 0528): the failure signal read from the service's metrics, and the
incident's resolution against the moment its row's mechanics make it due.

The reads are real Prometheus text parsed by the parser the drill uses; the rehearsals below run the
drill's own loop (`rehearse`) with an incident view and a metrics endpoint that follow a script, so that
the cases a real service cannot be made to show on demand — an incident resolved long after its
mechanics allow, a failure that never stops — are shown to FAIL the drill.
"""

from __future__ import annotations

import doctest
import json
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from tfreview.core.errors import UpstreamError
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.samples import parse_exposition
from tfreview.ops.series import Sample
from tfreview.ops.time_scale import scaled_table
from tfreview.ops_cli import drill_signal
from tfreview.ops_cli.drill_report import drill_document, drill_markdown, summary_line
from tfreview.ops_cli.drill_run import ScenarioDrill, new_drill, rehearse
from tfreview.ops_cli.drill_scenarios import DrillTarget, InjectionLog, Scenario
from tfreview.ops_cli.drill_signal import Mechanics, Read, failing, recover_seconds, resolution_due

TABLE = load_alert_table()
ALL_DOWN = "tfreview_advisor_all_down_total"


def scrape(text: str) -> tuple[Sample, ...]:
    return tuple(parse_exposition(text))


def all_down(count: float) -> tuple[Sample, ...]:
    return scrape(f"# TYPE {ALL_DOWN} counter\n{ALL_DOWN} {count}\n")


def reads(*values: float, start: float = 100.0) -> list[Read]:
    return [Read(start + i, 1_700_000_000.0 + i, all_down(v)) for i, v in enumerate(values)]


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(drill_signal).failed == 0


def test_an_increase_row_fails_while_its_counter_moves_and_recovers_when_it_stops() -> None:
    rule = TABLE.by_id("ai-all-providers-down")
    trace = reads(0, 1, 3, 3, 3)  # at 101 and 102 the counter moved; from 103 on it stays
    assert [failing(rule.condition, p.samples if p else None, r.samples, r.wall) for p, r in
            zip([None, *trace[:-1]], trace, strict=True)] == [False, True, True, False, False]  # fmt: skip
    assert drill_signal.last_failing(rule.condition, trace) == 102.0
    assert drill_signal.stopped_at(rule.condition, trace) == 102.0  # the last increase happened by then
    assert recover_seconds(rule.condition, trace, recovered_from=101.5) == pytest.approx(0.5)
    # stopped before the recovery (the row's pause-ai stops the calls that count): 0, not negative
    assert recover_seconds(rule.condition, trace, recovered_from=103.5) == 0.0


def test_a_failure_still_seen_at_the_last_read_never_recovered() -> None:
    rule = TABLE.by_id("ai-all-providers-down")
    assert recover_seconds(rule.condition, reads(0, 1, 2, 3, 4), recovered_from=101.5) is None


def test_a_value_row_recovers_when_its_condition_stops_holding() -> None:
    rule = TABLE.by_id("jwks-refresh-failing")  # tfreview_jwks_consecutive_failures >= 3
    name = rule.condition.metric
    trace = [
        Read(10.0 + i, 1_700_000_000.0 + i, scrape(f"# TYPE {name} gauge\n{name} {v}\n"))
        for i, v in enumerate([4, 5, 5, 0, 0])  # flat at 5 still fails: the condition holds
    ]
    assert drill_signal.last_failing(rule.condition, trace) == 12.0
    assert drill_signal.stopped_at(rule.condition, trace) == 13.0  # it held at 12: stopped by the next read
    assert recover_seconds(rule.condition, trace, recovered_from=11.0) == pytest.approx(2.0)


def test_an_age_row_recovers_when_the_silence_ends() -> None:
    rule = scaled_table(TABLE, 0.0025).by_id("webhook-silence-github")  # older than 54 s
    name, wall = rule.condition.metric, 1_700_000_000.0
    silent = scrape(f'# TYPE {name} gauge\n{name}{{source="github"}} {wall - 100}\n')
    spoken = scrape(f'# TYPE {name} gauge\n{name}{{source="github"}} {wall + 1}\n')
    trace = [Read(1.0, wall, silent), Read(2.0, wall + 1, silent), Read(3.0, wall + 2, spoken)]
    assert drill_signal.last_failing(rule.condition, trace) == 2.0
    assert recover_seconds(rule.condition, trace, recovered_from=2.5) == pytest.approx(0.5)
    assert recover_seconds(rule.condition, trace, recovered_from=3.5) == 0.0


def test_the_resolution_is_due_after_the_last_failure_plus_window_keep_firing_and_slack() -> None:
    scaled = scaled_table(TABLE, 0.05)
    rule = scaled.by_id("ai-all-providers-down")  # 900 s window → 45 s
    mechanics = Mechanics(keep_firing_seconds=6.0, interval_seconds=1.0, poll_seconds=0.25)
    due = resolution_due([rule], reads(0, 2, 2), mechanics, recovered_from=100.5)
    assert due is not None
    assert (due.alert_id, due.last_failure, due.window_seconds, due.keep_firing_seconds) == (rule.id, 101.0, 45, 6)
    assert due.slack_seconds == pytest.approx(3 * 1.0 + 2 * 0.25 + 0.1 * 51)
    assert due.at == pytest.approx(101.0 + 45 + 6 + due.slack_seconds)
    # a row whose metric never showed the failure counts from the recovery; the latest due row wins
    flood = scaled.by_id("signature-failure-spike")  # 15 s window
    both = resolution_due([flood, rule], reads(0, 2, 2), mechanics, recovered_from=100.5)
    assert both is not None
    assert both.alert_id == rule.id
    alone = resolution_due([flood], reads(0, 2, 2), mechanics, recovered_from=100.5)
    assert alone is not None
    assert alone.last_failure == 100.5
    assert alone.window_seconds == 15


# --- the drill's loop, on a script ------------------------------------------------------------------


class ScriptedService:
    """An incident view and a /metrics whose answers follow the injection: the counter moves while
    `failing`, one incident opens once it moved, and resolves `resolve_after` polls after the recovery."""

    def __init__(
        self,
        *,
        resolve_after: int | None,
        keeps_failing: bool = False,
        fires: bool = True,
        errors: bool = False,
        opened_by: str = "ai-all-providers-down",
    ) -> None:
        self.opened_by = opened_by  # the row the timeline says opened the incident
        self.failing = False
        self.count = 0
        self.errors = errors  # a second row of the group (`ai-provider-errors`) fired, its calls keep failing
        self.error_calls = 0
        self.incident: dict[str, Any] | None = None
        self.recovered_polls: int | None = None
        self.resolve_after = resolve_after
        self.keeps_failing = keeps_failing
        self.fires = fires
        self.lock = threading.Lock()

    dark_after_recovery = False  # /metrics stops answering at the recovery (the service never comes back)
    failing_reads: int | None = None  # the counter moves on this many reads only, then pauses

    # MetricsView
    def samples(self) -> tuple[Sample, ...]:
        with self.lock:
            if self.dark_after_recovery and self.recovered_polls is not None:
                raise UpstreamError("/metrics answered 503")
            if self.failing and (self.failing_reads is None or self.count < self.failing_reads):
                self.count += 1
            if not self.errors:
                return all_down(self.count)
            self.error_calls += 1
            calls = "tfreview_advisor_calls_total"
            return (
                *all_down(self.count),
                *scrape(f'# TYPE {calls} counter\n{calls}{{outcome="error",provider="p"}} {self.error_calls}\n'),
            )

    # IncidentView
    def recent(self) -> list[dict[str, Any]]:
        with self.lock:
            if self.incident is None and self.count > 0 and self.fires:
                self.incident = {"id": 1, "group": "ai-provider-failure", "status": "firing", "alert": "x"}
            if self.incident is not None and self.recovered_polls is not None:
                self.recovered_polls += 1
                if self.resolve_after is not None and self.recovered_polls >= self.resolve_after:
                    self.incident["status"] = "resolved"
            return [dict(self.incident)] if self.incident else []

    def timeline(self, incident_id: int) -> list[dict[str, Any]]:
        opened = [{"at": "t", "kind": "opened", "detail": {"alert": self.opened_by}}]
        fired = [{"at": "t", "kind": "alert-fired", "detail": {"alert": "ai-provider-errors"}}]
        return opened + fired if self.errors else opened

    def scenario(self) -> Scenario:
        def inject(target: DrillTarget, stop: threading.Event, log: InjectionLog) -> None:
            with self.lock:
                self.failing = True
            stop.wait()

        def recover(target: DrillTarget, log: InjectionLog) -> None:
            with self.lock:
                self.failing = self.keeps_failing
                self.recovered_polls = 0

        return Scenario("provider-down", "ai-all-providers-down", "scripted", inject, recover, embedded_scale=0.001)


def scripted_drill(service: ScriptedService, timeout: float = 30.0) -> ScenarioDrill:
    table = scaled_table(TABLE, 0.001)  # 900 s → 1 s window
    rule = table.by_id("ai-all-providers-down")
    scenario = service.scenario()
    drill = new_drill(scenario, rule, url="scripted", mode="embedded", scale=0.001)
    target = DrillTarget("scripted", None)  # type: ignore[arg-type]  # the scripted scenario sends nothing
    group: Sequence[Any] = [r for r in table if r.scenario == rule.scenario]
    mechanics = Mechanics(keep_firing_seconds=0.1, interval_seconds=0.1, poll_seconds=0.25)
    return rehearse(
        scenario, rule, target, service, drill, timeout_seconds=timeout, metrics=service, group=group,
        mechanics=mechanics,
    )  # fmt: skip


def test_a_resolution_within_its_mechanics_passes() -> None:
    drill = scripted_drill(ScriptedService(resolve_after=1))
    assert drill.problems == []
    assert drill.recover_seconds is not None
    assert drill.resolve_seconds is not None
    assert drill.resolved_in_time
    assert drill.passed
    document = drill_document(drill)
    assert document["resolution"]["in_time"] is True
    assert document["resolution"]["due_alert"] == "ai-all-providers-down"
    assert document["resolution"]["window_seconds"] == 1
    assert "incident resolved" in summary_line(drill)
    assert "passed" in summary_line(drill)


def test_a_resolution_far_later_than_its_mechanics_allow_fails_the_drill() -> None:
    # 40 polls of at least 0.25 s each: ten seconds at the least, against a due moment of
    # last failure + 1 s window + 0.1 s keep-firing + 0.9 s slack
    drill = scripted_drill(ScriptedService(resolve_after=40))
    assert drill.resolve_seconds is not None
    assert drill.due_seconds is not None
    assert drill.resolve_seconds > drill.due_seconds
    assert not drill.resolved_in_time
    assert not drill.passed
    assert any("later than its mechanics allow" in p for p in drill.problems), drill.problems
    assert "NOT in time" in drill_markdown(drill)


def test_a_recovery_that_never_happens_fails_the_drill() -> None:
    drill = scripted_drill(ScriptedService(resolve_after=None, keeps_failing=True), timeout=3.0)
    assert drill.recover_seconds is None
    assert drill.resolve_seconds is None
    assert not drill.passed
    assert any("never stopped" in p for p in drill.problems), drill.problems
    assert any("was not resolved" in p for p in drill.problems), drill.problems
    assert drill_document(drill)["resolution"]["in_time"] is False


def test_an_alert_that_never_fires_fails_the_drill() -> None:
    drill = scripted_drill(ScriptedService(resolve_after=1, fires=False), timeout=2.0)
    assert drill.incident is None
    assert drill.detect_seconds is None
    assert not drill.passed
    assert any("no incident of group ai-provider-failure opened" in p for p in drill.problems)


def test_every_row_that_fired_must_recover() -> None:
    # the drilled row's counter stops at the recovery, but the group's other fired row keeps failing
    drill = scripted_drill(ScriptedService(resolve_after=None, errors=True), timeout=3.0)
    assert drill.recover_seconds is None
    assert not drill.passed
    assert [p for p in drill.problems if "never stopped" in p] == [
        "the failure signal of ai-provider-errors (ratio tfreview_advisor_calls_total) never stopped: "
        "the last read of /metrics still saw it"
    ]


def test_an_incident_opened_by_another_row_of_the_group_is_not_the_drilled_alert_firing() -> None:
    drill = scripted_drill(ScriptedService(resolve_after=1, opened_by="ai-provider-errors"), timeout=2.0)
    assert drill.detect_seconds is not None  # the group's incident opened: detection is measured
    assert drill.row_fired_seconds is None
    assert not drill.passed
    assert any(p.startswith("alert ai-all-providers-down never fired within 2 s") for p in drill.problems)
    assert drill_document(drill)["alert_fired_seconds"] is None


def test_a_drill_that_cannot_read_metrics_after_the_recovery_does_not_pass() -> None:
    # the failure paused before the recovery, then /metrics answers nothing more: no evidence it stopped
    service = ScriptedService(resolve_after=1)
    service.failing_reads, service.dark_after_recovery = 1, True
    drill = scripted_drill(service, timeout=3.0)
    assert drill.recover_seconds is None
    assert not drill.passed
    assert any(p.startswith("no read of /metrics succeeded after the recovery (") for p in drill.problems), (
        drill.problems
    )


def test_the_credentials_of_a_drills_url_stay_out_of_its_report() -> None:
    rule = TABLE.by_id("ai-all-providers-down")
    scenario = ScriptedService(resolve_after=1).scenario()
    url = "https://drill-operator:url-password-canary-7c1e@tfreview.example.com:8443/base"
    drill = new_drill(scenario, rule, url=url, mode="url", scale=1.0)
    shown = json.dumps(drill_document(drill)) + drill_markdown(drill) + summary_line(drill)
    assert "url-password-canary-7c1e" not in shown
    assert "drill-operator" not in shown
    assert drill_document(drill)["target"] == "https://tfreview.example.com:8443/base"
