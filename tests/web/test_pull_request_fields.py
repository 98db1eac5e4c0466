"""The lean read of a pull_request delivery (ADR 0622) answers as the full parse does, body for body."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web import deliveries
from tests.web.test_event_parsing import _bodies
from tfreview.core.errors import InputError
from tfreview.web import github_events, pull_request_fields
from tfreview.web.github_events import GitHubEvent
from tfreview.web.payloads import opt_text, parse_object

_RECORDED = deliveries.fixture_bytes("github.pull_request.opened.payload.json")


def _full(body: bytes, drafts: bool) -> GitHubEvent:
    """normalise("pull_request", …) as it was: the whole body parsed by orjson, then the same field readers."""
    document = parse_object(body, "webhook")
    action = opt_text(document, "action", "payload", github_events._ACTION)
    event = f"pull_request.{action}" if action else "pull_request"
    return github_events._pull_request(document, event, action, review_drafts=drafts)


def _outcome(read: Callable[[bytes, bool], GitHubEvent], body: bytes, drafts: bool) -> object:
    try:
        return read(body, drafts)
    except InputError as error:
        return ("InputError", str(error))


def _lean(body: bytes, drafts: bool) -> GitHubEvent:
    return github_events.normalise("pull_request", body, review_drafts=drafts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bodies, st.booleans())
def test_the_lean_read_answers_as_the_full_parse(body: bytes, drafts: bool) -> None:
    assert _outcome(_lean, body, drafts) == _outcome(_full, body, drafts)


def _with(path: list[str], value: object) -> bytes:
    document = json.loads(_RECORDED)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "body",
    [
        _RECORDED,
        _with(["pull_request", "number"], 2.0),  # a float among the values read: the full parse decides
        _with(["pull_request", "head"], "main"),  # an object expected: the full parse's message
        _with(["pull_request", "head"], None),
        _with(["repository", "owner"], [1]),
        _with(["installation"], None),
        _with(["pull_request", "draft"], "yes"),
        _with(["action"], None),
        _with(["pull_request", "number"], 2**64),
        _RECORDED.replace(b'"Codertocat"', b'"Coder\xfftocat"', 1),  # not UTF-8 in a string the read skips
        _RECORDED.replace(b'"site_admin": false', b'"site_admin": fals', 1),  # not JSON where the read skips
        _RECORDED.replace(b'"site_admin": false', b'"site_admin": "\\q"', 1),
        b'{"action": "opened", "action": "closed"}' + _RECORDED[1:],  # a repeated key: the last one, as orjson
        b"[" + _RECORDED + b"]",
        b"",
        b"   ",
    ],
)
def test_edge_bodies_answer_as_the_full_parse(body: bytes) -> None:
    for drafts in (False, True):
        assert _outcome(_lean, body, drafts) == _outcome(_full, body, drafts)


def test_the_read_makes_only_the_fields_the_intake_reads() -> None:
    assert pull_request_fields.read(_RECORDED) == {
        "action": "opened",
        "pull_request": {
            "number": 2,
            "draft": False,
            "head": {"sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821", "ref": "changes"},
            "base": {"sha": "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", "ref": "master"},
        },
        "repository": {"full_name": "Codertocat/Hello-World", "owner": {"login": "Codertocat"}},
        "installation": {"id": 1},
    }


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        _RECORDED.replace(b'"Codertocat"', b'"Coder\xfftocat"', 1),
        _with(["pull_request", "head"], "main"),
        _with(["pull_request", "number"], 2.5),
    ],
)
def test_whatever_the_read_cannot_vouch_for_goes_to_the_full_parse(body: bytes) -> None:
    assert pull_request_fields.read(body) is None


def test_the_one_difference_a_number_out_of_float_range_where_the_read_skips() -> None:
    """orjson refuses `1e400` anywhere; the lean read checks the syntax of what it skips, not the range of its
    numbers. Pinned so that a change of either is seen (ADR 0622)."""
    body = _RECORDED.replace(b'"id": 21031067', b'"id": 1e400', 1)
    assert body != _RECORDED
    with pytest.raises(InputError, match="not valid JSON"):
        _full(body, False)
    assert _lean(body, False) == _lean(_RECORDED, False)


# review18a: the lean read attacked at the byte level, where two parsers differ (duplicate keys, escaped key names,
# surrogates, control characters, invalid UTF-8, numbers out of range, depth, BOM, trailing bytes, a non-object).
_NUMBER = b'"number": 2'
_SHA = b'"sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821"'
_FRAGMENTS = st.sampled_from(
    [
        b'"action": "closed"',
        b'"action": "synchronize"',
        b'"act\\u0069on": "closed"',
        b'"\\u0061ction": null',
        b'"action": "\\ud800"',
        b'"action": "op\\u0000ened"',
        b'"action": "op\x00ened"',
        b'"action": "\xff"',
        b'"pull_request": {"number": 9, "head": {"sha": "' + b"a" * 40 + b'"}, "base": {}}',
        b'"pull_request": null',
        b'"pull_request": {}',
        b'"pull_\\u0072equest": {"number": 8, "head": {"sha": "' + b"b" * 40 + b'"}, "base": {}}',
        b'"repository": {"full_name": "evil/repo", "owner": {"login": "evil"}}',
        b'"repository": {"full_name": "evil/repo", "full_name": "Codertocat/Hello-World", "owner": {"login": "e"}}',
        b'"installation": {"id": 99}',
        b'"installation": {"id": 99, "id": 1}',
        b'"installation": {"id": -0}',
        b'"installation": {"id": 9223372036854775808}',
        b'"installation": {"id": 123456789012345678901234567890}',
        b'"installation": {"id": 1e2}',
        b'"installation": {"id": 1.0}',
        b'"installation": null',
        b'"x": "\\udc00"',
        b'"x": "\\ud83d\\ude00"',
        b'"x": "a\tb"',
        b'"x": "\xed\xa0\x80"',
        b'"x": "\xc0\xaf"',
        b'"x": ' + b"[" * 1030 + b"]" * 1030,
        b'"x": ' + b"[" * 500 + b"]" * 500,
        b'"x": -0',
        b'"x": 1e-400',
        b'"x": 123456789012345678901234567890',
        b'"x": NaN',
        b'"x": [1,]',
        b'"x": 01',
    ]
)
_SPLICES = st.lists(st.tuples(st.sampled_from(["start", "end", "pull", "head"]), _FRAGMENTS), min_size=1, max_size=4)
_WRAPS = st.sampled_from([b"", b"\xef\xbb\xbf", b" \r\n\t", b"\x00", b"\x0c"])


def _spliced(splices: list[tuple[str, bytes]], before: bytes, after: bytes) -> bytes:
    body = _RECORDED.strip()
    for where, fragment in splices:
        if where == "start":
            body = b"{" + fragment + b"," + body[1:]
        elif where == "end":
            body = body[:-1] + b"," + fragment + b"}"
        elif where == "pull":  # inside pull_request, before its number (a repeated key takes the last one)
            body = body.replace(_NUMBER, fragment + b", " + _NUMBER, 1)
        else:  # inside the head, after its sha
            body = body.replace(_SHA, _SHA + b", " + fragment, 1)
    return before + body + after


def _out_of_float_range(body: bytes) -> bool:
    """The one pinned difference (ADR 0622; test above): orjson refuses a number out of float range anywhere."""
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError as error:
        return "infinity" in str(error)
    return False


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SPLICES, _WRAPS, _WRAPS, st.booleans())
def test_hostile_bytes_spliced_into_a_real_delivery_answer_as_the_full_parse(
    splices: list[tuple[str, bytes]], before: bytes, after: bytes, drafts: bool
) -> None:
    """Which action, pull request, head, repository and installation the intake acts on — or the refusal and its
    message — is what the full parse reads, for every splice of the fragments above."""
    body = _spliced(splices, before, after)
    if _out_of_float_range(body):
        return  # pinned by test_the_one_difference_a_number_out_of_float_range_where_the_read_skips
    assert _outcome(_lean, body, drafts) == _outcome(_full, body, drafts)


@pytest.mark.parametrize(
    ("fragment", "where"),
    [
        (b'"pull_request": {"number": 9, "head": {"sha": "' + b"a" * 40 + b'"}, "base": {}}', "end"),
        (b'"installation": {"id": 99, "id": 7}', "end"),
        (b'"act\\u0069on": "closed"', "end"),
        (b'"repository": {"full_name": "evil/repo", "owner": {"login": "evil"}}', "end"),
    ],
)
def test_a_repeated_key_is_read_as_the_last_one_by_both(fragment: bytes, where: str) -> None:
    """Positive: the delivery's own values are replaced by the repeated key's, in the lean read as in orjson."""
    body = _spliced([(where, fragment)], b"", b"")
    lean, full = _lean(body, False), _full(body, False)
    assert lean == full
    assert lean != _lean(_RECORDED, False)


@pytest.mark.parametrize("limit", [1000, 1024, 1025, 20_000])
@pytest.mark.parametrize("depth", [1022, 1023, 1024, 1030, 3000])
def test_a_body_nested_deeper_than_orjson_allows_is_refused_at_any_recursion_limit(limit: int, depth: int) -> None:
    """orjson refuses a document nested more than 1,024 levels; msgspec is bound only by the recursion limit, which
    hypothesis (and any process) may raise: the lean read then accepted, where the read skips, what orjson refuses
    (review18a)."""
    body = b'{"x": ' + b"[" * depth + b"]" * depth + b"," + _RECORDED.strip()[1:]
    was = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        lean = _outcome(_lean, body, False)
    finally:
        sys.setrecursionlimit(was)
    assert lean == _outcome(_full, body, False)
    if depth >= 1024:
        assert lean == ("InputError", "the webhook body is not valid JSON (line 1, column 1031)")
    else:
        assert lean == _lean(_RECORDED, False)
