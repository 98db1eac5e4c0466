"""The watchdog function's published values (`tfreview_alert_value`), which the CloudWatch alarms of the rows in
`cloudwatch.PUBLISHED` compare: computed from the queue snapshot and the secrets, written as EMF lines."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

from tfreview.lambda_handlers.alarm_values import publish
from tfreview.ops.alarm_values import alarm_values, signal_samples
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.cloudwatch import PUBLISHED
from tfreview.ops.emf import EmfRecorder
from tfreview.ops.signals import QueueSignals
from tfreview.settings import GitHubSettings, SecretVersion, Settings
from tfreview.wiring import build_memory_services

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def test_each_published_row_gets_the_number_it_compares() -> None:
    signals = QueueSignals(queued=612, running=3, dead=1, oldest_queued_age_seconds=700.0, reviews_past_deadline=2)
    values = alarm_values(load_alert_table(), signal_samples(signals), NOW.timestamp())
    assert values == {"queue-backlog": 612, "queue-oldest-job-age": 700.0, "reviews-past-deadline": 2}


def test_the_watchdog_function_writes_them_as_emf_with_the_secret_expiry() -> None:
    ends = NOW + timedelta(days=3)
    settings = Settings(github=GitHubSettings(webhook_secrets=[SecretVersion(value="s" * 24, not_after=ends)]))
    lines: list[str] = []
    built = dataclasses.replace(
        build_memory_services(settings, clock=lambda: NOW), metrics=EmfRecorder(write=lines.append)
    )
    values = publish(built)
    assert set(values) == PUBLISHED
    assert values["secret-near-expiry"] == -3 * 86400  # now - not_after: above -7 days fires the alarm
    written = {}
    for line in lines:
        document = json.loads(line)
        written[document["alert_id"]] = document["tfreview_alert_value"]
        assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["alert_id"]]
    assert written == values


def test_the_watchdog_handler_publishes_them_on_its_schedule() -> None:
    from tfreview import lambda_handlers

    lines: list[str] = []
    built = dataclasses.replace(build_memory_services(clock=lambda: NOW), metrics=EmfRecorder(write=lines.append))
    lambda_handlers.reset(built)
    try:
        event = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
        answer = lambda_handlers.watchdog(event, None)
    finally:
        lambda_handlers.reset()
    assert answer["published"] == ["queue-backlog", "queue-oldest-job-age", "reviews-past-deadline"]
    published = [json.loads(line) for line in lines if "tfreview_alert_value" in line]
    assert {(d["alert_id"], d["tfreview_alert_value"]) for d in published} == {
        ("queue-backlog", 0.0),
        ("queue-oldest-job-age", 0.0),
        ("reviews-past-deadline", 0.0),
    }
