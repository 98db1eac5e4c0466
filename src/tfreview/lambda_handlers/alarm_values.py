"""The watchdog function's second duty on AWS: publish `tfreview_alert_value` for the CloudWatch alarms of the
rows only it can evaluate (tfreview.ops.alarm_values, docs/adr/0190-cloudwatch-alarms.md)."""

from __future__ import annotations

from datetime import timedelta

from tfreview.ops.alarm_values import SampleCapture, alarm_values, publish_alarm_values, signal_samples
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.signals import memory_queue_signals
from tfreview.service.container import Services


def publish(built: Services) -> dict[str, float]:
    """Read the queue snapshot and the secrets' expiry, write each published row's value; the values."""
    from tfreview.wiring import publish_secret_expiry

    now = built.clock()
    deadline = timedelta(seconds=built.settings.worker.review_deadline_seconds)
    signals = memory_queue_signals(built.queue, built.reviews, now, deadline)
    secrets = SampleCapture()
    publish_secret_expiry(secrets, built.settings)
    values = alarm_values(load_alert_table(), signal_samples(signals) + secrets.samples, now.timestamp())
    publish_alarm_values(built.metrics, values)
    return values
