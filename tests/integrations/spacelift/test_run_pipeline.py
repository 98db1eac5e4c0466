"""A Spacelift run end to end on the in-memory service: the after_plan upload → review (cross-checked with
changesV3) → publish job → one run comment; a plan that does not match the run says so, up front."""

from __future__ import annotations

import json
from dataclasses import replace

from tests.fakes.spacelift import RATE_LIMIT_RETRY_AFTER, FakeSpacelift
from tests.worker.conftest import PLAN_WITH_FINDINGS, ManualClock, upload, worker_settings
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.crosscheck import MISMATCH_NOTE, UNCHECKED_NOTE, SpaceliftCheckedPlanSource
from tfreview.integrations.spacelift.publisher import SpaceliftPublisher
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.ports.records import SourceInfo
from tfreview.ports.review_codec import report_document
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.wiring import WiredServices, build_memory_services
from tfreview.worker.runner import Worker

from .conftest import STACK

RUN_SOURCE = SourceInfo("spacelift", stack_id=STACK, run_id="01RUN", account="acme")
ACME = "spacelift:acme"  # the after_plan hook's token is one of the account's tenant (ADR 0566)
PLAN_ADDRESSES = ["aws_internet_gateway.gw", "aws_security_group.allow_tls", "aws_security_group_rule.allow_all",
                  "aws_vpc.fail"]  # fmt: skip


def services_for(client: SpaceliftClient) -> WiredServices:
    settings = SpaceliftApiSettings(account="acme")
    publisher = SpaceliftPublisher(client, settings)
    services = build_memory_services(worker_settings(), clock=ManualClock(), publisher=publisher)
    return replace(
        services,
        sources={
            **services.sources,
            "api": SpaceliftCheckedPlanSource(UploadedPlanSource(services.plans), client, settings),
        },
    )


def run_all(services: WiredServices) -> None:
    worker = Worker(services, "w1")
    while worker.run_once() is not None:
        pass


def test_an_uploaded_plan_that_matches_the_run_is_commented_once(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=PLAN_ADDRESSES)
    services = services_for(client)
    review_id, _ = upload(services, tenant=ACME, source=RUN_SOURCE)
    run_all(services)
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    notes = report_document(stored.report)["coverage"]["notes"]
    assert f"Cross-checked with Spacelift run {STACK}/01RUN: its 4 changed addresses agree." in notes
    comments = spacelift.comments(STACK, "01RUN")
    assert len(comments) == 1
    assert MISMATCH_NOTE not in comments[0]["body"]


def test_a_plan_that_does_not_match_the_run_gets_a_coverage_note_and_says_so_first(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=[*PLAN_ADDRESSES[1:], "aws_db_instance.main"])
    services = services_for(client)
    review_id, _ = upload(services, tenant=ACME, source=RUN_SOURCE)
    run_all(services)
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    [note] = [n for n in report_document(stored.report)["coverage"]["notes"] if n.startswith(MISMATCH_NOTE)]
    assert "1 only in Spacelift's (aws_db_instance.main)" in note
    assert "1 only in the upload (aws_internet_gateway.gw)" in note
    body = spacelift.comments(STACK, "01RUN")[0]["body"]
    assert body.index("does not match Spacelift") < body.index("Coverage")  # a notice before anything else


def test_when_spacelift_is_down_the_review_goes_on_and_says_it_was_not_cross_checked(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=PLAN_ADDRESSES)
    services = services_for(client)
    review_id, _ = upload(services, tenant=ACME, source=RUN_SOURCE)
    spacelift.fail_next("http500")  # the cross-check call (its token exchange) answers 500
    worker = Worker(services, "w1")
    worker.run_once()  # the review job only
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    assert any(n.startswith(UNCHECKED_NOTE) for n in report_document(stored.report)["coverage"]["notes"])
    assert stored.verdict == "fail"


def test_9_13_a_secret_shaped_for_each_key_is_no_mismatch_and_is_never_shown(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    """The stored upload's addresses are redacted, Spacelift's are not: both sides are compared the same way,
    and the note renders addresses redacted."""
    key = "AKIAIOSFODNN7EXAMPLE"  # a for_each key shaped like an AWS access key id
    plan = json.loads(PLAN_WITH_FINDINGS.read_bytes())
    for change in plan["resource_changes"]:
        if change["address"] == "aws_vpc.fail":
            change["address"], change["index"] = f'aws_vpc.fail["{key}"]', key
    addresses = [*PLAN_ADDRESSES[:-1], f'aws_vpc.fail["{key}"]']
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=addresses)
    services = services_for(client)
    review_id, _ = upload(
        services,
        json.dumps(plan).encode(),
        tenant=ACME,
        source=SourceInfo("spacelift", stack_id=STACK, run_id="01RUN", account="acme"),
    )
    run_all(services)
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    notes = report_document(stored.report)["coverage"]["notes"]
    assert not [n for n in notes if n.startswith(MISMATCH_NOTE)], notes
    assert f"Cross-checked with Spacelift run {STACK}/01RUN: its 4 changed addresses agree." in notes
    body = spacelift.comments(STACK, "01RUN")[0]["body"]
    assert MISMATCH_NOTE not in body
    assert key not in body
    assert key not in json.dumps(stored.report)


def test_9_13_a_real_mismatch_names_spacelift_addresses_redacted(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    key = "AKIAIOSFODNN7EXAMPLE"
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=[*PLAN_ADDRESSES, f'aws_iam_user.u["{key}"]'])
    services = services_for(client)
    review_id, _ = upload(services, tenant=ACME, source=RUN_SOURCE)
    run_all(services)
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    [note] = [n for n in report_document(stored.report)["coverage"]["notes"] if n.startswith(MISMATCH_NOTE)]
    assert "1 only in Spacelift's (aws_iam_user.u[" in note
    assert key not in note
    assert key not in spacelift.comments(STACK, "01RUN")[0]["body"]


def test_the_run_comment_names_the_stack_and_the_run_not_the_upload(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    """Issue 9, item 18: `upload <id>` means nothing to a Spacelift user."""
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=PLAN_ADDRESSES)
    services = services_for(client)
    review_id, _ = upload(services, tenant=ACME, source=RUN_SOURCE)
    run_all(services)
    body = spacelift.comments(STACK, "01RUN")[0]["body"]
    assert f"Spacelift stack {STACK} run 01RUN" in body
    assert "upload " not in body.split("\n\n")[0] + body.split("\n\n")[1]
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    assert report_document(stored.report)["label"] == f"Spacelift stack {STACK} run 01RUN"


def test_a_run_comment_refused_by_spacelifts_rate_limit_waits_without_spending_attempts(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    """ADR 0515: HTTP 429 + Retry-After is a wait of the publish job, however often (more than max_attempts)."""
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=PLAN_ADDRESSES)
    services = services_for(client)
    clock = services.clock
    assert isinstance(clock, ManualClock)
    upload(services, tenant=ACME, source=RUN_SOURCE)
    worker = Worker(services, "w1")
    reviewed = worker.run_once()  # the review job (its cross-check answered)
    assert reviewed is not None
    assert reviewed.result == "succeeded", reviewed
    refusals = services.settings.worker.max_attempts + 1
    spacelift.fail_next(*["http429"] * refusals)
    for _ in range(refusals):
        waiting = worker.run_once()
        assert waiting is not None
        assert waiting.result == "waiting", waiting
        assert waiting.job.attempts == 0
        assert f"HTTP 429, rate limited for {RATE_LIMIT_RETRY_AFTER} s" in (waiting.reason or ""), waiting.reason
        assert worker.run_once() is None  # not before its Retry-After
        clock.advance(RATE_LIMIT_RETRY_AFTER)
    published = worker.run_once()
    assert published is not None
    assert published.result == "succeeded", published
    assert published.job.attempts == 1
    assert len(spacelift.comments(STACK, "01RUN")) == 1
