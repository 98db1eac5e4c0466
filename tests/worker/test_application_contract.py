"""Contract tests of the application layer (`tfreview.service`) on the in-memory, SQLite and PostgreSQL stores.

The use cases drivers call — `accept_delivery`, `accept_upload`, `run_review` (through the worker),
`run_publish`, `assess` — behave the same whichever adapters the wiring chose.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tfreview.core.errors import UpstreamError
from tfreview.core.findings import Advice
from tfreview.core.policy import Policy
from tfreview.core.ports import AdviceContext
from tfreview.parsing.plan_json import load_plan
from tfreview.ports.job_types import JobKind, PullRequestHead, ReviewJob
from tfreview.ports.records import ReviewStatus, RunStateVersion, SourceInfo, Tenant
from tfreview.rules import load_rules
from tfreview.service.assessment import assess
from tfreview.service.intake import accept_delivery
from tfreview.service.uploads import accept_upload
from tfreview.worker.runner import Worker

from .conftest import PLAN_WITH_FINDINGS, TENANT, Backend

HEAD = "a" * 40


def _pull_request_delivery(backend: Backend, tenant: Tenant, guid: str) -> tuple[str | None, bool, bool]:
    head = PullRequestHead("acme/infra", 7, HEAD, installation_id=int(tenant.id.split(":")[1]))
    accepted = accept_delivery(
        backend.services,
        source="github",
        key=guid,
        event="pull_request.opened",
        tenant=tenant,
        body=b'{"action": "opened"}',
        received_at=datetime.now(UTC),
        job=ReviewJob.for_pull_request(tenant.id, head),
        review_source=SourceInfo("github", repository="acme/infra", pull_request=7, commit_sha=HEAD),
    )
    return accepted.review_id, accepted.created, accepted.joined


def test_accept_delivery_writes_once_and_later_copies_join_the_same_review(backend: Backend) -> None:
    tenant = Tenant("github:1234", "github", "acme")
    review_id, created, joined = _pull_request_delivery(backend, tenant, "guid-1")
    again = _pull_request_delivery(backend, tenant, "guid-1")  # the same delivery: nothing written
    other = _pull_request_delivery(backend, tenant, "guid-2")  # a new delivery of the same head: joins

    assert (created, joined) == (True, False)
    assert again == (None, False, False)
    assert other == (review_id, True, True)
    assert review_id is not None
    stored = backend.services.reviews.get(review_id, tenant.id)
    assert stored is not None
    assert stored.status is ReviewStatus.QUEUED
    jobs = [j for j in backend.services.queue.list(limit=20).items if j.kind == JobKind.REVIEW.value]
    assert len(jobs) == 1
    assert ReviewJob.decode(jobs[0]).review_id == review_id
    assert backend.services.tenants.get(tenant.id) is not None
    assert len(backend.services.intake.list(limit=20).items) == 2


def test_accept_delivery_writes_the_tenant_and_the_run_state_in_its_one_write(backend: Backend) -> None:
    services = backend.services
    tenant = Tenant("spacelift:acme", "spacelift", "acme")
    accepted = accept_delivery(
        services,
        source="spacelift",
        key="acme:run-1:PLANNING:2",
        event="run_state.PLANNING",
        tenant=tenant,
        body=b"{}",
        received_at=datetime.now(UTC),
        run_state=RunStateVersion("run-1", "PLANNING", 2),
    )
    assert accepted.created
    assert services.tenants.get(tenant.id) == tenant
    assert services.tenants.known(tenant)  # the wiring shares one tenant cache between intake and tenants
    assert services.intake.spacelift_state(tenant.id, "run-1", "QUEUED", 2) is False  # version 2 is stored
    assert services.intake.spacelift_state(tenant.id, "run-1", "FINISHED", 3) is True


def test_accept_delivery_keeps_tenants_apart(backend: Backend) -> None:
    first, _, _ = _pull_request_delivery(backend, Tenant("github:1", "github", "one"), "guid-a")
    second, _, _ = _pull_request_delivery(backend, Tenant("github:3", "github", "three"), "guid-b")

    assert first is not None
    assert second is not None
    assert first != second
    assert backend.services.reviews.get(second, "github:3") is not None
    assert backend.services.reviews.get(second, "github:1") is None


def test_accept_upload_is_idempotent_and_the_review_runs_and_publishes_once(backend: Backend) -> None:
    services = backend.services
    body = PLAN_WITH_FINDINGS.read_bytes()
    info = SourceInfo("api", repository="acme/infra")
    now = datetime.now(UTC)
    review_id, created = accept_upload(services, TENANT, body, "plan", {"repository": "acme/infra"}, info, now)
    repeat_id, repeat_created = accept_upload(services, TENANT, body, "plan", {"repository": "acme/infra"}, info, now)

    assert (created, repeat_created) == (True, False)
    assert repeat_id == review_id
    assert len(services.intake.list(source="api", limit=20).items) == 1

    worker = Worker(services, "w-contract")
    outcomes = [worker.run_once(), worker.run_once(), worker.run_once()]

    assert [o.job.kind for o in outcomes if o is not None] == [JobKind.REVIEW.value, JobKind.PUBLISH.value]
    stored = services.reviews.get(review_id, TENANT)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert stored.report is not None
    assert backend.publisher.published == [review_id]


class _BrokenAdvisor:
    name = "broken"

    def advise(self, context: AdviceContext) -> Advice:
        raise UpstreamError("the model is down")


def test_assess_is_the_clis_path_and_an_advisor_that_breaks_degrades() -> None:
    change_set = load_plan(PLAN_WITH_FINDINGS.read_bytes(), path="plan.json")
    rules = load_rules()

    plain = assess(change_set, rules, Policy(), None)
    degraded = assess(change_set, rules, Policy(), _BrokenAdvisor(), tenant_id=TENANT)

    assert plain.advice is None
    assert not plain.ai_unavailable
    assert degraded.ai_unavailable
    assert [f.fingerprint for f in degraded.review.findings] == [f.fingerprint for f in plain.review.findings]
    assert plain.review.verdict == degraded.review.verdict
