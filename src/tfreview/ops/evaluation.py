"""One condition of the alert table evaluated over a `SeriesBuffer` — the PromQL export's semantics (pure).

    value     sum(metric{sel})                              no series: no value
    rate      sum(rate(metric{sel}[w]))                     Prometheus' extrapolated rate
    increase  sum(increase(metric{sel}[w]))                 the same, times w
    ratio     sum(rate(num[w])) / sum(rate(den[w]))         no value when either side has none or den is 0
    age       now − max(metric{sel} > 0)                    no value when no series holds a timestamp yet
              (prometheus-client exports an unlabelled gauge at 0 before its first set: 0 means "never")
    absent    1 when no series matches, else 0              (the table's absent rows compare == 1)

`extrapolated_increase` follows Prometheus 2.x's `extrapolatedRate` line by line (counter resets, the
zero point of a counter, extrapolation to the window's edges within 1.1 average sample intervals), so
that the watchdog and `promtool test rules` agree on the same recorded series (tested).
"""

from __future__ import annotations

from collections.abc import Sequence

from tfreview.ops.alert_table import Condition, Selector
from tfreview.ops.series import SeriesBuffer


def evaluate(condition: Condition, buffer: SeriesBuffer, now: float) -> float | None:
    """The condition's number at `now` (the time of the newest snapshot), or None when it has none."""
    kind = condition.kind
    if kind == "value":
        return _sum(_latest(condition.selector, buffer, condition.metric))
    if kind == "age":
        values = [v for v in _latest(condition.selector, buffer, condition.metric) if v > 0]
        return now - max(values) if values else None
    if kind == "absent":
        return 0.0 if _latest(condition.selector, buffer, condition.metric) else 1.0
    window = float(condition.window_seconds)
    if kind == "increase":
        return _sum(_increases(condition.selector, buffer, now, window))
    if kind == "rate":
        total = _sum(_increases(condition.selector, buffer, now, window))
        return None if total is None else total / window
    assert condition.denominator is not None  # the loader requires one for ratio
    numerator = _sum(_increases(condition.selector, buffer, now, window))
    denominator = _sum(_increases(condition.denominator, buffer, now, window))
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def selected_values(selector: Selector, buffer: SeriesBuffer, limit: int = 20) -> dict[str, float]:
    """The selected series' newest values, by `name{labels}` (a metric snapshot for the incident)."""
    found: dict[str, float] = {}
    for (name, labels), value in buffer.latest(selector.metric):
        if selector.selects(name, dict(labels)):
            shown = ",".join(f'{k}="{v}"' for k, v in labels)
            found[f"{name}{{{shown}}}"] = value
            if len(found) >= limit:
                break
    return found


def extrapolated_increase(points: Sequence[tuple[float, float]], start: float, end: float) -> float | None:
    """Prometheus' `increase()` of one counter series over [start, end]; None with fewer than 2 points."""
    if len(points) < 2:
        return None
    first_t, first_v = points[0]
    last_t, last_v = points[-1]
    result = last_v - first_v
    last = 0.0
    for _, value in points:
        if value < last:
            result += last  # a counter reset: the value before it was lost
        last = value
    to_start = first_t - start
    to_end = end - last_t
    sampled = last_t - first_t
    if sampled <= 0:
        return None
    average = sampled / (len(points) - 1)
    if result > 0 and first_v >= 0:
        to_zero = sampled * (first_v / result)
        to_start = min(to_start, to_zero)
    threshold = average * 1.1
    interval = sampled
    interval += to_start if to_start < threshold else average / 2
    interval += to_end if to_end < threshold else average / 2
    return result * (interval / sampled)


def _latest(selector: Selector, buffer: SeriesBuffer, name: str) -> list[float]:
    return [value for (_, labels), value in buffer.latest(name) if selector.selects(name, dict(labels))]


def _increases(selector: Selector, buffer: SeriesBuffer, now: float, window: float) -> list[float]:
    start = now - window
    found = []
    for (name, labels), points in buffer.points(start, now, selector.metric):
        if selector.selects(name, dict(labels)):
            increase = extrapolated_increase(points, start, now)
            if increase is not None:
                found.append(increase)
    return found


def _sum(values: list[float]) -> float | None:
    return sum(values) if values else None
