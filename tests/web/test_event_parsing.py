"""W13 (short): the parse/normalise functions raise InputError and nothing else, whatever the body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web import deliveries
from tfreview.core.errors import InputError
from tfreview.web import github_events, spacelift_events

_scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=30)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
_KEYS = [
    "action",
    "pull_request",
    "number",
    "head",
    "sha",
    "repository",
    "full_name",
    "owner",
    "login",
    "installation",
    "id",
    "draft",
    "base",
    "ref",
    "account",
    "state",
    "stateVersion",
    "timestamp",
    "run",
    "stack",
    "run_updated",
    "updated_at",
    "commit",
    "hash",
    "name",
    "internal_error",
    "error",
    "title",
]


def _mutate(document: Any, path: list[str], value: Any) -> Any:
    """Replace (or add) the value at a path of keys, creating objects on the way; non-objects are replaced."""
    if not path:
        return value
    node = dict(document) if isinstance(document, dict) else {}
    node[path[0]] = _mutate(node.get(path[0]), path[1:], value)
    return node


_bases = st.sampled_from(
    [
        deliveries.fixture_json("github.pull_request.opened.payload.json"),
        deliveries.fixture_json("github.installation.created.payload.json"),
        deliveries.fixture_json("spacelift.run-finished-tracked.json"),
        deliveries.fixture_json("spacelift.internal-error.json"),
        deliveries.policy_input("UNCONFIRMED", 1_596_979_684 * 10**9),
    ]
)
_mutated = st.builds(_mutate, _bases, st.lists(st.sampled_from(_KEYS), min_size=1, max_size=4), _json)
_bodies = (
    st.binary(max_size=200)
    | _json.map(lambda d: json.dumps(d).encode())
    | _mutated.map(lambda d: json.dumps(d).encode())
    | _mutated.map(lambda d: json.dumps(d).encode()[: len(json.dumps(d)) // 2])
)
_events = st.sampled_from(["pull_request", "installation", "installation_repositories", "ping", "push"]) | st.text(
    max_size=20
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_events, _bodies, st.booleans())
def test_w13_github_normalise_raises_only_input_error(event: str, body: bytes, drafts: bool) -> None:
    try:
        github_events.normalise(event, body, review_drafts=drafts)
    except InputError as exc:
        _one_line(exc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bodies)
def test_w13_spacelift_normalise_raises_only_input_error(body: bytes) -> None:
    try:
        event = spacelift_events.normalise(body)
    except InputError as exc:
        _one_line(exc)
    else:
        assert event.dedupe_key
        assert event.tenant.id.startswith("spacelift:")


def _one_line(error: InputError) -> None:
    message = str(error)
    assert message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "not valid JSON"),
        (b"[1]", "not an object"),
        (b'{"action": "opened", "pull_request": {}}', "repository"),
        (b"", "empty"),
    ],
)
def test_github_messages_name_the_problem(body: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        github_events.normalise("pull_request", body, review_drafts=False)


def test_spacelift_default_and_policy_input_shapes_agree() -> None:
    default = spacelift_events.normalise(deliveries.fixture_bytes("spacelift.run-finished-tracked.json"))
    assert default.dedupe_key == "spacelift-io:01EF9PFPNFFM2MQXTJKHK1B869:FINISHED:4"  # the tenant is part of it
    assert default.tenant.id == "spacelift:spacelift-io"
    assert default.job().key == "spacelift_run:spacelift:spacelift-io:spacelift-demo:01EF9PFPNFFM2MQXTJKHK1B869"
    assert default.reviewable
    custom = spacelift_events.normalise(json.dumps(deliveries.policy_input("UNCONFIRMED", 5 * 10**18)).encode())
    assert custom.state == "UNCONFIRMED"
    assert custom.state_version == 5 * 10**18
    assert custom.timestamp == 5 * 10**9
    assert custom.stack_id == "spacelift-demo"
    assert custom.tenant.id == "spacelift:spacelift-io"
    error = spacelift_events.normalise(deliveries.fixture_bytes("spacelift.internal-error.json"))
    assert error.kind is spacelift_events.Kind.INTERNAL_ERROR
    assert not error.reviewable
