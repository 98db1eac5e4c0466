"""On Lambda (DynamoDB), the reaper's deadline and orphan sweeps read the open reviews' index once the reviews
written before it are in it (ADR 0633 left them on the every-tenant index; ADR 0660).

Through the reaper function on moto's DynamoDB: reviews written before the open index existed (no `g2pk`), one open
and past its deadline, one still within it, among finished ones. The first run puts them in the index (one walk of
the every-tenant index, recorded as done) and fails the late one; from then on no run reads the every-tenant index."""

# the fixtures of test_aws_lambda_flow are imported, and each test's parameters name them again
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.integration.test_aws_lambda_flow import (  # noqa: F401 - the module's fixtures, shared
    Deployment,
    deployment,
    github,
    moto,
)
from tfreview import lambda_handlers
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.store.aws.reviews import review_pk

SCHEDULED = {"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}


def test_the_reaper_sweeps_read_the_open_reviews_index_once_the_old_reviews_are_in_it(deployment: Deployment) -> None:
    services = deployment.services
    table: Any = services.queue.table  # type: ignore[attr-defined]
    past = services.clock() - timedelta(hours=1)
    old = services.reviews.create("github:octo", SourceInfo("github", repository="octo/old"), deadline_at=past)
    waiting = services.reviews.create("github:octo", SourceInfo("github", repository="octo/waiting"))
    for before in (old, waiting):  # as written before the open index (ADR 0633)
        table.update(review_pk(before.id), "REV", remove=["g2pk", "g2sk"])
    for n in range(4):
        done = services.reviews.create("github:octo", SourceInfo("github", repository=f"octo/r{n}"))
        services.reviews.save_result(done.id, ReviewStatus.COMPLETED, {"verdict": "pass"}, "pass", {})
    queries: list[dict[str, Any]] = []

    def count(params: dict[str, Any], **_: Any) -> None:
        queries.append(params)

    def every_tenant_reads() -> int:
        return sum(
            1
            for q in queries
            if q.get("IndexName") == "g3-index" and q["ExpressionAttributeValues"][":pk"]["S"] == "REV"
        )

    table._client.meta.events.register("provide-client-params.dynamodb.Query", count)
    try:
        first = lambda_handlers.reaper(SCHEDULED)
        assert first["requeued"] + first["failed"] == 1  # the old open review was found past its deadline
        assert table.get(review_pk(waiting.id), "REV").get("g2pk") == "REV#S#queued"  # now in the open index
        queries.clear()
        for _ in range(2):
            lambda_handlers.reaper(SCHEDULED)
        assert every_tenant_reads() == 0  # was: the whole every-tenant index, twice a run, every minute
    finally:
        table._client.meta.events.unregister("provide-client-params.dynamodb.Query", count)
