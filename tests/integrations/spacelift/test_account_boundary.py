"""The Spacelift API key serves ONE account: only reviews of that account's tenant act through it (ADR 0566).

A write token of any other tenant (a GitHub installation's, another Spacelift account's) could upload a plan
naming this account's stack and run, or a notification of another account could name the same run id: such a
review must not read the run's changes (its addresses would land in a foreign tenant's review), must not comment
on the run, must not APPROVE or REJECT it and must not reach the run's pull request as its plan review.
"""

from __future__ import annotations

import dataclasses
import logging

import pytest

from tests.fakes.spacelift import FakeSpacelift
from tests.worker.conftest import upload, worker_settings
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.crosscheck import UNCHECKED_NOTE, SpaceliftCheckedPlanSource
from tfreview.integrations.spacelift.publisher import SpaceliftPublisher
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.ports.review_codec import report_document
from tfreview.publish.recording import RecordingPublisher
from tfreview.service.combining import PullRequestCombiner
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.store.memory import MemoryReviewStore
from tfreview.wiring import build_memory_services
from tfreview.worker.runner import Worker

from .conftest import STACK, stored_review

RUN = "01ACMERUN0000000000000000A"
PRIVATE = ["aws_db_instance.payroll_primary", "aws_s3_bucket.acme_private_exports"]
SETTINGS = SpaceliftApiSettings(account="acme", review_runs=True, pull_request_repositories=["acme/infra"])


@pytest.fixture
def run(spacelift: FakeSpacelift) -> str:
    spacelift.add_run(STACK, RUN, state="UNCONFIRMED", type="PROPOSED", changes=PRIVATE)
    return RUN


@pytest.mark.parametrize(
    ("tenant", "account"),
    [
        ("github:7", None),  # a GitHub installation's write token, naming acme's stack and run
        ("spacelift:other", "other"),  # another Spacelift account's run with the same run id
        ("spacelift:acme", "other"),  # acme's tenant, but the upload says it comes from another account
    ],
)
def test_a_review_of_another_tenant_or_account_neither_comments_nor_reviews_the_run(
    spacelift: FakeSpacelift,
    client: SpaceliftClient,
    run: str,
    tenant: str,
    account: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    publisher = SpaceliftPublisher(client, SETTINGS)
    review = stored_review(run_id=run, kind="api", verdict="pass")
    foreign = dataclasses.replace(review, tenant_id=tenant, source=dataclasses.replace(review.source, account=account))
    publisher.publish(foreign)
    failed = dataclasses.replace(foreign, status=ReviewStatus.FAILED, status_reason="no plan was uploaded")
    publisher.publish_failure(failed)
    assert spacelift.comments(STACK, run) == []
    assert spacelift.reviews(STACK, run) == []  # above all: no APPROVE of acme's run
    assert spacelift.requests == []  # nothing asked of acme's account on a foreign review's behalf
    assert "not this Spacelift account's" in caplog.text
    publisher.publish(review)  # acme's own review still publishes
    assert len(spacelift.comments(STACK, run)) == 1
    assert [r["decision"] for r in spacelift.reviews(STACK, run)] == ["APPROVE"]


def test_an_upload_of_another_tenant_is_not_cross_checked_and_sees_none_of_the_runs_addresses(
    spacelift: FakeSpacelift, client: SpaceliftClient, run: str
) -> None:
    services = build_memory_services(worker_settings(), publisher=RecordingPublisher())
    checked = SpaceliftCheckedPlanSource(UploadedPlanSource(services.plans), client, SETTINGS)
    services = dataclasses.replace(services, sources={**services.sources, "api": checked})
    review_id, _ = upload(services, source=SourceInfo("api", stack_id=STACK, run_id=run))  # tenant github:1234
    worker = Worker(services, "w1")
    while worker.run_once() is not None:
        pass
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    notes = report_document(stored.report)["coverage"]["notes"]
    assert [n for n in notes if n.startswith(UNCHECKED_NOTE)] == [
        f"{UNCHECKED_NOTE} (run {STACK}/{run}): this review belongs to tenant github:1234, "
        "not to Spacelift account acme's tenant spacelift:acme"
    ]
    assert not any(address in str(stored.report) for address in PRIVATE)
    assert spacelift.requests == []


def test_a_plan_review_of_another_tenant_never_reaches_the_runs_pull_request(
    spacelift: FakeSpacelift, client: SpaceliftClient, run: str
) -> None:
    reviews = MemoryReviewStore()
    github = RecordingPublisher()
    combiner = PullRequestCombiner(github, reviews, client, SETTINGS)
    planted = stored_review(run_id=run, repository="acme/infra", pull_request=7, verdict="pass")
    planted = dataclasses.replace(planted, tenant_id="github:7")
    combiner.publish(planted)  # as the publish job of the foreign upload would
    assert github.reviews == []
    created = reviews.create(planted.tenant_id, planted.source, plan_id=planted.plan_id)
    assert planted.report is not None
    reviews.save_result(created.id, ReviewStatus.COMPLETED, planted.report, "pass", {})
    hcl = stored_review(kind="github", stack_id=None, repository="acme/infra", pull_request=7, review_id="hcl")
    combiner.publish(hcl)  # the PR's own review: published alone, not combined with the planted plan review
    assert github.reviews == [hcl]
    assert spacelift.requests == []
