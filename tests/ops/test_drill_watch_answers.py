"""A drill's `--url` watch (`ApiIncidents`) against a service on loopback that answers 200 with no incident list.

`[[[[…` past the standard library reader's depth was a RecursionError out of the drill (exit 3, a traceback), an
HTML page a JSONDecodeError, `[]` or `{}` a TypeError or KeyError: each is now one UpstreamError naming the path
(ADR 0680)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.hostile import HostileServer, answer
from tfreview.core.errors import UpstreamError
from tfreview.ops_cli.drill_watch import ApiIncidents

TOKEN = "tfr_drill-canary-0680"


@pytest.fixture
def incidents(request: pytest.FixtureRequest) -> Iterator[ApiIncidents]:
    with HostileServer(answer(200, request.param)) as service, httpx.Client(base_url=service.url, timeout=30) as http:
        yield ApiIncidents(http, TOKEN)


@pytest.mark.parametrize(
    ("incidents", "reason"),
    [
        (b"[" * 100_000, "answered 200 with a body that is not JSON: nested deeper than the reader goes"),
        (b"<html>sign in</html>", "answered 200 with a body that is not JSON: Expecting value"),
        (b"\xff\xfe\xfa", "answered 200 with a body that is not JSON"),
        (b"[]", "answered 200 without a list of objects in 'items'"),
        (b'{"items": {"id": 1}}', "answered 200 without a list of objects in 'items'"),
        (b'{"items": [1]}', "answered 200 without a list of objects in 'items'"),
    ],
    indirect=["incidents"],
    ids=["nested", "html", "not-utf8", "list", "object", "numbers"],
)
def test_an_incident_list_that_is_not_one_is_an_upstream_error(incidents: ApiIncidents, reason: str) -> None:
    with pytest.raises(UpstreamError) as caught:
        incidents.recent()
    assert str(caught.value).startswith(f"/api/v1/incidents {reason}"), str(caught.value)
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("incidents", [b'{"items": [{"id": 1}], "next_cursor": null}'], indirect=True)
def test_an_incident_list_is_read(incidents: ApiIncidents) -> None:
    assert incidents.recent() == [{"id": 1}]


@pytest.mark.parametrize("incidents", [b'{"id": 4, "timeline": [{"kind": "opened"}]}'], indirect=True)
def test_a_timeline_is_read(incidents: ApiIncidents) -> None:
    assert incidents.timeline(4) == [{"kind": "opened"}]


@pytest.mark.parametrize("incidents", [b"[" * 100_000], indirect=True)
def test_a_nested_timeline_is_an_upstream_error(incidents: ApiIncidents) -> None:
    with pytest.raises(UpstreamError, match=r"^/api/v1/incidents/4 answered 200 with a body that is not JSON: nested"):
        incidents.timeline(4)
