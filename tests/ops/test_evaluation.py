"""Conditions over sampled series: the PromQL semantics the export uses, and the alert's life."""

from __future__ import annotations

import pytest

from tfreview.ops.alert_state import AlertState, Phase, Transition
from tfreview.ops.alert_table import Condition, Selector, parse_alert_table
from tfreview.ops.evaluation import evaluate, extrapolated_increase
from tfreview.ops.series import Sample, SeriesBuffer

RESPONSES = "tfreview_http_responses_total"


def condition(kind: str, **extra: object) -> Condition:
    rows = {
        "value": 'kind = "value"\nmetric = "tfreview_queue_oldest_age_seconds"\nop = ">"\nthreshold = 600',
        "ratio": (
            f'kind = "ratio"\nmetric = "{RESPONSES}"\nlabel_patterns = {{ status = "5.." }}\n'
            f'denominator_metric = "{RESPONSES}"\nwindow_seconds = 300\nop = ">"\nthreshold = 0.05'
        ),
        "increase": (
            'kind = "increase"\nmetric = "tfreview_webhook_signature_failures_total"\n'
            'window_seconds = 300\nop = ">"\nthreshold = 20'
        ),
        "age": (
            'kind = "age"\nmetric = "tfreview_webhook_last_delivery_timestamp_seconds"\n'
            'labels = { source = "github" }\nop = ">"\nthreshold = 21600'
        ),
        "absent": 'kind = "absent"\nmetric = "tfreview_build_info"\nlabels = { role = "serve" }',
    }
    text = (
        '[[alert]]\nid = "a"\nscenario = "flood"\nsummary = "s"\nseverity = "high"\nlevel = 2\n'
        f'response_minutes = 5\nchannels = ["page"]\nfor_seconds = 0\n[alert.condition]\n{rows[kind]}\n'
    )
    return parse_alert_table(text).rules[0].condition


def test_increase_matches_prometheus_extrapolation() -> None:
    # samples every 60 s covering the whole 300 s window: no extrapolation beyond the edges
    points = [(float(t), float(v)) for t, v in [(0, 0), (60, 10), (120, 20), (180, 30), (240, 40), (300, 50)]]
    assert extrapolated_increase(points, 0, 300) == pytest.approx(50)
    # a counter reset (process restart) counts the value before it
    assert extrapolated_increase([(0.0, 5.0), (60.0, 8.0), (120.0, 2.0)], 0, 120) == pytest.approx(5.0)
    # samples start late in the window: extrapolated by half an interval, not to the window's start
    assert extrapolated_increase([(180.0, 100.0), (240.0, 110.0), (300.0, 120.0)], 0, 300) == pytest.approx(25.0)
    # ... but never past the counter's zero point
    assert extrapolated_increase([(180.0, 10.0), (240.0, 20.0), (300.0, 30.0)], 0, 300) == pytest.approx(30.0)
    assert extrapolated_increase([(0.0, 1.0)], 0, 300) is None


def test_ratio_needs_traffic() -> None:
    ratio = condition("ratio")
    buffer = SeriesBuffer(600)
    for t in range(0, 301, 60):
        buffer.add(
            float(t),
            [
                Sample.of(RESPONSES, {"route": "webhook", "status": "503"}, t / 10),
                Sample.of(RESPONSES, {"route": "webhook", "status": "202"}, t),
            ],
        )
    assert evaluate(ratio, buffer, 300.0) == pytest.approx(30 / 330)
    idle = SeriesBuffer(600)
    idle.add(0.0, [Sample.of(RESPONSES, {"route": "webhook", "status": "202"}, 5)])
    idle.add(60.0, [Sample.of(RESPONSES, {"route": "webhook", "status": "202"}, 5)])
    assert evaluate(ratio, idle, 60.0) is None  # no 5xx series at all, and no traffic: no value


def test_a_counter_that_appears_counts_from_zero() -> None:
    increase = condition("increase")
    buffer = SeriesBuffer(600)
    buffer.add(0.0, [])
    buffer.add(60.0, [Sample.of("tfreview_webhook_signature_failures_total", {"source": "github"}, 30)])
    value = evaluate(increase, buffer, 60.0)
    assert value is not None
    assert value >= 30


def test_value_age_and_absent() -> None:
    buffer = SeriesBuffer(600)
    buffer.add(
        1000.0,
        [
            Sample.of("tfreview_queue_oldest_age_seconds", {}, 700),
            Sample.of("tfreview_webhook_last_delivery_timestamp_seconds", {"source": "github"}, 100),
            Sample.of("tfreview_build_info", {"role": "worker", "version": "1"}, 1),
        ],
    )
    assert evaluate(condition("value"), buffer, 1000.0) == 700
    assert evaluate(condition("age"), buffer, 1000.0) == 900
    assert evaluate(condition("absent"), buffer, 1000.0) == 1.0
    buffer.add(1060.0, [Sample.of("tfreview_build_info", {"role": "serve", "version": "1"}, 1)])
    assert evaluate(condition("absent"), buffer, 1060.0) == 0.0
    assert evaluate(condition("value"), buffer, 1060.0) is None  # the series is gone from the newest snapshot


def test_the_buffer_keeps_only_its_horizon() -> None:
    buffer = SeriesBuffer(120)
    for t in range(0, 1000, 10):
        buffer.add(float(t), [Sample.of("x_total", {}, t)])
    ((_, points),) = buffer.points(0, 10_000)
    assert len(points) <= 14
    assert points[-1] == (990.0, 990.0)


def test_for_seconds_and_keep_firing_damp_flapping() -> None:
    state = AlertState()
    state, moved = state.step(True, 1.0, 0, for_seconds=120, keep_firing_seconds=60)
    assert state.phase is Phase.PENDING
    assert moved is None
    state, moved = state.step(False, 0.0, 60, for_seconds=120, keep_firing_seconds=60)
    assert state.phase is Phase.INACTIVE  # a blip does not fire
    for t in (100, 160, 220):
        state, moved = state.step(True, 1.0, t, for_seconds=120, keep_firing_seconds=60)
    assert state.phase is Phase.FIRING
    assert moved is Transition.FIRED
    state, moved = state.step(False, 0.0, 250, for_seconds=120, keep_firing_seconds=60)
    assert state.phase is Phase.FIRING  # one dip does not resolve
    state, moved = state.step(True, 1.0, 260, for_seconds=120, keep_firing_seconds=60)
    assert moved is None
    state, moved = state.step(False, 0.0, 300, for_seconds=120, keep_firing_seconds=60)
    state, moved = state.step(False, 0.0, 330, for_seconds=120, keep_firing_seconds=60)
    assert state.phase is Phase.INACTIVE
    assert moved is Transition.RESOLVED


def test_selector_semantics_are_the_loaders() -> None:
    selector = Selector(RESPONSES, (("route", "webhook"),), (("status", "5.."),))
    assert selector.selects(RESPONSES, {"route": "webhook", "status": "503"})
    assert not selector.selects(RESPONSES, {"route": "webhook", "status": "5030"})
