"""An uncatalogued metric call never breaks a request in production; it raises under the test flag."""

from __future__ import annotations

import logging

import pytest

from tfreview.ops.metrics import STRICT_ENV, PrometheusRecorder
from tfreview.ops.samples import parse_exposition


def _rejections(recorder: PrometheusRecorder) -> dict[str, float]:
    return {
        dict(s.labels)["metric"]: s.value
        for s in parse_exposition(recorder.exposition().decode())
        if s.name == "tfreview_metric_label_rejections_total"
    }


def test_production_recorder_counts_and_logs_once_instead_of_raising(caplog: pytest.LogCaptureFixture) -> None:
    recorder = PrometheusRecorder(strict=False)
    with caplog.at_level(logging.ERROR, logger="tfreview.ops.metrics"):
        for _ in range(3):
            recorder.count("tfreview_notifier_failures_total", notifier="carrier-pigeon")
        recorder.observe("tfreview_no_such_metric_seconds", 1.0)
        recorder.set("tfreview_build_info", 1, version="1", role="serve", extra="x")
    assert _rejections(recorder) == {
        "tfreview_notifier_failures_total": 3.0,
        "unknown": 1.0,
        "tfreview_build_info": 1.0,
    }
    dropped = [r for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == 3  # once per metric and reason, not once per call
    assert "carrier-pigeon" in dropped[0].getMessage()
    # the good calls still count
    recorder.count("tfreview_notifier_failures_total", notifier="slack")
    text = recorder.exposition().decode()
    assert 'tfreview_notifier_failures_total{notifier="slack"} 1.0' in text
    assert "carrier-pigeon" not in text  # the rejected value never becomes a series


def test_strict_recorder_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="carrier-pigeon"):
        PrometheusRecorder(strict=True).count("tfreview_notifier_failures_total", notifier="carrier-pigeon")
    monkeypatch.setenv(STRICT_ENV, "1")
    assert PrometheusRecorder().strict
    monkeypatch.delenv(STRICT_ENV)
    assert not PrometheusRecorder().strict


def test_samples_read_from_the_registry_match_the_scrape() -> None:
    recorder = PrometheusRecorder(strict=True)
    recorder.count("tfreview_notifier_failures_total", notifier="slack")
    recorder.set("tfreview_build_info", 1, version="1", role="serve")
    direct = sorted((n, tuple(sorted(labels.items())), v) for n, labels, v in recorder.samples())
    parsed = sorted((s.name, s.labels, s.value) for s in parse_exposition(recorder.exposition().decode()))
    assert direct == parsed
