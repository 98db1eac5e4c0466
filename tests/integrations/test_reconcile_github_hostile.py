"""The delivery reconciler (W10) against GitHub's deliveries API answering the odd way (session 17): a redelivery
GitHub refuses for good (4xx) is not asked again every period for the three days GitHub keeps the delivery, and an
attempt whose `delivered_at` does not read does not end the scan of the older pages."""

from __future__ import annotations

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
    reconciler = DeliveryReconciler(client, services, clock.utc)

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
