"""A Spacelift run end to end on the in-memory service: the after_plan upload → review (cross-checked with
changesV3) → publish job → one run comment; a plan that does not match the run says so, up front."""

from __future__ import annotations

from tests.fakes.spacelift import FakeSpacelift
from tests.worker.conftest import ManualClock, upload, worker_settings
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.crosscheck import MISMATCH_NOTE, UNCHECKED_NOTE, SpaceliftCheckedPlanSource
from tfreview.integrations.spacelift.publisher import SpaceliftPublisher
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.ports.records import SourceInfo
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.wiring import WiredServices, build_memory_services
from tfreview.worker.runner import Worker

from .conftest import STACK

PLAN_ADDRESSES = ["aws_internet_gateway.gw", "aws_security_group.allow_tls", "aws_security_group_rule.allow_all",
                  "aws_vpc.fail"]  # fmt: skip


def services_for(client: SpaceliftClient) -> WiredServices:
    publisher = SpaceliftPublisher(client, SpaceliftApiSettings(account="acme"))
    services = build_memory_services(worker_settings(), clock=ManualClock(), publisher=publisher)
    services.sources = {
        **services.sources,
        "api": SpaceliftCheckedPlanSource(UploadedPlanSource(services.plans), client),
    }
    return services


def run_all(services: WiredServices) -> None:
    worker = Worker(services, "w1")
    while worker.run_once() is not None:
        pass


def test_an_uploaded_plan_that_matches_the_run_is_commented_once(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=PLAN_ADDRESSES)
    services = services_for(client)
    review_id, _ = upload(services, source=SourceInfo("spacelift", stack_id=STACK, run_id="01RUN", account="acme"))
    run_all(services)
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    notes = stored.report["coverage"]["notes"]
    assert f"Cross-checked with Spacelift run {STACK}/01RUN: its 4 changed addresses agree." in notes
    comments = spacelift.comments(STACK, "01RUN")
    assert len(comments) == 1
    assert MISMATCH_NOTE not in comments[0]["body"]


def test_a_plan_that_does_not_match_the_run_gets_a_coverage_note_and_says_so_first(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=[*PLAN_ADDRESSES[1:], "aws_db_instance.main"])
    services = services_for(client)
    review_id, _ = upload(services, source=SourceInfo("spacelift", stack_id=STACK, run_id="01RUN", account="acme"))
    run_all(services)
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    [note] = [n for n in stored.report["coverage"]["notes"] if n.startswith(MISMATCH_NOTE)]
    assert "1 only in Spacelift's (aws_db_instance.main)" in note
    assert "1 only in the upload (aws_internet_gateway.gw)" in note
    body = spacelift.comments(STACK, "01RUN")[0]["body"]
    assert body.index("does not match Spacelift") < body.index("Coverage")  # a notice before anything else


def test_when_spacelift_is_down_the_review_goes_on_and_says_it_was_not_cross_checked(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=PLAN_ADDRESSES)
    services = services_for(client)
    review_id, _ = upload(services, source=SourceInfo("spacelift", stack_id=STACK, run_id="01RUN", account="acme"))
    spacelift.fail_next("http500")  # the cross-check call (its token exchange) answers 500
    worker = Worker(services, "w1")
    worker.run_once()  # the review job only
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    assert any(n.startswith(UNCHECKED_NOTE) for n in stored.report["coverage"]["notes"])
    assert stored.verdict == "fail"


def test_the_run_comment_names_the_stack_and_the_run_not_the_upload(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    """Issue 9, item 18: `upload <id>` means nothing to a Spacelift user."""
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=PLAN_ADDRESSES)
    services = services_for(client)
    review_id, _ = upload(services, source=SourceInfo("spacelift", stack_id=STACK, run_id="01RUN", account="acme"))
    run_all(services)
    body = spacelift.comments(STACK, "01RUN")[0]["body"]
    assert f"Spacelift stack {STACK} run 01RUN" in body
    assert "upload " not in body.split("\n\n")[0] + body.split("\n\n")[1]
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    assert stored.report["label"] == f"Spacelift stack {STACK} run 01RUN"
