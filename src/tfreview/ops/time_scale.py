"""The alert table on a compressed clock, for rehearsals (`tfreview drill SCENARIO --embedded`).

`watchdog.time_scale` (default 1.0: the table as written) multiplies every duration of the table: each
row's `for_seconds`, each condition's `window_seconds`, and the threshold of an `age` condition (a
duration in seconds: six hours of webhook silence at 0.002 is 43 s). Counts and per-second rates are
left alone — "more than 20 failures in 5 minutes" becomes "more than 20 failures in 15 s" at 0.05 —, so
a rehearsal injects the same amount of failure, only faster. A drill report divides what it measured by
the scale before comparing it with the row's response-time target.

Only a rehearsal service runs with a scale below 1: production alerting keeps the table as written.
"""

from __future__ import annotations

from dataclasses import replace

from tfreview.ops.alert_table import AlertRule, AlertTable


def scaled_seconds(seconds: float, scale: float) -> int:
    """A duration on the compressed clock, never below one second (a zero stays zero)."""
    if seconds == 0:
        return 0
    return max(1, round(seconds * scale))


def scaled_rule(rule: AlertRule, scale: float) -> AlertRule:
    if scale == 1.0:
        return rule
    condition = rule.condition
    threshold = condition.threshold * scale if condition.kind == "age" else condition.threshold
    scaled = replace(condition, window_seconds=scaled_seconds(condition.window_seconds, scale), threshold=threshold)
    return replace(rule, for_seconds=scaled_seconds(rule.for_seconds, scale), condition=scaled)


def scaled_table(table: AlertTable, scale: float) -> AlertTable:
    """`table` with every duration multiplied by `scale` (0 < scale <= 1)."""
    if not 0 < scale <= 1:
        raise ValueError(f"time scale must be in (0, 1], got {scale}")
    if scale == 1.0:
        return table
    return AlertTable(tuple(scaled_rule(rule, scale) for rule in table))
