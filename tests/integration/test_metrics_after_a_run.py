"""O3: `/metrics` of a real `tfreview serve` after a run agrees with what was done to it, counted from the outside:
webhook answers by status, intake outcomes (accepted, duplicate), signature failures, GitHub's 502s, job attempts
by outcome, retries BY REASON (`tfreview_job_retries_total`: there was no such counter, only `retried` without a
why), reviews finished, and an empty queue; the fake GitHub holds exactly one comment.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.chaos.conftest import REPO, delivery_request, open_pulls, stack_env
from tests.fakes.github import FakeGitHub
from tests.integration.door_requests import parse, request
from tests.integration.served import Served, raw_request, serving

TOKEN = "o3-metrics-canary-41aa"
FAILURES = 4  # GitHub answers 502 to this many pull-request reads: two attempts of the review fail (two tries each)
WAIT_SECONDS = 60.0  # a bound on a loaded machine, not a threshold


def _metrics(served: Served) -> dict[str, float]:
    answer = request(served.port, "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status == 200
    values: dict[str, float] = {}
    for line in answer.body.decode().splitlines():
        if line and not line.startswith("#"):
            series, _, value = line.rpartition(" ")
            values[series] = float(value)
    return values


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"{what} not within {WAIT_SECONDS:g} s"
        time.sleep(0.1)


def test_the_metrics_after_a_run_agree_with_what_happened(tmp_path: Path) -> None:
    with FakeGitHub() as github:
        env = stack_env(
            github, tmp_path, TFREVIEW_METRICS__TOKEN=TOKEN, TFREVIEW_WORKER__BACKOFF_BASE_SECONDS="0.05",
            TFREVIEW_WORKER__BACKOFF_CAP_SECONDS="0.2",
        )  # fmt: skip
        with serving(tmp_path / "data", env=env) as served:
            scan = 'tfreview_reconciler_runs_total{outcome="ok",reconciler="github-pull-requests"}'
            _wait(lambda: _metrics(served).get(scan, 0) >= 1, "the start's pull-request scan")  # none to catch up
            ((number, _),) = open_pulls(github, 1)
            github.fail_next(502, times=FAILURES, path_contains="/pulls/")
            guid = str(uuid.uuid4())
            answers = [parse(raw_request(served.port, delivery_request(github, number, guid))).status for _ in range(3)]
            forged = delivery_request(github, number, str(uuid.uuid4())).replace(b"sha256=", b"sha256=00", 1)
            answers.append(parse(raw_request(served.port, forged)).status)
            _wait(lambda: len(github.comments(REPO, number)) == 1, "the review's comment")
            done = 'tfreview_jobs_total{kind="publish",outcome="succeeded"}'
            _wait(lambda: _metrics(served).get(done, 0) == 1, "the publish job's end")
            found = _metrics(served)

    assert answers == [202, 200, 200, 401]  # accepted, a redelivery twice, a forged signature
    expected = {
        'tfreview_http_responses_total{route="webhook",status="202"}': 1,
        'tfreview_http_responses_total{route="webhook",status="200"}': 2,
        'tfreview_http_responses_total{route="webhook",status="401"}': 1,
        'tfreview_intake_deliveries_total{outcome="accepted",source="github"}': 1,
        'tfreview_intake_deliveries_total{outcome="duplicate",source="github"}': 2,
        'tfreview_webhook_signature_failures_total{source="github"}': 1,
        'tfreview_upstream_requests_total{outcome="server_error",upstream="github"}': FAILURES,
        'tfreview_jobs_total{kind="review",outcome="retried"}': FAILURES // 2,
        'tfreview_job_retries_total{kind="review",reason="upstream"}': FAILURES // 2,
        'tfreview_jobs_total{kind="review",outcome="succeeded"}': 1,
        'tfreview_jobs_total{kind="publish",outcome="succeeded"}': 1,
        'tfreview_reviews_finished_total{status="completed"}': 1,
        'tfreview_queue_jobs{state="queued"}': 0,
        'tfreview_queue_jobs{state="running"}': 0,
        'tfreview_queue_jobs{state="dead"}': 0,
    }
    assert {series: found.get(series) for series in expected} == expected
    assert not any(
        series.startswith("tfreview_reconciler_caught_up_total") and value for series, value in found.items()
    )
    assert not [s for s in found if s.startswith("tfreview_job_retries_total") and s not in expected]
