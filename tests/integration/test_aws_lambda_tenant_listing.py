"""On Lambda (DynamoDB), a tenant's listing reads that tenant's index, and the request path no every-tenant one
(ADR 0633).

Session 17 saw a tenant's review listing read the every-tenant review index (`g3`, `REV`). From outside, through
the Lambda handler on moto's DynamoDB: the listing itself queried the tenant's `g1` key, but the door's queue
signals, read on every request, listed the open reviews with `reviews.list(None, status=...)` — which walked the
whole every-tenant index (finished reviews included, the status applied after reading), twice per request. The
signals now read `g2`, a sparse index of the open reviews only.
"""

# the fixtures of test_aws_lambda_flow are imported, and each test's parameters name them again
# ruff: noqa: F811

from __future__ import annotations

import json
from typing import Any

from tests.fakes.aws_events import http_event
from tests.integration.test_aws_lambda_flow import (  # noqa: F401 - the module's fixtures, shared
    Deployment,
    deployment,
    github,
    moto,
)
from tfreview import lambda_handlers
from tfreview.ports.records import Scope, SourceInfo


def test_one_tenant_s_listing_queries_that_tenant_s_index_only(deployment: Deployment) -> None:
    services = deployment.services
    mine = [services.reviews.create("github:octo", SourceInfo("github", repository=f"octo/r{n}")) for n in range(3)]
    for n in range(5):
        services.reviews.create("github:other", SourceInfo("github", repository=f"other/r{n}"))
    _, secret = services.tokens.create("github:octo", Scope.READ, "listing", None)
    table: Any = services.queue.table  # type: ignore[attr-defined]
    queries: list[dict[str, Any]] = []

    def count(params: dict[str, Any], **_: Any) -> None:
        queries.append(params)

    table._client.meta.events.register("provide-client-params.dynamodb.Query", count)
    try:
        answer = lambda_handlers.http(
            http_event("GET", "/api/v1/reviews", headers={"authorization": f"Bearer {secret}"})
        )
    finally:
        table._client.meta.events.unregister("provide-client-params.dynamodb.Query", count)
    assert answer["statusCode"] == 200, answer
    assert sorted(item["id"] for item in json.loads(answer["body"])["items"]) == sorted(r.id for r in mine)
    reviews = [q for q in queries if str(q["ExpressionAttributeValues"][":pk"]["S"]).startswith("REV")]
    read = sorted({(q.get("IndexName", ""), q["ExpressionAttributeValues"][":pk"]["S"]) for q in reviews})
    # the tenant's own index for the listing; the open reviews' index for the door's queue signals (each request)
    assert read == [
        ("g1-index", "REV#T#github:octo"),
        ("g2-index", "REV#S#in_progress"),
        ("g2-index", "REV#S#queued"),
    ]


def test_the_open_reviews_index_follows_every_status_change(deployment: Deployment) -> None:
    """A review is in g2 under its open status, moves with it, and leaves it once finished: the queue signals count
    exactly the open ones, from that index."""
    from datetime import timedelta

    from tfreview.ops.signals import memory_queue_signals
    from tfreview.ports.records import ReviewStatus
    from tfreview.store.aws.reviews import DynamoReviewStore

    services = deployment.services
    table: Any = services.queue.table  # type: ignore[attr-defined]
    open_reviews = DynamoReviewStore(table, open_index=True)
    created = [services.reviews.create("github:octo", SourceInfo("github", repository=f"octo/r{n}")) for n in range(4)]
    services.reviews.set_status(created[1].id, ReviewStatus.IN_PROGRESS)
    services.reviews.set_status(created[2].id, ReviewStatus.IN_PROGRESS)
    services.reviews.save_result(created[2].id, ReviewStatus.COMPLETED, {"verdict": "pass"}, "pass", {})
    services.reviews.set_status(created[3].id, ReviewStatus.FAILED, "gave up")

    def ids(status: ReviewStatus) -> set[str]:
        return {r.id for r in open_reviews.list(None, filters={"status": status.value}, limit=50).items}

    assert ids(ReviewStatus.QUEUED) == {created[0].id}
    assert ids(ReviewStatus.IN_PROGRESS) == {created[1].id}
    later = services.clock() + timedelta(days=1)  # every open review is past its deadline by then
    signals = memory_queue_signals(services.queue, open_reviews, later, timedelta(seconds=300))
    assert signals.reviews_past_deadline == 2
