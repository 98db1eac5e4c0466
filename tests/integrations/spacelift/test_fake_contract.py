"""The fake answers Spacelift's documented request documents with the documented shapes — and refuses
what the documented schema does not have, so the client's documents are pinned to the same shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.spacelift import FakeSpacelift
from tfreview.integrations.spacelift import documents

from .conftest import STACK

DATA = Path(__file__).parents[2] / "data" / "spacelift"


def post(fake: FakeSpacelift, http: httpx.Client, query: str, variables: dict[str, Any], jwt: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {jwt}"} if jwt else {}
    response = http.post(f"{fake.url}/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200
    return response.json()


def recorded(name: str) -> tuple[str, dict[str, Any]]:
    query = (DATA / f"{name}.graphql").read_text()
    variables = json.loads((DATA / f"{name}.variables.json").read_text())
    return query, variables


def token(fake: FakeSpacelift, http: httpx.Client) -> str:
    query, _ = recorded("api-key-user")
    answer = post(fake, http, query, {"apiKeyId": fake.key_id, "apiKeySecret": fake.key_secret})
    return str(answer["data"]["apiKeyUser"]["jwt"])


def test_the_recorded_api_key_document_gets_a_jwt(spacelift: FakeSpacelift, http: httpx.Client) -> None:
    query, variables = recorded("api-key-user")
    assert set(variables) == {"apiKeyId", "apiKeySecret"}
    answer = post(spacelift, http, query, {"apiKeyId": spacelift.key_id, "apiKeySecret": spacelift.key_secret})
    assert set(answer["data"]["apiKeyUser"]) == {"jwt"}  # exactly what the document selects
    assert answer["data"]["apiKeyUser"]["jwt"].startswith("eyJ")

    refused = post(spacelift, http, query, {"apiKeyId": spacelift.key_id, "apiKeySecret": "wrong"})
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_recorded_run_comment_document(spacelift: FakeSpacelift, http: httpx.Client) -> None:
    spacelift.add_run(STACK, "RUN_ID_HERE", state="UNCONFIRMED")
    query, variables = recorded("run-comment")
    variables["stack"] = STACK
    answer = post(spacelift, http, query, variables, token(spacelift, http))
    comment = answer["data"]["runComment"]
    assert set(comment) == {"body", "createdAt", "username"}
    assert comment["body"] == "This run looks good."
    assert isinstance(comment["createdAt"], int)
    assert spacelift.comments(STACK, "RUN_ID_HERE")[0]["body"] == "This run looks good."


def test_the_recorded_run_review_document(spacelift: FakeSpacelift, http: httpx.Client) -> None:
    spacelift.add_run(STACK, "RUN_ID_HERE", state="UNCONFIRMED")
    query, variables = recorded("run-review")
    variables["stack"] = STACK
    answer = post(spacelift, http, query, variables, token(spacelift, http))
    review = answer["data"]["runReview"]
    assert set(review) == {"id", "author", "decision", "note", "state", "timestamp"}
    assert review["decision"] == "APPROVE"
    assert review["note"] == "Approved"


@pytest.mark.parametrize("name", ["RUN", "RUN_CHANGES", "RUNS"])
def test_the_clients_queries_use_only_documented_fields(
    spacelift: FakeSpacelift, http: httpx.Client, name: str
) -> None:
    spacelift.add_run(STACK, "01RUN", state="FINISHED", type="PROPOSED", changes=["aws_s3_bucket.logs"])
    answer = post(spacelift, http, getattr(documents, name), {"stack": STACK, "run": "01RUN"}, token(spacelift, http))
    assert "errors" not in answer, answer
    assert answer["data"]["stack"] is not None


def test_our_api_key_document_adds_only_valid_until(spacelift: FakeSpacelift, http: httpx.Client) -> None:
    answer = post(
        spacelift, http, documents.API_KEY_USER, {"apiKeyId": spacelift.key_id, "apiKeySecret": spacelift.key_secret}
    )
    assert set(answer["data"]["apiKeyUser"]) == {"jwt", "validUntil"}


def test_an_undocumented_field_is_a_graphql_error(spacelift: FakeSpacelift, http: httpx.Client) -> None:
    spacelift.add_run(STACK, "01RUN", state="FINISHED")
    query = "query Q($stack: ID!, $run: ID!) { stack(id: $stack) { run(id: $run) { id pullRequest { number } } } }"
    answer = post(spacelift, http, query, {"stack": STACK, "run": "01RUN"}, token(spacelift, http))
    assert answer["errors"][0]["message"] == 'Cannot query field "pullRequest" on type "Run".'


def test_a_missing_required_variable_and_a_missing_token_are_errors(
    spacelift: FakeSpacelift, http: httpx.Client
) -> None:
    query, _ = recorded("run-comment")
    missing = post(spacelift, http, query, {"stack": STACK, "run": "x"}, token(spacelift, http))
    assert missing["errors"][0]["message"] == 'Variable "$body" of required type "String!" was not provided.'
    anonymous = post(spacelift, http, query, {"stack": STACK, "run": "x", "body": "hi"})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
