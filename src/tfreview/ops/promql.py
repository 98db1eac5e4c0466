"""PromQL from the alert table's `Condition` (the export's half of "the watchdog and the export agree").

Each kind reduces the selected series exactly as `alert_table` documents it:

    value     sum(m{...}) > t
    rate      sum(rate(m{...}[w])) > t
    increase  sum(increase(m{...}[w])) > t
    ratio     sum(rate(m{...}[w])) / sum(rate(d{...}[w])) > t      (0/0 is NaN: never holds)
    age       time() - max(m{...} > 0) > t     (a gauge never set is exported at 0: "never", not 1970)
    absent    absent(m{...})

No series: the expression is empty and the alert does not hold (except `absent`, which holds then).
"""

from __future__ import annotations

import json

from tfreview.ops.alert_table import Condition, Selector


def duration(seconds: int) -> str:
    """A PromQL duration: 300 → 5m, 3600 → 1h, 86400 → 1d, 90 → 90s."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def number(value: float) -> str:
    """A threshold as PromQL reads it (integers without a fraction)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def selector(found: Selector) -> str:
    """`name{label="value",label=~"pattern"}` with PromQL string escaping (JSON's is compatible)."""
    matchers = [f"{key}={json.dumps(value)}" for key, value in found.labels]
    matchers += [f"{key}=~{json.dumps(pattern)}" for key, pattern in found.patterns]
    return f"{found.metric}{{{','.join(matchers)}}}" if matchers else found.metric


def value_expression(condition: Condition) -> str:
    """The number the condition compares (no comparison); `absent` returns its whole expression."""
    chosen = selector(condition.selector)
    window = duration(condition.window_seconds) if condition.window_seconds else ""
    if condition.kind == "value":
        return f"sum({chosen})"
    if condition.kind == "rate":
        return f"sum(rate({chosen}[{window}]))"
    if condition.kind == "increase":
        return f"sum(increase({chosen}[{window}]))"
    if condition.kind == "ratio":
        assert condition.denominator is not None  # the loader requires it for ratio
        return f"sum(rate({chosen}[{window}])) / sum(rate({selector(condition.denominator)}[{window}]))"
    if condition.kind == "age":
        return f"time() - max({chosen} > 0)"  # as the watchdog reads it (ADR 0638)
    return f"absent({chosen})"


def expression(condition: Condition) -> str:
    """The alert's PromQL expression: it has a result exactly while the condition holds."""
    found = value_expression(condition)
    if condition.kind == "absent":
        return found
    return f"{found} {condition.op} {number(condition.threshold)}"
