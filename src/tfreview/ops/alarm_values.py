"""The alert rows the watchdog function evaluates for CloudWatch (`tfreview_alert_value{alert_id}`), pure.

In AWS Lambda nothing scrapes the database-derived gauges (queue depth, oldest job, reviews past deadline) and
a secret's expiry is known to every container but written only at its cold start. The watchdog function reads
them once a minute and publishes, for each row of `cloudwatch.PUBLISHED`, the number the row compares; the
row's alarm (deploy/aws/alarms.tf.json) compares it with the row's own operator and threshold.
"""

from __future__ import annotations

from collections.abc import Iterable

from tfreview.ops.alert_table import AlertTable
from tfreview.ops.cloudwatch import PUBLISHED, PUBLISHED_METRIC
from tfreview.ops.evaluation import evaluate
from tfreview.ops.recorder import Recorder
from tfreview.ops.series import Sample, SeriesBuffer
from tfreview.ops.signals import QueueSignals


def signal_samples(signals: QueueSignals) -> list[Sample]:
    """The queue snapshot as the series the /metrics scrape exports (tfreview.ops.metrics.QueueCollector)."""
    return [
        Sample.of("tfreview_queue_jobs", {"state": "queued"}, signals.queued),
        Sample.of("tfreview_queue_jobs", {"state": "running"}, signals.running),
        Sample.of("tfreview_queue_jobs", {"state": "dead"}, signals.dead),
        Sample.of("tfreview_queue_oldest_age_seconds", {}, signals.oldest_queued_age_seconds),
        Sample.of("tfreview_reviews_past_deadline", {}, signals.reviews_past_deadline),
    ]


def alarm_values(table: AlertTable, samples: Iterable[Sample], now: float) -> dict[str, float]:
    """Each published row's number at `now` over one snapshot (a row without a value is left out)."""
    buffer = SeriesBuffer(60.0)
    buffer.add(now, samples)
    found = {}
    for rule in table:
        if rule.id in PUBLISHED:
            value = evaluate(rule.condition, buffer, now)
            if value is not None:
                found[rule.id] = value
    return found


def publish_alarm_values(recorder: Recorder, values: dict[str, float]) -> None:
    for alert_id, value in sorted(values.items()):
        recorder.set(PUBLISHED_METRIC, value, alert_id=alert_id)


class SampleCapture:
    """A Recorder that keeps the gauges set on it as samples (to read what a publisher would write)."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []

    def count(self, name: str, amount: float = 1.0, /, **labels: str) -> None:
        return None

    def observe(self, name: str, value: float, /, **labels: str) -> None:
        return None

    def set(self, name: str, value: float, /, **labels: str) -> None:
        self.samples.append(Sample.of(name, labels, value))
