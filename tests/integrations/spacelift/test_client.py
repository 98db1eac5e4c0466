"""SpaceliftClient against the fake: the JWT cache, refresh, parsing, and the error classification."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.fakes.spacelift import FakeSpacelift
from tfreview.core.errors import ConfigError, InputError, NotFound, UpstreamError, UpstreamRateLimited
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.transport import RATE_LIMIT_DEFAULT_WAIT

from .conftest import STACK, ClientFactory, UnixClock


def test_one_token_exchange_serves_many_requests(spacelift: FakeSpacelift, client: SpaceliftClient) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    for _ in range(10):
        assert client.run(STACK, "01RUN").state == "UNCONFIRMED"
    assert spacelift.token_exchanges == 1
    assert client.token_exchanges == 1
    authorized = [r for r in spacelift.requests if r.operation == "TfreviewRun"]
    assert len(authorized) == 10
    assert all(r.headers["authorization"].startswith("Bearer eyJ") for r in authorized)
    exchange = next(r for r in spacelift.requests if r.operation == "GetSpaceliftToken")
    assert "authorization" not in exchange.headers


def test_the_token_is_refreshed_before_valid_until(
    spacelift: FakeSpacelift, client: SpaceliftClient, clock: UnixClock
) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    client.run(STACK, "01RUN")
    clock.advance(spacelift.token_ttl - 120)  # still valid, outside the 60 s margin
    client.run(STACK, "01RUN")
    assert spacelift.token_exchanges == 1
    clock.advance(90)  # inside the margin: refreshed before Spacelift would refuse it
    client.run(STACK, "01RUN")
    assert spacelift.token_exchanges == 2
    assert len([r for r in spacelift.requests if r.operation == "TfreviewRun"]) == 3  # none refused and re-sent


def test_a_token_shorter_lived_than_the_margin_is_reused_for_half_its_life(
    spacelift: FakeSpacelift, client: SpaceliftClient, clock: UnixClock
) -> None:
    """A JWT valid 30 s against the 60 s margin counted as expired when issued: every GraphQL call was preceded by an
    apiKeyUser exchange, twice the requests against Spacelift's rate limit. Now the margin is at most half the life
    the token was issued with."""
    spacelift.token_ttl = 30
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    for _ in range(3):
        assert client.run(STACK, "01RUN").state == "UNCONFIRMED"
    assert spacelift.token_exchanges == 1
    clock.advance(16)  # past half its life: refreshed before Spacelift would refuse it
    client.run(STACK, "01RUN")
    assert spacelift.token_exchanges == 2
    assert len([r for r in spacelift.requests if r.operation == "TfreviewRun"]) == 4  # none refused and re-sent


def test_a_rejected_token_is_refreshed_once(spacelift: FakeSpacelift, client: SpaceliftClient) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    client.run(STACK, "01RUN")
    spacelift.expire_tokens()  # revoked / expired early on Spacelift's side
    assert client.run(STACK, "01RUN").id == "01RUN"
    assert spacelift.token_exchanges == 2


def test_a_wrong_key_secret_is_a_config_error_that_names_no_secret(
    spacelift: FakeSpacelift, make_client: ClientFactory
) -> None:
    client = make_client(secret="sl-wrong-secret-0123456789abcdef")
    with pytest.raises(ConfigError) as raised:
        client.run(STACK, "01RUN")
    assert "refused API key" in str(raised.value)
    assert "sl-wrong-secret" not in str(raised.value)
    assert "env TEST_SPACELIFT_KEY_SECRET" in str(raised.value)


def test_run_metadata_is_parsed(spacelift: FakeSpacelift, client: SpaceliftClient) -> None:
    spacelift.add_run(STACK, "01RUN", state="FINISHED", type="PROPOSED", branch="feature/x", commit_sha="a" * 40)
    run = client.run(STACK, "01RUN")
    assert (run.stack_id, run.id, run.state, run.type) == (STACK, "01RUN", "FINISHED", "PROPOSED")
    assert run.proposed
    assert run.reviewable
    assert run.branch == "feature/x"
    assert run.commit_sha == "a" * 40
    assert run.repository == "acme/infra"
    assert run.provider == "GITHUB"
    assert run.pull_request is None  # no public document exposes it; it comes with the upload
    with pytest.raises(NotFound):
        client.run(STACK, "NOPE")
    with pytest.raises(NotFound):
        client.run("no-such-stack", "01RUN")


def test_changes_come_from_changes_v3(spacelift: FakeSpacelift, client: SpaceliftClient) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", changes=["aws_s3_bucket.a", "module.m.aws_iam_role.r"])
    changes = client.changes(STACK, "01RUN")
    assert [c.address for c in changes] == ["aws_s3_bucket.a", "module.m.aws_iam_role.r"]
    assert all(c.previous_address is None for c in changes)


def test_runs_since_pages_with_before(spacelift: FakeSpacelift, client: SpaceliftClient, clock: UnixClock) -> None:
    start = int(clock())
    for n in range(25):
        spacelift.add_run(STACK, f"R{n:02d}", state="FINISHED", created_at=start + n * 60)
    since = clock.now()
    clock.advance(30 * 60)
    runs = client.runs(STACK, since)
    assert [r.id for r in runs] == [f"R{n:02d}" for n in range(24, -1, -1)]  # newest first, 3 pages
    recent = client.runs(STACK, since + timedelta(seconds=20 * 60))
    assert [r.id for r in recent] == ["R24", "R23", "R22", "R21", "R20"]


def test_comment_and_review(spacelift: FakeSpacelift, client: SpaceliftClient) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    comment = client.run_comment(STACK, "01RUN", "**hello**")
    assert comment.body == "**hello**"
    assert comment.username == spacelift.username
    review = client.run_review(STACK, "01RUN", "REJECT", "tfreview: fail")
    assert review.decision == "REJECT"
    assert spacelift.reviews(STACK, "01RUN")[0]["note"] == "tfreview: fail"
    with pytest.raises(InputError):
        client.run_review(STACK, "01RUN", "MAYBE")


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("http500", UpstreamError),
        ("graphql_error", UpstreamError),
        ("drop", UpstreamError),
        # review19a: a RecursionError out of the client, the worker's "internal error", not an answer that is not JSON
        ("nested", UpstreamError),
    ],
)
def test_upstream_failures_are_retriable(
    spacelift: FakeSpacelift, client: SpaceliftClient, mode: str, error: type[Exception]
) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    client.run(STACK, "01RUN")
    spacelift.fail_next(mode)
    with pytest.raises(error):
        client.run(STACK, "01RUN")
    assert client.run(STACK, "01RUN").id == "01RUN"


def test_a_rate_limit_said_in_a_graphql_error_is_waited_out_not_failed(
    spacelift: FakeSpacelift, client: SpaceliftClient
) -> None:
    """HTTP 200 with `errors: [{extensions: {code: RATE_LIMITED}}]`: a wait (no attempt spent), as a 429 is — not a
    failure retried five times within seconds and then dead with the run never commented."""
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    client.run(STACK, "01RUN")
    spacelift.fail_next("graphql_rate_limited")
    with pytest.raises(UpstreamRateLimited) as raised:
        client.run_comment(STACK, "01RUN", "hi")
    assert raised.value.retry_after_seconds == RATE_LIMIT_DEFAULT_WAIT
    assert raised.value.upstream == "Spacelift"
    assert spacelift.comments(STACK, "01RUN") == []


def test_a_bad_request_is_permanent(spacelift: FakeSpacelift, client: SpaceliftClient) -> None:
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    with pytest.raises(InputError, match="CommentRun: run not found"):
        client.run_comment(STACK, "NOPE", "hi")  # run not found on a mutation: Spacelift says so in `errors`


def test_canary_neither_the_key_secret_nor_the_jwt_is_logged_or_shown(
    spacelift: FakeSpacelift, client: SpaceliftClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    messages: list[str] = []
    client.run(STACK, "01RUN")
    spacelift.expire_tokens()
    client.run_comment(STACK, "01RUN", "hello")
    for mode in ("http500", "graphql_error", "drop"):
        spacelift.fail_next(mode)
        with pytest.raises(UpstreamError) as raised:
            client.run(STACK, "01RUN")
        messages.append(str(raised.value))
    jwts = [
        r.headers["authorization"].removeprefix("Bearer ") for r in spacelift.requests if "authorization" in r.headers
    ]
    assert jwts
    text = caplog.text + "\n".join(messages) + repr(client)
    assert spacelift.key_secret not in text
    assert spacelift.key_secret[-12:] not in text
    for jwt in set(jwts):
        assert jwt not in text
        assert jwt.split(".")[2] not in text


@pytest.mark.parametrize("stamp", [float("inf"), float("-inf"), float("nan")])
def test_a_created_at_that_is_no_number_of_seconds_reads_as_absent(
    spacelift: FakeSpacelift, client: SpaceliftClient, clock: UnixClock, stamp: float
) -> None:
    """review19a: Python's JSON reader takes `Infinity`, `-Infinity`, `NaN` (and `1e400`, read as infinity); a run or
    comment whose `createdAt` said one of them made `int()` raise OverflowError or ValueError out of the client — an
    "internal error" retried to its last attempt, not an upstream answer read. Such a time is no time: absent."""
    run = spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED", created_at=stamp)
    run.comments.append({"body": "hello", "createdAt": stamp, "username": "someone"})
    read = client.run(STACK, "01RUN")
    assert read.created_at is None
    assert [(c.body, c.created_at) for c in read.comments] == [("hello", 0)]
    assert [r.id for r in client.runs(STACK, clock.now())] == ["01RUN"]


@pytest.mark.parametrize("said", [float("nan"), float("inf"), float("-inf")])
def test_a_valid_until_that_is_no_number_of_seconds_reads_as_absent(
    spacelift: FakeSpacelift, client: SpaceliftClient, said: float
) -> None:
    """review19a: `"validUntil": NaN` made every later call exchange the API key again (no instant is before NaN), and
    `-Infinity` too: twice the requests against Spacelift's rate limit. Such an expiry is no expiry: the token is kept
    as one without `validUntil` is (two margins), and refreshed when Spacelift refuses it."""
    spacelift.said_valid_until = said
    spacelift.add_run(STACK, "01RUN", state="UNCONFIRMED")
    for _ in range(3):
        assert client.run(STACK, "01RUN").state == "UNCONFIRMED"
    assert spacelift.token_exchanges == 1
