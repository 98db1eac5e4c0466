"""Metrics as CloudWatch Embedded Metric Format lines (in AWS Lambda, where nothing scrapes /metrics).

Each count, observation or gauge is one JSON line on stdout; CloudWatch Logs turns it into a metric in the
`tfreview` namespace with the labels as dimensions (the catalogue's labels are bounded, as for Prometheus).

Each line also declares the rollups the CloudWatch alarms read (`dimension_sets`): besides the whole label set,
the label subsets (one label, or none) that an alarm of the alert table selects for this metric — CloudWatch
cannot sum series at alarm time, so the alarm of `sum(rate(m{outcome="timeout"}[5m]))` watches the metric `m`
with the one dimension `outcome`, and a sum over every series watches `m` without dimensions
(tfreview.ops.cloudwatch, docs/adr/0190). Only those: each dimension set is one more custom metric to pay for.
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Mapping
from functools import cache

from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.cloudwatch import NAMESPACE, rollups

Rollups = Mapping[str, frozenset[tuple[str, ...]]]

__all__ = ["NAMESPACE", "EmfRecorder", "Rollups", "alarm_rollups", "dimension_sets"]


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


@cache
def alarm_rollups() -> Rollups:
    """The label subsets the packaged alert table's CloudWatch alarms read, by metric (computed once)."""
    return rollups(load_alert_table())


def dimension_sets(name: str, labels: list[str], wanted: Rollups) -> list[list[str]]:
    """The dimension sets of one line: all its labels, then each rollup an alarm reads (a subset of them)."""
    found = [labels]
    for subset in sorted(wanted.get(name, ())):
        chosen = list(subset)
        if chosen != labels and set(chosen) <= set(labels):
            found.append(chosen)
    return found


class EmfRecorder:
    """The Recorder (tfreview.ops.recorder) writing EMF lines; `write` and `now_ms` are for tests."""

    def __init__(
        self,
        namespace: str = NAMESPACE,
        *,
        write: Callable[[str], None] = _stdout,
        now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        rollups: Rollups | None = None,
    ) -> None:
        self.namespace = namespace
        self.rollups = alarm_rollups() if rollups is None else rollups
        self._write = write
        self._now_ms = now_ms

    def count(self, name: str, amount: float = 1.0, /, **labels: str) -> None:
        self._emit(name, amount, "Count", labels)

    def observe(self, name: str, value: float, /, **labels: str) -> None:
        self._emit(name, value, "Seconds" if name.endswith("_seconds") else "None", labels)

    def set(self, name: str, value: float, /, **labels: str) -> None:
        self._emit(name, value, "None", labels)

    def _emit(self, name: str, value: float, unit: str, labels: dict[str, str]) -> None:
        dimensions = sorted(labels)
        document = {
            "_aws": {
                "Timestamp": self._now_ms(),
                "CloudWatchMetrics": [
                    {
                        "Namespace": self.namespace,
                        "Dimensions": dimension_sets(name, dimensions, self.rollups),
                        "Metrics": [{"Name": name, "Unit": unit}],
                    }
                ],
            },
            **{key: str(labels[key])[:250] for key in dimensions},
            name: value,
        }
        self._write(json.dumps(document, separators=(",", ":")))
