"""Multiprocess mode: counters recorded by several worker processes add up in the one scrape, gauges
combine by their catalogue mode, and a process that exited cleanly leaves no live gauge behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

WORKER = """
import sys
from tfreview.ops.metrics import PrometheusRecorder
recorder = PrometheusRecorder()
assert recorder.multiprocess, "PROMETHEUS_MULTIPROC_DIR was not seen"
recorder.count("tfreview_jobs_total", float(sys.argv[1]), kind="review", outcome="succeeded")
recorder.observe("tfreview_job_duration_seconds", 0.2, kind="review")
recorder.set("tfreview_advisor_breaker_open", 1, provider=sys.argv[4])
recorder.set("tfreview_webhook_last_delivery_timestamp_seconds", float(sys.argv[2]), source="github")
if sys.argv[3] == "exit":
    recorder.process_exited()
"""

SCRAPE = """
from tfreview.ops.metrics import PrometheusRecorder
print(PrometheusRecorder().exposition().decode())
"""


def run(code: str, *args: str, directory: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "pid"))
            found[(sample.name, labels)] = found.get((sample.name, labels), 0.0) + sample.value
    return found


def test_counters_add_up_and_gauges_combine_across_processes(tmp_path: Path) -> None:
    run(WORKER, "3", "100", "stay", "openai/gpt", directory=tmp_path)
    run(WORKER, "4", "250", "exit", "anthropic/claude", directory=tmp_path)  # exited cleanly
    found = samples(run(SCRAPE, directory=tmp_path))
    assert found[("tfreview_jobs_total", (("kind", "review"), ("outcome", "succeeded")))] == 7
    assert found[("tfreview_job_duration_seconds_count", (("kind", "review"),))] == 2
    assert found[("tfreview_webhook_last_delivery_timestamp_seconds", (("source", "github"),))] == 250  # max
    # livemax: the process that exited cleanly took its live gauge with it
    assert found[("tfreview_advisor_breaker_open", (("provider", "openai/gpt"),))] == 1
    assert ("tfreview_advisor_breaker_open", (("provider", "anthropic/claude"),)) not in found
