"""CloudWatch Embedded Metric Format lines: one JSON document per measurement, labels as dimensions."""

from __future__ import annotations

import json

from tfreview.ops.emf import EmfRecorder


def test_counts_observations_and_gauges_are_emf_documents() -> None:
    lines: list[str] = []
    recorder = EmfRecorder(write=lines.append, now_ms=lambda: 1_796_302_800_000)
    recorder.count("tfreview_jobs_total", kind="review", outcome="succeeded")
    recorder.observe("tfreview_job_duration_seconds", 0.25, kind="review")
    recorder.set("tfreview_queue_depth", 3)
    first, second, third = (json.loads(line) for line in lines)
    assert first == {
        "_aws": {
            "Timestamp": 1_796_302_800_000,
            "CloudWatchMetrics": [
                {
                    "Namespace": "tfreview",
                    "Dimensions": [["kind", "outcome"], [], ["outcome"]],
                    "Metrics": [{"Name": "tfreview_jobs_total", "Unit": "Count"}],
                }
            ],
        },
        "kind": "review",
        "outcome": "succeeded",
        "tfreview_jobs_total": 1.0,
    }
    assert second["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [
        {"Name": "tfreview_job_duration_seconds", "Unit": "Seconds"}
    ]
    assert second["tfreview_job_duration_seconds"] == 0.25
    assert third["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[]]
    assert third["tfreview_queue_depth"] == 3


def test_a_line_declares_only_the_rollups_an_alarm_reads() -> None:
    lines: list[str] = []
    recorder = EmfRecorder(write=lines.append, now_ms=lambda: 0)
    recorder.count("tfreview_db_errors_total", kind="connect")  # the alarms read it by kind: its full set
    recorder.set("tfreview_blocked_sources", 2)  # no labels
    recorder.count("tfreview_intake_deliveries_total", source="github", outcome="accepted")  # no alarm reads it
    recorder.count("tfreview_admin_actions_total", action="create_token")  # summed over every action
    sets = [json.loads(line)["_aws"]["CloudWatchMetrics"][0]["Dimensions"] for line in lines]
    assert sets == [[["kind"]], [[]], [["outcome", "source"]], [["action"], []]]
    custom = EmfRecorder(write=lines.append, now_ms=lambda: 0, rollups={"tfreview_jobs_total": frozenset({("kind",)})})
    custom.count("tfreview_jobs_total", kind="review", outcome="failed")
    assert json.loads(lines[-1])["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["kind", "outcome"], ["kind"]]
