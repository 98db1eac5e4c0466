"""`promtool test rules` unit tests for every exported alert, derived from the alert table itself.

For each row, two tests over the series the condition selects (1-minute samples from time 0):

    trips   series made to hold the condition (a counter climbing well past the threshold, a ratio of
            1 or near 0, a timestamp far in the past…); at `window + for + 5m` the alert fires with
            exactly its labels and annotations
    quiet   the same series on the safe side (flat counters, fresh timestamps, the series present for
            `absent`); at the same time no alert fires

An `increase` row also gets "fires on the first events after a scrape at 0" (ADR 0614), an `age` row "stays
quiet while its gauge was never set (0)" (ADR 0638).

The SLO burn-rate alerts get the same pair: every event bad (all three windows fire), none bad.
Only what the table uses is supported; anything else raises ValueError, so a new row kind cannot go
untested silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tfreview.ops import yaml_text
from tfreview.ops.alert_table import AlertRule, AlertTable, Condition, Selector
from tfreview.ops.metric_catalogue import BY_NAME
from tfreview.ops.prometheus_alerts import ExportedAlert, alert_name, slo_alerts, table_alerts
from tfreview.ops.promql import duration
from tfreview.ops.slo import BURN_WINDOWS, Slo

INTERVAL = 60
AGE_MARGIN = 3600  # how far past (or short of) its threshold an `age` row's test timestamp is
_NOT_MATCHING = ("200", "ok", "other", "0")


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    labels: tuple[tuple[str, str], ...]
    start: float
    step: float  # added every minute

    def node(self, samples: int) -> dict[str, yaml_text.Node]:
        labels = ",".join(f'{key}="{value}"' for key, value in self.labels)
        series = f"{self.name}{{{labels}}}" if labels else self.name
        return {
            "series": series,
            "values": f"{_num(self.start)}{'+' if self.step >= 0 else ''}{_num(self.step)}x{samples}",
        }


def tests_document(
    table: AlertTable, slos: Iterable[Slo], runbook_base: str, rules_file: str
) -> dict[str, yaml_text.Node]:
    exported = {a.labels["alert_id"]: a for a in table_alerts(table, runbook_base)}
    tests: list[yaml_text.Node] = []
    for rule in table:
        tests.extend(_row_tests(rule, exported[rule.id]))
    tests.extend(_slo_tests(tuple(slos), runbook_base))
    return {"rule_files": [rules_file], "evaluation_interval": duration(INTERVAL), "tests": tests}


def _row_tests(rule: AlertRule, alert: ExportedAlert) -> list[yaml_text.Node]:
    condition = rule.condition
    at = _span(condition) + rule.for_seconds + 300
    if condition.kind == "age":  # the tripping timestamp is a real one (> 0: 0 means "never"), so time must pass
        at = max(at, math.ceil((condition.threshold + AGE_MARGIN) / INTERVAL) * INTERVAL + INTERVAL)
    samples = at // INTERVAL + 5
    trips, quiet = _series(condition, at)
    expected_labels = {**_absent_labels(condition), **alert.labels}
    return [
        *_first_event_tests(rule, alert, expected_labels),
        *_never_set_tests(rule, alert, at, samples),
        {
            "name": f"{rule.id} fires",
            "interval": duration(INTERVAL),
            "input_series": [s.node(samples) for s in trips],
            "alert_rule_test": [
                {
                    "eval_time": duration(at),
                    "alertname": alert.alert,
                    "exp_alerts": [{"exp_labels": expected_labels, "exp_annotations": dict(alert.annotations)}],
                }
            ],
        },
        {
            "name": f"{rule.id} stays quiet",
            "interval": duration(INTERVAL),
            "input_series": [s.node(samples) for s in quiet],
            "alert_rule_test": [{"eval_time": duration(at), "alertname": alert.alert, "exp_alerts": []}],
        },
    ]


def _first_event_tests(rule: AlertRule, alert: ExportedAlert, labels: dict[str, str]) -> list[yaml_text.Node]:
    """An `increase` row's first events after a scrape at 0 (the series exists at 0 from start: ADR 0614):
    one scrape at 0, then just over the threshold and nothing more; the alert fires within the window."""
    condition = rule.condition
    if condition.kind != "increase":
        return []
    if condition.op not in (">", ">="):
        raise ValueError(f"no promtool test for increase with {condition.op}")
    jump = math.floor(condition.threshold) + 1 if condition.op == ">" else math.ceil(condition.threshold)
    at = INTERVAL + rule.for_seconds + INTERVAL
    if at >= condition.window_seconds:
        raise ValueError(f"{rule.id}: its for_seconds leaves no time inside its window for a first event")
    series = f"{selector_series(condition.selector)}"
    return [
        {
            "name": f"{rule.id} fires on the first events after a scrape at 0",
            "interval": duration(INTERVAL),
            "input_series": [{"series": series, "values": f"0 {_num(jump)}+0x{at // INTERVAL + 5}"}],
            "alert_rule_test": [
                {
                    "eval_time": duration(at),
                    "alertname": alert.alert,
                    "exp_alerts": [{"exp_labels": labels, "exp_annotations": dict(alert.annotations)}],
                }
            ],
        }
    ]


def _never_set_tests(rule: AlertRule, alert: ExportedAlert, at: int, samples: int) -> list[yaml_text.Node]:
    """An `age` row over a gauge that was never set: prometheus-client exports it at 0, which means "never",
    not 1970 (the watchdog reads it so, `tfreview.ops.evaluation`): no alert from the 0 alone (ADR 0638)."""
    if rule.condition.kind != "age":
        return []
    return [
        {
            "name": f"{rule.id} stays quiet while its gauge was never set (0)",
            "interval": duration(INTERVAL),
            "input_series": [{"series": selector_series(rule.condition.selector), "values": f"0+0x{samples}"}],
            "alert_rule_test": [{"eval_time": duration(at), "alertname": alert.alert, "exp_alerts": []}],
        }
    ]


def selector_series(selector: Selector) -> str:
    """The series text (`name{a="b"}`) of one series the selector selects."""
    labels = ",".join(f'{key}="{value}"' for key, value in _concrete(selector))
    return f"{selector.metric}{{{labels}}}" if labels else selector.metric


def _span(condition: Condition) -> int:
    """How much of the window the tripping series fills before the `for` starts: the whole window for a
    rate (it divides by the window), at most 15 minutes for an increase or a ratio (they hold as soon as
    enough happened), so a one-day window does not cost promtool a day of evaluations."""
    if condition.kind in ("increase", "ratio"):
        return min(condition.window_seconds, 900)
    return condition.window_seconds


def _absent_labels(condition: Condition) -> dict[str, str]:
    """absent(m{a="b"}) returns {a="b"}: the alert carries those labels too."""
    return dict(condition.selector.labels) if condition.kind == "absent" else {}


def _series(condition: Condition, at: int) -> tuple[list[Series], list[Series]]:
    """(series that trip the condition, series that keep it quiet)."""
    chosen = condition.selector
    labels = _concrete(chosen)
    op, threshold = condition.op, condition.threshold
    if condition.kind == "absent":
        other = Series("tfreview_http_responses_total", (("route", "health"), ("status", "200")), 0, 1)
        return [other], [other, Series(chosen.metric, labels, 1, 0)]
    if op not in (">", ">=") and condition.kind != "ratio":
        raise ValueError(f"no promtool test for {condition.kind} with {op}")
    if condition.kind == "value":
        quiet = threshold if op == ">" else threshold - 1
        return [Series(chosen.metric, labels, threshold + 1, 0)], [Series(chosen.metric, labels, quiet, 0)]
    if condition.kind == "rate":
        per_minute = math.ceil((threshold + 1) * INTERVAL * 2)
        return [Series(chosen.metric, labels, 0, per_minute)], [Series(chosen.metric, labels, 0, 0)]
    if condition.kind == "increase":
        per_minute = math.ceil((threshold + 1) * INTERVAL * 2 / _span(condition)) + 1
        return [Series(chosen.metric, labels, 0, per_minute)], [Series(chosen.metric, labels, 0, 0)]
    if condition.kind == "age":
        tripping = Series(chosen.metric, labels, at - threshold - AGE_MARGIN, 0)  # age at `at` = threshold + margin
        fresh = Series(chosen.metric, labels, max(0.0, -threshold) + AGE_MARGIN, INTERVAL)  # age = -(that)
        return [tripping], [fresh]
    return _ratio_series(condition, labels)


def _ratio_series(condition: Condition, labels: tuple[tuple[str, str], ...]) -> tuple[list[Series], list[Series]]:
    assert condition.denominator is not None  # ratio rows have one (the loader says so)
    numerator, denominator = condition.selector, condition.denominator
    high = condition.op in (">", ">=")
    if not high and condition.op not in ("<", "<="):
        raise ValueError(f"no promtool test for ratio with {condition.op}")
    rare = max(1, math.ceil(2 / condition.threshold)) if condition.threshold > 0 else 1
    if numerator.metric == denominator.metric:
        if not high:
            raise ValueError("no promtool test for a low ratio of one metric")
        other = _other(denominator, numerator)
        trips = [Series(numerator.metric, labels, 0, 60)]
        quiet = [Series(numerator.metric, labels, 0, 0), Series(denominator.metric, other, 0, 60)]
        return trips, quiet
    # a histogram: numerator = a bucket (good events), denominator = the count (all events)
    if not (numerator.metric.endswith("_bucket") and denominator.metric.endswith("_count")):
        raise ValueError(f"no promtool test for the ratio {numerator.metric} / {denominator.metric}")
    count_labels = _concrete(denominator)
    good, total = (60, 60) if high else (60, 60 * rare)
    trips = [Series(numerator.metric, labels, 0, good), Series(denominator.metric, count_labels, 0, total)]
    quiet_good, quiet_total = (0, 60) if high else (60, 60)
    quiet = [Series(numerator.metric, labels, 0, quiet_good), Series(denominator.metric, count_labels, 0, quiet_total)]
    return trips, quiet


def _concrete(selector: Selector) -> tuple[tuple[str, str], ...]:
    """Labels of one series the selector selects: its exact labels plus a value for each pattern."""
    labels = dict(selector.labels)
    for key, pattern in selector.patterns:
        labels[key] = _sample(pattern)
    return tuple(sorted(labels.items()))


def _sample(pattern: str) -> str:
    """A label value matching an anchored pattern of the table (`5..` → 500, `a|b` → a)."""
    candidate = pattern.split("|", maxsplit=1)[0].replace(".", "0")
    if not re.fullmatch(pattern, candidate):
        raise ValueError(f"cannot make up a label value matching {pattern!r}")
    return candidate


def _other(denominator: Selector, numerator: Selector) -> tuple[tuple[str, str], ...]:
    """Labels of a series in the denominator but not the numerator (a 200 beside the 503s)."""
    base = dict(_concrete(denominator))
    spec = BY_NAME[denominator.metric]
    wanted = {**dict(numerator.labels), **dict(numerator.patterns)}
    for key in wanted:
        if key in base:
            continue
        choices = spec.allowed(key) or _NOT_MATCHING
        for choice in (*choices, *_NOT_MATCHING):
            probe = {**base, key: choice}
            if not numerator.selects(numerator.metric, probe):
                base[key] = choice
                break
    if numerator.selects(numerator.metric, base):
        raise ValueError(f"cannot find a series of {denominator.metric} outside the numerator")
    return tuple(sorted(base.items()))


def _slo_tests(slos: tuple[Slo, ...], runbook_base: str) -> list[yaml_text.Node]:
    tests: list[yaml_text.Node] = []
    exported = slo_alerts(slos, runbook_base)
    at = max(b.for_seconds for b in BURN_WINDOWS) + 600  # past every `for`; long windows see what there is
    samples = at // INTERVAL + 5
    for slo in slos:
        bad, good = _slo_series(slo)
        expected = [
            {"exp_labels": dict(a.labels), "exp_annotations": dict(a.annotations)}
            for a in exported
            if a.labels["alert_id"] == slo.alert_id
        ]
        assert len(expected) == len(BURN_WINDOWS)
        for name, series, alerts in (("burns its budget", bad, expected), ("keeps its budget", good, [])):
            tests.append(
                {
                    "name": f"SLO {slo.id} {name}",
                    "interval": duration(INTERVAL),
                    "input_series": [s.node(samples) for s in series],
                    "alert_rule_test": [{"eval_time": duration(at), "alertname": slo.alert_name, "exp_alerts": alerts}],
                }
            )
    return tests


def _slo_series(slo: Slo) -> tuple[list[Series], list[Series]]:
    numerator, denominator = _parse(slo.numerator), _parse(slo.denominator)
    if slo.good_events:  # bucket (good) and count (all)
        return (
            [Series(numerator.metric, numerator.labels, 0, 0), Series(denominator.metric, (), 0, 60)],
            [Series(numerator.metric, numerator.labels, 0, 60), Series(denominator.metric, (), 0, 60)],
        )
    bad = _concrete(numerator)
    return [Series(numerator.metric, bad, 0, 60)], [Series(numerator.metric, _other(denominator, numerator), 0, 60)]


def _parse(text: str) -> Selector:
    """The SLO's own selectors (`name{a="b",c=~"d"}`) back into a Selector."""
    name, _, rest = text.partition("{")
    labels: list[tuple[str, str]] = []
    patterns: list[tuple[str, str]] = []
    for part in filter(None, rest.rstrip("}").split(",")):
        key, regex, value = re.fullmatch(r'(\w+)(=~|=)"(.*)"', part).groups()  # type: ignore[union-attr]  # our own text
        (patterns if regex == "=~" else labels).append((key, value))
    return Selector(name, tuple(labels), tuple(patterns))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


__all__ = ["alert_name", "tests_document"]
