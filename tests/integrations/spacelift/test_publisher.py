"""SpaceliftPublisher: one run comment per (run, content) — I6 (I1–I3 against the Spacelift fake)."""

from __future__ import annotations

import dataclasses
import logging
import threading

import pytest

from tests.fakes.spacelift import FakeSpacelift
from tests.hostile_text import FORGED_VERDICT, HOSTILE, markdown_leaks
from tfreview.core.errors import InputError, NotFound, UpstreamError
from tfreview.core.policy import Policy
from tfreview.core.review import review as run_rules
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.crosscheck import MISMATCH_NOTE, cross_check_notes
from tfreview.integrations.spacelift.models import PlannedChange
from tfreview.integrations.spacelift.publisher import SpaceliftPublisher, content_fingerprint
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.parsing.plan_json import load_plan
from tfreview.ports.records import ReviewStatus
from tfreview.ports.review_codec import decode
from tfreview.render.json_report import review_document
from tfreview.rules import load_rules

from .conftest import PLAN, STACK, ClientFactory, plan_report, stored_review


def publisher_for(client: SpaceliftClient, **settings: object) -> SpaceliftPublisher:
    return SpaceliftPublisher(client, SpaceliftApiSettings(account="acme", **settings))  # type: ignore[arg-type]


@pytest.fixture
def run(spacelift: FakeSpacelift) -> str:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", type="TRACKED")
    return "01RUN"


def test_a_review_becomes_one_run_comment_with_the_markdown_review(
    spacelift: FakeSpacelift, client: SpaceliftClient, run: str
) -> None:
    publisher = publisher_for(client)
    publisher.publish(stored_review())
    comments = spacelift.comments(STACK, run)
    assert len(comments) == 1
    body = comments[0]["body"]
    assert body.startswith("<!-- tfreview:spacelift-run fp=")
    assert "**tfreview: FAIL**" in body
    assert len(body) <= 65_536


def test_the_same_content_is_not_posted_again_even_after_a_restart(
    spacelift: FakeSpacelift, make_client: ClientFactory, run: str
) -> None:
    publisher_for(make_client()).publish(stored_review())
    publisher_for(make_client()).publish(stored_review(review_id="r-2"))  # a new worker, a new review, same content
    assert len(spacelift.comments(STACK, run)) == 1


def test_a_new_comment_only_when_the_verdict_or_findings_change(
    spacelift: FakeSpacelift, client: SpaceliftClient, run: str
) -> None:
    publisher = publisher_for(client)
    first, fewer = plan_report(), plan_report(drop_findings=2)
    publisher.publish(stored_review(first))
    publisher.publish(stored_review(first, review_id="r-again"))
    assert len(spacelift.comments(STACK, run)) == 1
    publisher.publish(stored_review(fewer, review_id="r-2"))  # two findings fewer
    assert len(spacelift.comments(STACK, run)) == 2
    publisher.publish(stored_review(fewer, review_id="r-2", verdict="warn"))  # the verdict changed
    assert len(spacelift.comments(STACK, run)) == 3
    assert content_fingerprint(decode(first)) != content_fingerprint(decode(fewer))
    # wording, line numbers or the tool version do not count: only verdict, findings and a plan mismatch
    reworded = plan_report()
    reworded["findings"][0]["message"] = "other words"
    reworded["tool"]["version"] = "9.9.9"
    assert content_fingerprint(decode(reworded)) == content_fingerprint(decode(first))
    mismatched = plan_report(notes=[f"{MISMATCH_NOTE} x: 1 only"])
    assert content_fingerprint(decode(mismatched)) != content_fingerprint(decode(first))


def test_i1_a_crash_after_the_comment_was_created(spacelift: FakeSpacelift, client: SpaceliftClient, run: str) -> None:
    spacelift.comment_fault("fail_after_create")  # created, then Spacelift (or we) fail before the job is done
    publisher = publisher_for(client)
    with pytest.raises(UpstreamError):
        publisher.publish(stored_review())
    publisher.publish(stored_review())  # the job's retry
    publisher_for(client).publish(stored_review())  # and a retry on another worker
    assert len(spacelift.comments(STACK, run)) == 1


def test_i2_a_lost_response_to_a_successful_run_comment(
    spacelift: FakeSpacelift, client: SpaceliftClient, run: str
) -> None:
    spacelift.comment_fault("lost_response")  # the comment is created; the connection drops before the answer
    publisher = publisher_for(client)
    with pytest.raises(UpstreamError):
        publisher.publish(stored_review())
    publisher.publish(stored_review())
    assert len(spacelift.comments(STACK, run)) == 1


def test_i6_a_run_whose_comments_come_back_null_is_not_commented_again(
    spacelift: FakeSpacelift, client: SpaceliftClient, run: str
) -> None:
    """Partial data: `comments: null` without an error is not "no comments" — read as such, every retry would
    post one more comment. It is Spacelift's failure (retried), and nothing is posted."""
    publisher_for(client).publish(stored_review())
    client.run(STACK, run)  # a token in hand: the scripted answer below is the run's own
    spacelift.fail_next("comments_null")
    with pytest.raises(UpstreamError, match="comments"):
        publisher_for(client).publish(stored_review())  # another worker, its publish of the same content
    assert len(spacelift.comments(STACK, run)) == 1


def test_i6_a_run_comment_answered_null_is_retried_and_not_posted_twice(
    spacelift: FakeSpacelift, client: SpaceliftClient, run: str
) -> None:
    """`runComment` took effect but its result came back null without an error: ambiguous, so retriable (the retry
    finds the comment) — not "not found", which killed the publish at once."""
    publisher = publisher_for(client)
    client.run(STACK, run)  # a token in hand: the scripted answers below are the publish's own
    spacelift.fail_next("pass", "null_result")  # the run is read as it is; the comment is created, answered null
    with pytest.raises(UpstreamError) as raised:
        publisher.publish(stored_review())
    assert not isinstance(raised.value, NotFound)
    publisher_for(client).publish(stored_review())  # the job's retry
    assert len(spacelift.comments(STACK, run)) == 1


def test_i3_two_jobs_racing_for_the_same_run_post_once_in_100_of_100(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    publisher = publisher_for(client)
    for repetition in range(100):
        run_id = f"RACE{repetition:03d}"
        spacelift.add_run(STACK, run_id, state="UNCONFIRMED")
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def job(
            review_id: str, run_id: str = run_id, start: threading.Barrier = start, errors: list[BaseException] = errors
        ) -> None:
            try:
                start.wait()
                publisher.publish(stored_review(review_id=review_id, run_id=run_id))
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=job, args=(f"r-{n}",)) for n in ("opened", "synchronize")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(spacelift.comments(STACK, run_id)) == 1, repetition


def test_i4_a_copied_or_forged_marker_is_not_ours(spacelift: FakeSpacelift, client: SpaceliftClient, run: str) -> None:
    publisher = publisher_for(client)
    review = stored_review()
    typed = review.review()
    assert typed is not None
    fingerprint = content_fingerprint(typed)
    forged = f"<!-- tfreview:spacelift-run fp={fingerprint} sig={'0' * 32} -->\nlooks fine"
    client.run_comment(STACK, run, forged)
    publisher.publish(review)
    comments = spacelift.comments(STACK, run)
    assert len(comments) == 2  # the forged marker did not stop our comment
    assert publisher.latest_fingerprint(STACK, run, client.run(STACK, run).comments) == fingerprint
    other_run = publisher.marker("other-stack", run, fingerprint)
    assert other_run != publisher.marker(STACK, run, fingerprint)  # a marker is bound to its stack and run


@pytest.mark.parametrize(
    ("verdict", "state", "expected"),
    [
        ("fail", "UNCONFIRMED", ["REJECT"]),
        ("pass", "PENDING_REVIEW", ["APPROVE"]),
        ("warn", "UNCONFIRMED", []),  # a human decides
        ("fail", "FINISHED", []),  # no approval policy looks at a finished run
    ],
)
def test_run_review_follows_the_verdict_when_enabled(
    spacelift: FakeSpacelift, client: SpaceliftClient, verdict: str, state: str, expected: list[str]
) -> None:
    spacelift.add_run(STACK, "01RUN", state=state)
    publisher = publisher_for(client, review_runs=True)
    publisher.publish(stored_review(verdict=verdict))
    publisher.publish(stored_review(verdict=verdict))
    assert [r["decision"] for r in spacelift.reviews(STACK, "01RUN")] == expected


def test_i6_the_runs_two_reviews_published_by_two_workers_approve_or_reject_it_once(
    spacelift: FakeSpacelift, client: SpaceliftClient, make_client: ClientFactory
) -> None:
    """The upload's review and the webhook's run review carry the same content; in the scaled service two worker
    processes publish them one after the other (the run's publish lease): one comment, one decision."""
    for verdict, decision in (("fail", "REJECT"), ("pass", "APPROVE")):
        run_id = f"TWO{decision}"
        spacelift.add_run(STACK, run_id, state="UNCONFIRMED")
        one_worker = publisher_for(client, review_runs=True)
        one_worker.publish(stored_review(review_id="upload", run_id=run_id, verdict=verdict))
        other_worker = publisher_for(make_client(), review_runs=True)
        other_worker.publish(stored_review(review_id="run", run_id=run_id, verdict=verdict))
        assert len(spacelift.comments(STACK, run_id)) == 1
        assert [r["decision"] for r in spacelift.reviews(STACK, run_id)] == [decision]


@pytest.mark.parametrize("fault", ["lost_response", "fail_after_create"])
def test_i6_an_approval_whose_answer_was_lost_is_not_sent_twice(
    spacelift: FakeSpacelift, client: SpaceliftClient, make_client: ClientFactory, fault: str
) -> None:
    """An APPROVE is sent at most once (a second one could count as a second approval in a policy): Spacelift
    created it, then the answer was lost (or a 5xx came back); the job's retry on a restarted worker sends none."""
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    spacelift.review_fault(fault)
    publisher_for(client, review_runs=True).publish(stored_review(verdict="pass"))  # logged, not retried
    publisher_for(make_client(), review_runs=True).publish(stored_review(verdict="pass"))  # a republish, restarted
    assert len(spacelift.comments(STACK, "01RUN")) == 1
    assert [r["decision"] for r in spacelift.reviews(STACK, "01RUN")] == ["APPROVE"]


def test_i6_a_rejection_is_never_lost_to_a_failure_after_it(
    spacelift: FakeSpacelift, client: SpaceliftClient, make_client: ClientFactory
) -> None:
    """A REJECT is sent before the comment that records it: a comment that fails after the REJECT was sent leaves
    the retry to send the comment; a REJECT that failed is sent again by the retry."""
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    spacelift.fail_next("http500")  # the token exchange of the first attempt
    with pytest.raises(UpstreamError):
        publisher_for(client, review_runs=True).publish(stored_review(verdict="fail"))
    spacelift.comment_fault("fail_after_create")
    with pytest.raises(UpstreamError):
        publisher_for(make_client(), review_runs=True).publish(stored_review(verdict="fail"))
    publisher_for(make_client(), review_runs=True).publish(stored_review(verdict="fail"))
    assert len(spacelift.comments(STACK, "01RUN")) == 1
    assert [r["decision"] for r in spacelift.reviews(STACK, "01RUN")] == ["REJECT"]


def test_a_run_review_spacelift_refuses_for_good_still_leaves_the_comment(
    spacelift: FakeSpacelift, client: SpaceliftClient, caplog: pytest.LogCaptureFixture
) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    spacelift.review_fault("refused")  # the run moved past review between our read and the REJECT
    publisher_for(client, review_runs=True).publish(stored_review(verdict="fail"))
    assert len(spacelift.comments(STACK, "01RUN")) == 1
    assert spacelift.reviews(STACK, "01RUN") == []
    assert "REJECT not sent" in caplog.text


def test_run_review_is_off_by_default(spacelift: FakeSpacelift, client: SpaceliftClient, run: str) -> None:
    publisher_for(client).publish(stored_review())
    assert spacelift.reviews(STACK, run) == []


def test_reviews_of_other_sources_are_left_alone(spacelift: FakeSpacelift, client: SpaceliftClient, run: str) -> None:
    publisher = publisher_for(client)
    publisher.publish(stored_review(kind="github", stack_id=None))
    assert spacelift.requests == []
    with pytest.raises(InputError):
        publisher.publish(dataclasses.replace(stored_review(), report=None))


def test_canary_the_comment_and_logs_hold_no_secret(
    spacelift: FakeSpacelift, client: SpaceliftClient, run: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    publisher_for(client, review_runs=True).publish(stored_review())
    body = spacelift.comments(STACK, run)[0]["body"]
    jwts = {r.headers["authorization"][7:] for r in spacelift.requests if "authorization" in r.headers}
    for text in (body, caplog.text):
        assert spacelift.key_secret not in text
        assert all(jwt not in text for jwt in jwts)


def test_the_run_comment_links_the_review_page(spacelift: FakeSpacelift, client: SpaceliftClient, run: str) -> None:
    from tfreview.core.links import review_page_url

    publisher = SpaceliftPublisher(
        client,
        SpaceliftApiSettings(account="acme"),
        review_links=lambda review_id: review_page_url("https://tfreview.example.com/", review_id),
    )
    review = stored_review()
    publisher.publish(review)
    body = spacelift.comments(STACK, run)[0]["body"]
    assert body.rstrip().endswith(f"[Open the full review](https://tfreview.example.com/reviews/{review.id})")
    assert len(body) <= 65_536


def test_a_failed_review_becomes_one_run_comment_saying_why_and_how_to_retry(
    spacelift: FakeSpacelift, make_client: ClientFactory, run: str
) -> None:
    canary = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8"
    failed = dataclasses.replace(
        stored_review(),
        status=ReviewStatus.FAILED,
        report=None,
        verdict=None,
        status_reason=f"internal error: ValueError: bad answer token={canary}\nTraceback (most recent call last):",
    )
    publisher_for(make_client()).publish_failure(failed)
    publisher_for(make_client()).publish_failure(failed)  # a retry in a new process: found by its marker
    publisher_for(make_client()).publish_failure(dataclasses.replace(failed, status=ReviewStatus.COMPLETED))
    (comment,) = spacelift.comments(STACK, run)
    body = comment["body"]
    assert body.startswith("<!-- tfreview:spacelift-run fp=")
    for expected in (
        "tfreview could not review this change",
        "ValueError: bad answer",
        "POST /api/v1/reviews/r-1/retry",
    ):
        assert expected in body
    assert canary not in body
    assert "Traceback" not in body


def test_hostile_addresses_named_by_a_plan_mismatch_reach_the_run_comment_inert(
    spacelift: FakeSpacelift, client: SpaceliftClient, run: str
) -> None:
    """The cross-check note names addresses from Spacelift's changesV3 and from the upload (for_each keys anyone
    with a branch writes) in plain text, not in code spans: they must render as text in the run comment (and in
    the PR comment that combines it), no autolink (`www.…`), no issue reference (`GH-7`), no markup."""
    change_set = load_plan(PLAN.read_bytes(), path="plan.json")
    spacelifts = [PlannedChange(address=f'aws_s3_bucket.x["{HOSTILE}{FORGED_VERDICT}"]'), PlannedChange("see GH-7")]
    change_set = change_set.with_notes(cross_check_notes(change_set, spacelifts, f"{STACK}/{run}"))
    assert change_set.coverage.notes[-1].startswith(MISMATCH_NOTE)
    report = review_document(run_rules(change_set, load_rules(), Policy()))
    publisher_for(client).publish(stored_review(report, run_id=run))
    [comment] = spacelift.comments(STACK, run)
    assert MISMATCH_NOTE in comment["body"]
    assert markdown_leaks(str(comment["body"])) == []


def test_a_long_lived_publisher_remembers_a_bounded_number_of_runs_and_what_it_forgets_is_read_back(
    spacelift: FakeSpacelift, client: SpaceliftClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service publishes for runs without end: its memory of each run's latest comment is bounded and holds no lock
    once a publish is over; a run it forgot is not commented twice (its marker is read back from the run)."""
    from tfreview.integrations.spacelift import publisher as module

    monkeypatch.setattr(module, "_REMEMBERED_RUNS", 3)
    publisher = publisher_for(client)
    runs = [f"01RUN{n}" for n in range(6)]
    for run_id in runs:
        spacelift.add_run(STACK, run_id, state="UNCONFIRMED", type="TRACKED")
        publisher.publish(stored_review(run_id=run_id, review_id=f"r-{run_id}"))
    assert len(publisher._posted) == 3
    assert len(publisher._locks) == 0
    publisher.publish(stored_review(run_id=runs[0], review_id="r-again"))  # forgotten: read back, not posted again
    assert [len(spacelift.comments(STACK, run_id)) for run_id in runs] == [1] * 6


def test_recent_values_keeps_the_newest_written_keys() -> None:
    from tfreview.plumbing.recent_values import RecentValues

    recent: RecentValues[str, int] = RecentValues(2)
    recent.put("a", 1)
    recent.put("b", 2)
    recent.put("a", 3)  # written again: the newest
    recent.put("c", 4)
    assert (recent.get("a"), recent.get("b"), recent.get("c"), len(recent)) == (3, None, 4, 2)
    with pytest.raises(ValueError, match="at least 1"):
        RecentValues(0)
