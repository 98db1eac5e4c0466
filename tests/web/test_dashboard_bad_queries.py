"""A page's address or form with a value its route refuses (too long, not a number, not a boolean) is answered
with the dashboard's own error page, its headers and its words — not the API's JSON problem.

Found from the outside: a resource address longer than 200 characters pasted into the reviews search box (a
module path can be that long; the box had no `maxlength`) answered `application/problem+json` to the browser,
as did `/ops/incidents/abc` and `/reviews/<id>?all=maybe`."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.web.asgi_client import TestClient
from tests.web.conftest import TENANT_A, Web
from tests.web.dashboard_helpers import browser, sign_in, stored_review
from tfreview.ports.records import Scope
from tfreview.web.dashboard.pages import SECURITY_HEADERS


@pytest.fixture
def client(web: Web) -> Iterator[TestClient]:
    with browser(web.client) as client:
        yield client


def test_a_search_longer_than_the_box_allows_is_an_error_page(web: Web, client: TestClient) -> None:
    sign_in(client, web.services, TENANT_A, Scope.READ)
    answer = client.get("/reviews", params={"q": "module.a." * 30})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value
    assert "q: at most 200 characters" in answer.text
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(
    ("path", "scope", "words"),
    [
        ("/reviews/{id}?all=maybe", Scope.READ, "all: yes or no (true or false)"),
        ("/reviews?cursor=" + "c" * 600, Scope.READ, "cursor: at most 512 characters"),
        ("/ops/incidents/abc", Scope.ADMIN, "incident_id: a whole number"),
        ("/ops/jobs?state=" + "s" * 40, Scope.ADMIN, "state: at most 16 characters"),
    ],
)
def test_a_page_address_its_route_refuses_is_an_error_page(
    web: Web, client: TestClient, path: str, scope: Scope, words: str
) -> None:
    sign_in(client, web.services, TENANT_A, scope)
    review = stored_review(web.services, TENANT_A)
    answer = client.get(path.replace("{id}", review.id))
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    assert words in answer.text


def test_a_signed_out_visitor_gets_the_error_page_and_nobody_s_data(client: TestClient) -> None:
    answer = client.get("/reviews", params={"q": "x" * 300}, follow_redirects=False)
    assert answer.status_code == 400  # the address is refused; no data of anyone is on the page
    assert "Sign out" not in answer.text


def test_the_api_still_answers_its_json_problem(web: Web) -> None:
    answer = web.client.get("/api/v1/reviews", params={"finding": "x" * 201}, headers=web.token(TENANT_A, Scope.READ))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_search_box_and_the_filters_say_how_long_they_may_be(web: Web, client: TestClient) -> None:
    sign_in(client, web.services, TENANT_A, Scope.READ)
    page = client.get("/reviews").text
    for name in ("q", "repository", "stack_id"):
        field = re.search(rf'<input id="[^"]+" name="{name}"[^>]*>', page)
        assert field is not None, name
        assert 'maxlength="200"' in field.group(0), field.group(0)
