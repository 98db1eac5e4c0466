"""The export and the watchdog agree: the same recorded series, judged by `promtool test rules` (the
exported Prometheus rules) and by the watchdog's own evaluation, give the same verdict for every alert.

The series are the ones `tfreview alerts export` writes as promtool unit tests (each alert: one recording
that must fire at its evaluation time, one that must stay quiet). promtool's clock starts at 0 and the
watchdog's at a Unix time: the watchdog reads the recording shifted by a fixed epoch, and the series that
hold Unix timestamps (the `age` conditions) are shifted with it — the same recording either way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tfreview.cli import main
from tfreview.ops import rule_tests, yaml_text
from tfreview.ops.alert_state import AlertState, Phase
from tfreview.ops.alert_table import AlertRule, load_alert_table
from tfreview.ops.evaluation import evaluate
from tfreview.ops.export import RULES_FILE, TESTS_FILE, write_export
from tfreview.ops.series import Sample, SeriesBuffer
from tfreview.ops.settings import SloSettings
from tfreview.ops.slo import service_levels

EPOCH = 1_750_000_000.0
_VALUES = re.compile(r"^(-?[0-9.e+]+)([+-][0-9.e+]+)x([0-9]+)$")
_SERIES = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def _seconds(text: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([smhd])", text))


def recording(test: dict[str, Any]) -> list[tuple[str, dict[str, str], list[float]]]:
    found = []
    for node in test["input_series"]:
        name, labels = _SERIES.fullmatch(node["series"]).groups()  # type: ignore[union-attr]  # our own writer's output
        values: list[float] = []
        for token in node["values"].split():  # promtool's notation: `a` or `a+bxn` (n+1 values), in turn
            expanding = _VALUES.fullmatch(token)
            if expanding is None:
                values.append(float(token))
                continue
            start, step, count = expanding.groups()
            values += [float(start) + float(step) * i for i in range(int(count) + 1)]
        found.append((name, dict(_LABEL.findall(labels or "")), values))
    return found


def _shifted(value: float, timestamp: bool) -> float:
    """A timestamp moves to the watchdog's clock; a 0 stays 0 (a gauge never set, "never", in either system)."""
    return value + EPOCH if timestamp and value != 0 else value


def watchdog_verdict(rule: AlertRule, test: dict[str, Any]) -> bool:
    """Does the watchdog's alert fire at the test's evaluation time, evaluating every interval like Prometheus?"""
    interval = _seconds(test["interval"])
    at = _seconds(test["alert_rule_test"][0]["eval_time"])
    series = recording(test)
    timestamps = rule.condition.kind == "age"
    buffer = SeriesBuffer(rule.condition.window_seconds + 2 * interval)
    state = AlertState()
    for step in range(at // interval + 1):
        now = EPOCH + step * interval
        buffer.add(
            now,
            [
                Sample.of(name, labels, _shifted(values[step], timestamps and name == rule.condition.metric))
                for name, labels, values in series
                if step < len(values)
            ],
        )
        value = evaluate(rule.condition, buffer, now)
        holds = value is not None and rule.condition.holds(value)
        state, _ = state.step(holds, value, now, for_seconds=rule.for_seconds, keep_firing_seconds=0)
    return state.phase is Phase.FIRING


def test_the_watchdog_and_promtool_agree_on_every_alert(tmp_path: Path) -> None:
    """promtool's side is tests/unit/ops/test_prometheus_export.py's: `promtool test rules` over these very
    files (the CLI's export, the same bytes as written here). Running promtool over the whole file once more here
    cost ~60 s of CPU for a verdict the suite already has."""
    table = load_alert_table()
    slos = service_levels(SloSettings())
    write_export(tmp_path / "written", table, slos, "https://runbooks.example/rb")
    assert main(["alerts", "export", str(tmp_path / "cli"), "--runbook-base", "https://runbooks.example/rb"]) == 0
    for name in (RULES_FILE, TESTS_FILE):  # what promtool is run on there is what the watchdog is judged on here
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "written" / name).read_bytes(), name
    document = rule_tests.tests_document(table, slos, "https://runbooks.example/rb", RULES_FILE)
    assert yaml_text.dump(document) == (tmp_path / "written" / TESTS_FILE).read_text(encoding="utf-8")
    verdicts = {}
    for test in document["tests"]:  # type: ignore[union-attr]  # a list of test nodes
        name = str(test["name"])  # type: ignore[index]  # a mapping node
        alert_id = name.partition(" ")[0]
        if alert_id not in {rule.id for rule in table}:
            continue  # the SLO burn-rate alerts exist only in Prometheus
        expected = bool(test["alert_rule_test"][0]["exp_alerts"])  # type: ignore[index]  # a mapping node
        verdicts[name] = (watchdog_verdict(table.by_id(alert_id), test), expected)  # type: ignore[arg-type]  # a mapping node
    disagree = {name: got for name, (got, expected) in verdicts.items() if got != expected}
    assert not disagree, disagree
    first_events = [rule for rule in table if rule.condition.kind == "increase"]
    ages = [rule for rule in table if rule.condition.kind == "age"]
    assert len(verdicts) == 2 * len(table) + len(first_events) + len(ages)
    assert ages
    assert not any(verdicts[f"{rule.id} stays quiet while its gauge was never set (0)"][0] for rule in ages)
    assert all(verdicts[f"{rule.id} fires on the first events after a scrape at 0"][0] for rule in first_events)
