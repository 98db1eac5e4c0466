"""Spacelift's `changesV3` of another shape than documented (a group that is not an object, `resources` that is not a
list, an entry without its address), from a GraphQL server on loopback. Such entries were skipped: the run looked as
if it changed fewer addresses, and the cross-check then told the reviewer the uploaded plan did not match the run
("may come from another run or commit") — a false alarm built on an answer it could not read. Now the call fails as
Spacelift's (UpstreamError naming changesV3), and the review says it was not cross-checked (ADR 0548)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from tests.fakes import hostile
from tests.fakes.hostile import HostileServer
from tfreview.core.errors import UpstreamError
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.crosscheck import MISMATCH_NOTE
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.plumbing.http import outbound_client
from tfreview.plumbing.secret_references import SecretSource

ENTRY = {"address": "aws_s3_bucket.logs", "previousAddress": "", "metadata": {"type": "RESOURCE"}}
MALFORMED = {
    "a group that is not an object": [5],
    "resources that are not a list": [{"resources": 5}],
    "an entry that is not an object": [{"resources": [ENTRY, "aws_iam_role.admin"]}],
    "an entry without its address": [{"resources": [ENTRY, {"previousAddress": "", "metadata": None}]}],
    "an address that is not a string": [{"resources": [ENTRY, {"address": 7}]}],
}


def graphql(changes: object) -> hostile.Behaviour:
    """A Spacelift that exchanges any API key for a token and answers every run with `changes` as its changesV3."""

    def behave(handler: hostile._Handler) -> None:
        query = json.loads(handler.last.body)["query"]
        if "apiKeyUser" in query:
            document: object = {"data": {"apiKeyUser": {"jwt": "eyJhbGciOi.e30.c2ln", "validUntil": 4_102_444_800}}}
        else:
            document = {"data": {"stack": {"run": {"changesV3": changes}}}}
        hostile.json_answer(200, document)(handler)

    return behave


@pytest.fixture
def serve() -> Iterator[Callable[[object], SpaceliftClient]]:
    servers: list[HostileServer] = []
    with outbound_client(timeout=5) as http:

        def client(changes: object) -> SpaceliftClient:
            server = HostileServer(graphql(changes)).__enter__()
            servers.append(server)
            settings = SpaceliftApiSettings(
                account="acme", api_url=f"{server.url}/graphql", api_key_id="01KEY", api_key_secret="env:KEY"
            )
            return SpaceliftClient(http, settings, secret=SecretSource.from_env("KEY", environ={"KEY": "secret"}))

        try:
            yield client
        finally:
            for server in servers:
                server.__exit__(None, None, None)


@pytest.mark.parametrize("changes", list(MALFORMED.values()), ids=list(MALFORMED))
def test_changes_of_another_shape_are_spacelifts_failure_not_fewer_changes(
    changes: object, serve: Callable[[object], SpaceliftClient]
) -> None:
    with pytest.raises(UpstreamError, match="changesV3") as failure:
        serve(changes).changes("network-prod", "01RUN")
    assert MISMATCH_NOTE not in str(failure.value)


@pytest.mark.parametrize(
    ("changes", "addresses"),
    [(None, []), ([], []), ([{"resources": []}], []), ([{"resources": [ENTRY]}], ["aws_s3_bucket.logs"])],
)
def test_documented_shapes_still_read(
    changes: object, addresses: list[str], serve: Callable[[object], SpaceliftClient]
) -> None:
    assert [change.address for change in serve(changes).changes("network-prod", "01RUN")] == addresses


def runs_page(handler: hostile._Handler) -> None:
    """A Spacelift whose `runs(before: …)` ignores `before`: the same page, whatever is asked."""
    query = json.loads(handler.last.body)["query"]
    if "apiKeyUser" in query:
        document: object = {"data": {"apiKeyUser": {"jwt": "eyJhbGciOi.e30.c2ln", "validUntil": 4_102_444_800}}}
    else:
        runs = [{"id": f"01RUN{n}", "state": "FINISHED", "createdAt": 4_000_000_000 - n} for n in range(2)]
        document = {"data": {"stack": {"id": "network-prod", "runs": runs}}}
    hostile.json_answer(200, document)(handler)


def test_a_runs_page_that_repeats_is_spacelifts_failure_not_fifty_copies() -> None:
    """Every run was listed 50 times (MAX_RUN_PAGES requests per stack and reconciler pass) when Spacelift answered
    the same page whatever `before` said."""
    with HostileServer(runs_page) as server, outbound_client(timeout=5) as http:
        settings = SpaceliftApiSettings(
            account="acme", api_url=f"{server.url}/graphql", api_key_id="01KEY", api_key_secret="env:KEY"
        )
        client = SpaceliftClient(http, settings, secret=SecretSource.from_env("KEY", environ={"KEY": "secret"}))
        with pytest.raises(UpstreamError, match="repeats runs already listed"):
            client.runs("network-prod", datetime(2020, 1, 1, tzinfo=UTC))
        assert len(server.requests) == 3  # the token, the first page, its repeat
