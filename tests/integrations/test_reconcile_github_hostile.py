"""The delivery reconciler (W10) against GitHub's deliveries API answering the odd way (session 17): a redelivery
GitHub refuses for good (4xx) is not asked again every period for the three days GitHub keeps the delivery, and an
attempt whose `delivered_at` does not read does not end the scan of the older pages."""

from __future__ import annotations

import dataclasses

import pytest

from tests.fakes.github import FakeGitHub
from tests.integrations.test_reconcile_github import (  # noqa: F401  (fixtures)
    Clock,
    app_settings,
    client,
    clock,
    github,
    services,
)
from tfreview.integrations.github import GitHubClient
from tfreview.ops.metrics import PrometheusRecorder
from tfreview.service.github_reconcilers import DeliveryReconciler
from tfreview.wiring import WiredServices


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (422, {"message": "Validation Failed", "errors": ["The delivery is too old to be redelivered"]}),
        (404, {"message": "Not Found"}),
    ],
    ids=["422", "404"],
)
def test_a_redelivery_github_refuses_for_good_is_not_asked_again_and_the_checkpoint_moves(
    github: FakeGitHub,  # noqa: F811
    client: GitHubClient,  # noqa: F811
    services: WiredServices,  # noqa: F811
    clock: Clock,  # noqa: F811
    status: int,
    answer: dict[str, object],
    caplog: pytest.LogCaptureFixture,
) -> None:
    refused = github.add_delivery("ping", {"zen": "x"}, status_code=502)
    github.answer_next(status, answer, method="POST", path_contains="/attempts", times=99)
    recorder = PrometheusRecorder()
    reconciler = DeliveryReconciler(client, dataclasses.replace(services, metrics=recorder), clock.utc)

    first = reconciler.run_once()
    clock.now += 300
    second = reconciler.run_once()

    asked = github.requests_to("POST", r"/attempts$")
    assert len(asked) == 1, [r.path for r in asked]  # a 4xx that cannot succeed is not sent again
    assert asked[0].path.endswith(f"/{refused['id']}/attempts")
    assert (first.acted, first.errors, first.skipped) == (0, 0, 1)
    assert reconciler.checkpoint is not None  # the pass did all it could: the window moves on
    assert second.acted == 0
    assert f"GitHub refused to redeliver {refused['guid']}" in caplog.text
    lost = {"source": "github", "reason": "redelivery_refused"}  # the deliveries-lost alert's count, once
    assert recorder.registry.get_sample_value("tfreview_deliveries_lost_total", lost) == 1


def test_an_attempt_whose_date_does_not_read_does_not_end_the_scan(
    github: FakeGitHub,  # noqa: F811
    client: GitHubClient,  # noqa: F811
    services: WiredServices,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    failed = [github.add_delivery("ping", {"zen": "x"}, status_code=502) for _ in range(250)]  # 3 pages of 100
    with github.lock:
        github._deliveries[-1]["delivered_at"] = "yesterday-ish"  # the newest, on the first page
    result = DeliveryReconciler(client, services, clock.utc).run_once()
    # it ended the scan after the first page: 99 of 250 were redelivered; now every one is (the undated one too:
    # taken as inside the window, never as older than it)
    assert sorted(github.redelivery_requests) == sorted(d["id"] for d in failed)
    assert result.acted == 250


def test_a_cursor_that_comes_back_ends_the_scan_instead_of_reading_the_same_page_200_times(
    github: FakeGitHub,  # noqa: F811
    client: GitHubClient,  # noqa: F811
    services: WiredServices,  # noqa: F811
    clock: Clock,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    failed = github.add_delivery("ping", {"zen": "x"}, status_code=502)
    item = {key: failed[key] for key in ("id", "guid", "delivered_at", "redelivery", "status", "status_code", "event")}
    same = f'<{github.api_url}/app/hook/deliveries?per_page=100&cursor=v1_again>; rel="next"'
    github.answer_next(200, [item], headers={"Link": same}, method="GET", path_contains="/hook/deliveries", times=999)

    result = DeliveryReconciler(client, services, clock.utc).run_once()

    assert len(github.requests_to("GET", r"^/app/hook/deliveries$")) == 2  # the first page, the cursor, then seen
    assert result.acted == 1
    assert "came back" in caplog.text
