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
                    "Dimensions": [["kind", "outcome"], ["kind"], ["outcome"], []],
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


def test_one_label_rolls_up_to_none_and_no_label_is_one_set() -> None:
    lines: list[str] = []
    recorder = EmfRecorder(write=lines.append, now_ms=lambda: 0)
    recorder.count("tfreview_db_errors_total", kind="connect")
    recorder.set("tfreview_blocked_sources", 2)
    one, none = (json.loads(line)["_aws"]["CloudWatchMetrics"][0]["Dimensions"] for line in lines)
    assert one == [["kind"], []]
    assert none == [[]]
