"""Metrics as CloudWatch Embedded Metric Format lines (in AWS Lambda, where nothing scrapes /metrics).

Each count, observation or gauge is one JSON line on stdout; CloudWatch Logs turns it into a metric in the
`tfreview` namespace with the labels as dimensions (the catalogue's labels are bounded, as for Prometheus).

Each line also declares the rollups the CloudWatch alarms read (`dimension_sets`): the whole label set, each
label alone (when there are several) and none — CloudWatch cannot sum series at alarm time, so the alarm of
`sum(rate(m{outcome="timeout"}[5m]))` watches the metric `m` with the one dimension `outcome`, and a sum over
every series watches `m` without dimensions (tfreview.ops.cloudwatch, docs/adr/0190).
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

NAMESPACE = "tfreview"


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def dimension_sets(labels: list[str]) -> list[list[str]]:
    """The dimension sets of one line: all labels, each alone (when there are several), none."""
    if not labels:
        return [[]]
    singles = [[label] for label in labels] if len(labels) > 1 else []
    return [labels, *singles, []]


class EmfRecorder:
    """The Recorder (tfreview.ops.recorder) writing EMF lines; `write` and `now_ms` are for tests."""

    def __init__(
        self,
        namespace: str = NAMESPACE,
        *,
        write: Callable[[str], None] = _stdout,
        now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.namespace = namespace
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
                        "Dimensions": dimension_sets(dimensions),
                        "Metrics": [{"Name": name, "Unit": unit}],
                    }
                ],
            },
            **{key: str(labels[key])[:250] for key in dimensions},
            name: value,
        }
        self._write(json.dumps(document, separators=(",", ":")))
