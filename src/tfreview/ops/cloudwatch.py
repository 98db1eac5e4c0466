"""CloudWatch alarms from the alert table: one alarm per row, for the Terraform module (deploy/aws/alarms.tf.json).

Pure. The Lambda functions write their metrics as EMF lines (tfreview.ops.emf) in the `tfreview` namespace, each
with its full label set and the rollups the alarms read (`rollups`: each label alone, or none). CloudWatch cannot
sum series at alarm time, so a row's selection is read from the rollup that holds exactly its constrained labels
(`labels` and `label_patterns`):

    none constrained           the metric without dimensions (the sum over every series)
    one label, or all labels   the metric with those dimensions; a pattern expands to the catalogue's values
                               that match it (one metric each, summed with metric math; ≤ 10 per alarm)

Each kind becomes (W = window_seconds, F = for_seconds; periods must be whole minutes):

    increase   Sum over a period of W                      > t        evaluation 1 + ceil(F / W) periods
    rate       Sum over a period of W                      > t × W    (the same, the rate times W)
    ratio      Sum(num) / Sum(den) (metric math), period W             numerator series FILLed with 0
               a histogram ratio `_bucket{le=x}` / `_count` is the percentile rank PR(:x) of the raw
               observations (what share is ≤ x), in percent: threshold × 100
    value      Maximum over 60 s                           the largest current value: the row's sum when it
                                                           selects one series, or when it asks "> 0" (≥ 0 gauges)
    age        SampleCount over 60 s < 1 for every minute of (t + F)   the metric carries "now" each time it is
                                                           written (a heartbeat, a delivery): older than t means
                                                           nothing written for t seconds; missing data breaches
    absent     SampleCount over 60 s < 1, missing data breaches

Rows CloudWatch cannot read from the EMF metrics (docs/adr/0190-cloudwatch-alarms.md):
    PUBLISHED   the watchdog Lambda evaluates them each minute from data only it reads (the queue snapshot from
                DynamoDB, the configured secrets) and writes `tfreview_alert_value{alert_id}`; the alarm compares
                that value with the row's own operator and threshold
    NATIVE      an AWS service's own metric measures the same thing (Route 53 health check, AWS Backup, the HTTP
                API's 5xx count)
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Literal

from tfreview.ops.alert_table import AlertRule, AlertTable, Selector
from tfreview.ops.metric_catalogue import BY_NAME

NAMESPACE = "tfreview"  # the CloudWatch namespace of tfreview's metrics (the EMF lines, the published values)
PUBLISHED_METRIC = "tfreview_alert_value"
PUBLISHED = frozenset({"queue-backlog", "queue-oldest-job-age", "reviews-past-deadline", "secret-near-expiry"})
MAX_METRICS = 10  # CloudWatch: metrics in one alarm's metric math
MAX_PERIOD = 86400

Source = Literal["emf", "watchdog", "aws"]
COMPARISONS = {
    ">": "GreaterThanThreshold",
    ">=": "GreaterThanOrEqualToThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}


class Unmappable(ValueError):
    """A row whose selection no CloudWatch metric holds (names the row and why)."""


@dataclass(frozen=True, slots=True)
class MetricRef:
    """One CloudWatch metric with one statistic (`Sum`, `Maximum`, `SampleCount`, `Minimum`, `PR(:x)`)."""

    name: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    namespace: str = NAMESPACE


@dataclass(frozen=True, slots=True)
class Alarm:
    """The CloudWatch alarm of one alert row; `expression` is metric math over `metrics` (ids m1..mN), or None
    when the single metric is itself the compared value."""

    alert_id: str
    level: int
    comparison: str
    threshold: float
    period: int
    evaluation_periods: int
    missing: Literal["breaching", "notBreaching"]
    metrics: tuple[MetricRef, ...]
    source: Source
    expression: str | None = None
    provider: str | None = None  # a provider alias (Route 53 metrics exist in us-east-1 only)


def alarm_for(rule: AlertRule) -> Alarm:
    """The alarm of `rule` (Unmappable when no metric holds its selection)."""
    native = _native(rule)
    if native is not None:
        return native
    condition = rule.condition
    if rule.id in PUBLISHED:
        ref = MetricRef(PUBLISHED_METRIC, (("alert_id", rule.id),), "Maximum")
        return _alarm(rule, (ref,), condition.threshold, 60, _minutes(rule.for_seconds), "notBreaching", "watchdog")
    kind = condition.kind
    if kind in ("increase", "rate"):
        period = _period(rule, condition.window_seconds)
        refs = _refs(rule, condition.selector, "Sum")
        threshold = condition.threshold * period if kind == "rate" else condition.threshold
        return _alarm(rule, refs, threshold, period, _windows(rule), "notBreaching", "emf", _sum(refs, 0))
    if kind == "ratio":
        return _ratio(rule)
    if kind == "value":
        refs = _refs(rule, condition.selector, "Maximum")
        single = all(BY_NAME[condition.metric].label_names == tuple(k for k, _ in r.dimensions) for r in refs)
        if not (single or (condition.op == ">" and condition.threshold == 0)):
            raise Unmappable(f"{rule.id}: the sum of several gauges compared with {condition.threshold:g}")
        return _alarm(
            rule, refs, condition.threshold, 60, _minutes(rule.for_seconds), "notBreaching", "emf", _sum(refs, 0)
        )
    refs = _refs(rule, condition.selector, "SampleCount")
    if kind == "age" and condition.threshold <= 0:
        raise Unmappable(f"{rule.id}: an age of {condition.threshold:g} s is a future timestamp (publish it instead)")
    span = rule.for_seconds + (int(condition.threshold) if kind == "age" else 0)
    period, periods = (60, _minutes(span)) if span <= MAX_PERIOD else (3600, math.ceil(span / 3600))
    return _alarm(rule, refs, 1, period, periods, "breaching", "emf", _sum(refs, 0), comparison="LessThanThreshold")


def alarms(table: AlertTable) -> list[Alarm]:
    return [alarm_for(rule) for rule in table]


def rollups(table: AlertTable) -> dict[str, frozenset[tuple[str, ...]]]:
    """The dimension sets (sorted label names) the EMF alarms of `table` read, by metric: what the EMF lines
    must declare beside their full label set (tfreview.ops.emf)."""
    found: dict[str, set[tuple[str, ...]]] = {}
    for rule in table:
        try:
            alarm = alarm_for(rule)
        except Unmappable:  # no alarm, no rollup: the export names the row; metrics never fail for it
            continue
        if alarm.source == "emf":
            for ref in alarm.metrics:
                found.setdefault(ref.name, set()).add(tuple(sorted(label for label, _ in ref.dimensions)))
    return {name: frozenset(sets) for name, sets in found.items()}


# --- kinds -----------------------------------------------------------------------------------------------


def _ratio(rule: AlertRule) -> Alarm:
    condition = rule.condition
    assert condition.denominator is not None  # the loader requires one for ratio
    period = _period(rule, condition.window_seconds)
    numerator, denominator = condition.selector, condition.denominator
    if numerator.metric.endswith("_bucket"):
        base = numerator.metric.removesuffix("_bucket")
        le = dict(numerator.labels).get("le")
        rest = Selector(base, tuple(p for p in numerator.labels if p[0] != "le"), numerator.patterns)
        if (
            le is None
            or denominator.metric != f"{base}_count"
            or (denominator.labels, denominator.patterns)
            != (
                rest.labels,
                rest.patterns,
            )
        ):
            raise Unmappable(f"{rule.id}: a bucket ratio needs le and the same series' _count as denominator")
        refs = _refs(rule, rest, f"PR(:{_number(float(le))})")
        if len(refs) != 1:
            raise Unmappable(f"{rule.id}: a percentile rank reads one metric, the selection has {len(refs)}")
        threshold = condition.threshold * 100
        return _alarm(rule, refs, threshold, period, _windows(rule), "notBreaching", "emf")
    top = _refs(rule, numerator, "Sum")
    bottom = _refs(rule, denominator, "Sum")
    if len(top) + len(bottom) > MAX_METRICS:
        raise Unmappable(f"{rule.id}: {len(top) + len(bottom)} metrics (CloudWatch math reads {MAX_METRICS})")
    expression = f"{_sum(top, 0, fill=True)} / {_sum(bottom, len(top))}"
    return _alarm(rule, top + bottom, condition.threshold, period, _windows(rule), "notBreaching", "emf", expression)


def _native(rule: AlertRule) -> Alarm | None:
    if rule.id == "service-unreachable":  # no process exports anything in Lambda: the API's /healthz is probed
        ref = MetricRef(
            "HealthCheckStatus", (("HealthCheckId", "${aws_route53_health_check.api.id}"),), "Minimum", "AWS/Route53"
        )
        return _alarm(
            rule, (ref,), 1, 60, _minutes(rule.for_seconds), "breaching", "aws",
            comparison="LessThanThreshold", provider="aws.us_east_1",
        )  # fmt: skip
    if rule.id == "backup-stale":  # AWS Backup takes the backups (daily plan): a day without a completed job
        ref = MetricRef(
            "NumberOfBackupJobsCompleted", (("BackupVaultName", "${aws_backup_vault.table.name}"),), "Sum", "AWS/Backup"
        )
        return _alarm(rule, (ref,), 1, MAX_PERIOD, 1, "breaching", "aws", comparison="LessThanThreshold")
    if rule.id == "http-5xx-ratio":  # status "5.." is free-form; the HTTP API counts every 5xx, its own included
        api = (("ApiId", "${aws_apigatewayv2_api.http.id}"),)
        refs = (MetricRef("5xx", api, "Sum", "AWS/ApiGateway"), MetricRef("Count", api, "Sum", "AWS/ApiGateway"))
        period = _period(rule, rule.condition.window_seconds)
        return _alarm(rule, refs, rule.condition.threshold, period, _windows(rule), "notBreaching", "aws", "m1 / m2")
    return None


# --- selection -------------------------------------------------------------------------------------------


def _refs(rule: AlertRule, selector: Selector, stat: str) -> tuple[MetricRef, ...]:
    """The metrics whose sum is the selection: one rollup of `selector.metric`, expanded over its patterns."""
    spec = BY_NAME.get(selector.metric.removesuffix("_count").removesuffix("_bucket"))
    if spec is None:
        raise Unmappable(f"{rule.id}: {selector.metric} is not in the metric catalogue")
    name = spec.name
    constrained = dict(selector.labels)
    choices: dict[str, list[str]] = {label: [value] for label, value in constrained.items()}
    for label, pattern in selector.patterns:
        allowed = spec.allowed(label)
        if not allowed:
            raise Unmappable(f"{rule.id}: the pattern {pattern!r} on the free-form label {label} cannot be expanded")
        choices[label] = [value for value in allowed if re.fullmatch(pattern, value)]
    labels = sorted(choices)
    if labels and len(labels) != 1 and labels != sorted(spec.label_names):
        raise Unmappable(f"{rule.id}: no rollup of {name} holds exactly {', '.join(labels)}")
    combos = list(itertools.product(*(choices[label] for label in labels)))
    if not combos or len(combos) > MAX_METRICS:
        raise Unmappable(f"{rule.id}: the selection of {name} is {len(combos)} metrics")
    return tuple(MetricRef(name, tuple(zip(labels, combo, strict=True)), stat) for combo in combos)


def _sum(refs: tuple[MetricRef, ...], offset: int, *, fill: bool = False) -> str | None:
    """Metric math summing refs m<offset+1>..; None for one ref that is not filled (the metric itself)."""
    ids = [f"m{offset + i}" for i in range(1, len(refs) + 1)]
    if fill:
        ids = [f"FILL({i}, 0)" for i in ids]
    elif len(ids) == 1 and offset == 0:
        return None
    return ids[0] if len(ids) == 1 else f"SUM([{', '.join(ids)}])"


# --- periods ---------------------------------------------------------------------------------------------


def _period(rule: AlertRule, seconds: int) -> int:
    if seconds % 60 or not 60 <= seconds <= MAX_PERIOD:
        raise Unmappable(f"{rule.id}: a window of {seconds} s is no CloudWatch period (whole minutes, ≤ 1 day)")
    return seconds


def _windows(rule: AlertRule) -> int:
    """Periods of one window that must all breach: the window itself, then `for` counted in whole windows."""
    return 1 + math.ceil(rule.for_seconds / rule.condition.window_seconds)


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _alarm(
    rule: AlertRule,
    refs: tuple[MetricRef, ...],
    threshold: float,
    period: int,
    periods: int,
    missing: Literal["breaching", "notBreaching"],
    source: Source,
    expression: str | None = None,
    *,
    comparison: str | None = None,
    provider: str | None = None,
) -> Alarm:
    if comparison is None:
        if rule.condition.op not in COMPARISONS:
            raise Unmappable(f"{rule.id}: CloudWatch compares with > >= < <=, not {rule.condition.op}")
        comparison = COMPARISONS[rule.condition.op]
    if period * periods > MAX_PERIOD and period < 3600:
        raise Unmappable(f"{rule.id}: {periods} periods of {period} s exceed one day")
    return Alarm(
        rule.id, rule.level, comparison, threshold, period, periods, missing, refs, source, expression, provider
    )
