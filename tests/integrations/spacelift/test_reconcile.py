"""SpaceliftReconciler: a run whose webhook never came is recorded once its plan is uploaded, once — and a
webhook arriving later adds no job and no review."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from tests.fakes.spacelift import FakeSpacelift
from tests.worker.conftest import PLAN_WITH_FINDINGS, ManualClock, worker_settings
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.ports.job_types import ReviewJob
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.service.container import Services
from tfreview.service.intake import accept_delivery
from tfreview.service.spacelift_reconciler import SpaceliftReconciler
from tfreview.web.spacelift_events import normalise
from tfreview.wiring import WiredServices, build_memory_services
from tfreview.worker.runner import Worker

from .conftest import STACK, UnixClock

TENANT = "spacelift:acme"


def setup(clock: UnixClock) -> tuple[WiredServices, SpaceliftApiSettings]:
    services = build_memory_services(worker_settings(), clock=ManualClock(clock.now()))
    settings = SpaceliftApiSettings(account="acme", stacks=[STACK], reconcile_seconds=5)
    return services, settings


def upload_for(services: Services, run_id: str) -> str:
    """The after_plan hook's upload (`tfreview submit --spacelift-env`) with a token of the account's tenant."""
    data = PLAN_WITH_FINDINGS.read_bytes()
    plan_id = services.plans.put(TENANT, data, "plan_json", {"source": "spacelift"})
    review_id = str(uuid.uuid4())
    delivery = Delivery("api", f"upload-{review_id}", "plan_upload", TENANT, "", datetime.now(UTC))
    job = ReviewJob.for_review(TENANT, review_id, plan_id=plan_id).encode()
    source = SourceInfo("spacelift", stack_id=STACK, run_id=run_id, account="acme")
    services.intake.accept(delivery, data, job, review=(review_id, source))
    return review_id


def spacelift_jobs(services: Services) -> list[str]:
    return sorted(j.idempotency_key for j in services.queue.list(limit=200).items if j.kind == "spacelift_run")


def test_a_run_without_webhook_is_recorded_once_its_plan_is_uploaded(
    spacelift: FakeSpacelift, client: SpaceliftClient, clock: UnixClock
) -> None:
    services, settings = setup(clock)
    spacelift.add_run(STACK, "MISSED", state="UNCONFIRMED", created_at=int(clock()) - 600)
    spacelift.add_run(STACK, "PLANNING", state="PLANNING", created_at=int(clock()) - 300)
    reconciler = SpaceliftReconciler(client, services, settings, clock=clock.now)

    first = reconciler.run_once()
    assert first.waiting == [f"{STACK}/MISSED"]  # reviewable, no plan uploaded yet
    assert first.enqueued == []
    assert spacelift_jobs(services) == []

    upload_for(services, "MISSED")
    clock.advance(5)
    second = reconciler.run_once()
    assert second.enqueued == [f"{STACK}/MISSED"]
    assert spacelift_jobs(services) == [f"spacelift_run:{TENANT}:{STACK}:MISSED"]

    clock.advance(5)
    third = reconciler.run_once()  # and again: nothing new
    assert third.enqueued == []
    assert third.waiting == []
    assert spacelift_jobs(services) == [f"spacelift_run:{TENANT}:{STACK}:MISSED"]
    recorded = [r for r in services.reviews.list(TENANT, filters={"stack_id": STACK}).items if r.plan_id is None]
    assert len(recorded) == 1

    # the webhook comes after all (Spacelift re-enabled): no second job, no second review
    body = json.dumps(
        {
            "account": "acme",
            "state": "UNCONFIRMED",
            "stateVersion": 4,
            "timestamp": int(clock()),
            "run": {"id": "MISSED", "type": "TRACKED"},
            "stack": {"id": STACK},
        }
    ).encode()
    event = normalise(body)
    accepted = accept_delivery(
        services,
        source="spacelift",
        key=event.dedupe_key,
        event=event.event,
        tenant=event.tenant,
        body=body,
        received_at=datetime.now(UTC),
        job=event.job(),
        review_source=event.source,
    )
    assert accepted.created
    assert accepted.review_id == recorded[0].id  # the delivery joins the reconciler's review
    assert spacelift_jobs(services) == [f"spacelift_run:{TENANT}:{STACK}:MISSED"]
    assert len([r for r in services.reviews.list(TENANT, filters={"stack_id": STACK}).items if r.plan_id is None]) == 1


def test_a_run_whose_webhook_came_is_left_alone(
    spacelift: FakeSpacelift, client: SpaceliftClient, clock: UnixClock
) -> None:
    services, settings = setup(clock)
    spacelift.add_run(STACK, "HEARD", state="FINISHED", created_at=int(clock()) - 60)
    webhook_review = "r-webhook"
    services.intake.accept(
        Delivery("spacelift", "HEARD:FINISHED:3", "run_state.FINISHED", TENANT, "", datetime.now(UTC)),
        b"{}",
        None,
        review=None,
    )
    services.reviews.create(TENANT, SourceInfo("spacelift", stack_id=STACK, run_id="HEARD", account="acme"))
    upload_for(services, "HEARD")
    result = SpaceliftReconciler(client, services, settings, clock=clock.now).run_once()
    assert result.enqueued == []
    assert result.waiting == []
    assert spacelift_jobs(services) == []
    assert webhook_review  # the webhook's own review is the run's record


def test_the_recorded_run_takes_the_uploads_result(
    spacelift: FakeSpacelift, client: SpaceliftClient, clock: UnixClock
) -> None:
    services, settings = setup(clock)
    spacelift.add_run(STACK, "MISSED", state="UNCONFIRMED", created_at=int(clock()) - 60)
    upload_for(services, "MISSED")
    worker = Worker(services, "w1")
    while worker.run_once() is not None:  # the upload's own review and publish
        pass
    assert SpaceliftReconciler(client, services, settings, clock=clock.now).run_once().enqueued == [f"{STACK}/MISSED"]
    while worker.run_once() is not None:
        pass
    recorded = [r for r in services.reviews.list(TENANT, filters={"stack_id": STACK}).items if r.plan_id is None]
    assert [r.status for r in recorded] == [ReviewStatus.COMPLETED]
    assert recorded[0].verdict == "fail"


def test_a_stack_that_cannot_be_scanned_is_reported_and_the_others_go_on(
    spacelift: FakeSpacelift, client: SpaceliftClient, clock: UnixClock
) -> None:
    services, _ = setup(clock)
    settings = SpaceliftApiSettings(account="acme", stacks=["gone", STACK])
    spacelift.add_run(STACK, "R1", state="UNCONFIRMED", created_at=int(clock()) - 60)
    result = SpaceliftReconciler(client, services, settings, clock=clock.now).run_once()
    assert result.errors
    assert result.errors[0].startswith("gone: Spacelift has no stack gone")
    assert result.waiting == [f"{STACK}/R1"]
