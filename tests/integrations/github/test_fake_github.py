"""The fake GitHub keeps GitHub's contract: every answer the client reads validates against the
schemas of GitHub's own OpenAPI description (`/work/shared/fixtures/github-openapi-subset.json`,
copied to `tests/data/github/`), and the behaviours tfreview depends on (JWT checks, 50
annotations, reviews outside the diff, lost responses, rate limits, redelivery) are GitHub's."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import jwt
import pytest
from jsonschema import Draft7Validator

from tests.fakes.github import FakeClock, FakeGitHub

DATA = Path(__file__).resolve().parents[2] / "data" / "github"
REPO = "octo/infra"


def _load_openapi() -> dict[str, Any]:
    return json.loads((DATA / "github-openapi-subset.json").read_text(encoding="utf-8"))


OPENAPI = _load_openapi()
UNRESOLVED = set(OPENAPI["info"].get("x-unresolved-refs", []))


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema: `nullable` becomes a null alternative; unresolved refs accept anything."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {} if node["$ref"] in UNRESOLVED else {"$ref": node["$ref"]}
    converted = {k: _to_json_schema(v) for k, v in node.items() if k not in ("nullable", "example", "examples")}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


ROOT = {"components": {"schemas": _to_json_schema(OPENAPI["components"]["schemas"])}}


def schema_for(method: str, template: str, status: int) -> dict[str, Any]:
    response = OPENAPI["paths"][template][method.lower()]["responses"][str(status)]
    if "$ref" in response:
        response = OPENAPI["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return {**ROOT, **_to_json_schema(response["content"]["application/json"]["schema"])}


def assert_valid(method: str, template: str, response: httpx.Response) -> None:
    schema = schema_for(method, template, response.status_code)
    errors = sorted(Draft7Validator(schema).iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{method} {template}: " + "; ".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:5])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def github(clock: FakeClock) -> Iterator[FakeGitHub]:
    with FakeGitHub(clock=clock) as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        fake.add_commit(
            REPO,
            "main",
            {"main.tf": 'resource "null_resource" "a" {\n  count = 1\n}\n', "modules/net/vpc.tf": "# vpc\n"},
        )
        fake.add_commit(REPO, "feature", {"main.tf": 'resource "null_resource" "a" {\n  count = 2\n}\n'}, base="main")
        fake.open_pull_request(REPO, head="feature")
        yield fake


def app_jwt(github: FakeGitHub, clock: FakeClock, **claims: Any) -> str:
    now = int(clock())
    values = {"iat": now - 60, "exp": now + 540, "iss": str(github.app_id), **claims}
    return jwt.encode(values, github.app_private_key_pem(), algorithm="RS256")


@pytest.fixture
def api(github: FakeGitHub, clock: FakeClock) -> Iterator[httpx.Client]:
    token = github.issue_token(42)
    with httpx.Client(base_url=github.api_url, headers={"Authorization": f"token {token}"}) as client:
        yield client


def test_every_answer_the_client_reads_matches_githubs_schema(
    github: FakeGitHub, clock: FakeClock, api: httpx.Client
) -> None:
    head = github.pull_request(REPO, 1).head_sha
    bearer = {"Authorization": f"Bearer {app_jwt(github, clock)}"}
    github.add_delivery("pull_request", {"action": "opened"}, status_code=500, installation_id=42, repository_id=1)
    checks = [
        ("GET", "/repos/{owner}/{repo}/pulls", api.get(f"/repos/{REPO}/pulls")),
        ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", api.get(f"/repos/{REPO}/pulls/1")),
        ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", api.get(f"/repos/{REPO}/pulls/1/files")),
        (
            "GET",
            "/repos/{owner}/{repo}/contents/{path}",
            api.get(f"/repos/{REPO}/contents/main.tf", params={"ref": head}),
        ),
        (
            "GET",
            "/repos/{owner}/{repo}/contents/{path}",
            api.get(f"/repos/{REPO}/contents/modules", params={"ref": "main"}),
        ),
        (
            "POST",
            "/repos/{owner}/{repo}/issues/{issue_number}/comments",
            api.post(f"/repos/{REPO}/issues/1/comments", json={"body": "hi"}),
        ),
        ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", api.get(f"/repos/{REPO}/issues/1/comments")),
        ("GET", "/installation/repositories", api.get("/installation/repositories")),
        ("GET", "/app/installations", api.get("/app/installations", headers=bearer)),
        (
            "POST",
            "/app/installations/{installation_id}/access_tokens",
            api.post("/app/installations/42/access_tokens", headers=bearer),
        ),
        ("GET", "/app/hook/deliveries", api.get("/app/hook/deliveries", headers=bearer)),
    ]
    comment_id = checks[5][2].json()["id"]
    checks.append(
        (
            "PATCH",
            "/repos/{owner}/{repo}/issues/comments/{comment_id}",
            api.patch(f"/repos/{REPO}/issues/comments/{comment_id}", json={"body": "edited"}),
        )
    )
    run = api.post(f"/repos/{REPO}/check-runs", json={"name": "tfreview", "head_sha": head, "status": "in_progress"})
    checks.append(("POST", "/repos/{owner}/{repo}/check-runs", run))
    output = {
        "title": "t",
        "summary": "s",
        "annotations": [
            {"path": "main.tf", "start_line": 2, "end_line": 2, "annotation_level": "warning", "message": "m"}
        ],
    }
    checks.append(
        (
            "PATCH",
            "/repos/{owner}/{repo}/check-runs/{check_run_id}",
            api.patch(f"/repos/{REPO}/check-runs/{run.json()['id']}", json={"conclusion": "success", "output": output}),
        )
    )
    review = {
        "commit_id": head,
        "body": "b",
        "event": "COMMENT",
        "comments": [{"path": "main.tf", "line": 2, "side": "RIGHT", "body": "c"}],
    }
    checks.append(
        (
            "POST",
            "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
            api.post(f"/repos/{REPO}/pulls/1/reviews", json=review),
        )
    )
    delivery_id = github.deliveries[0]["id"]
    checks.append(
        ("GET", "/app/hook/deliveries/{delivery_id}", api.get(f"/app/hook/deliveries/{delivery_id}", headers=bearer))
    )
    for method, template, response in checks:
        assert response.status_code < 300, (template, response.text)
        assert_valid(method, template, response)


def test_refusals_match_githubs_error_schemas(github: FakeGitHub, api: httpx.Client) -> None:
    head = github.pull_request(REPO, 1).head_sha
    outside = {
        "commit_id": head,
        "body": "b",
        "event": "COMMENT",
        "comments": [{"path": "main.tf", "line": 40, "side": "RIGHT", "body": "c"}],
    }
    refused = api.post(f"/repos/{REPO}/pulls/1/reviews", json=outside)
    assert refused.status_code == 422
    assert refused.json()["errors"] == ["Pull request review thread line must be part of the diff"]
    assert_valid("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", refused)
    too_long = api.post(f"/repos/{REPO}/issues/1/comments", json={"body": "x" * 65537})
    assert too_long.status_code == 422
    assert "too long" in too_long.json()["errors"][0]["message"]
    assert_valid("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", too_long)
    assert api.get(f"/repos/{REPO}/contents/nope.tf").status_code == 404
    assert api.get("/repos/other/repo/pulls/1").status_code == 404  # not in the installation
    assert not github.reviews(REPO, 1)
    assert not github.comments(REPO, 1)


def test_the_diff_and_the_changed_files_agree(github: FakeGitHub, api: httpx.Client) -> None:
    diff = api.get(f"/repos/{REPO}/pulls/1", headers={"Accept": "application/vnd.github.diff"})
    assert diff.headers["content-type"].startswith("text/plain")
    assert diff.text.startswith("diff --git a/main.tf b/main.tf\n")
    assert "-  count = 1\n+  count = 2" in diff.text
    (entry,) = api.get(f"/repos/{REPO}/pulls/1/files").json()
    assert (entry["filename"], entry["status"], entry["additions"], entry["deletions"]) == ("main.tf", "modified", 1, 1)
    assert entry["patch"] in diff.text


def test_access_tokens_need_a_valid_app_jwt(github: FakeGitHub, clock: FakeClock) -> None:
    with httpx.Client(base_url=github.api_url) as client:

        def status(token: str) -> int:
            return client.post(
                "/app/installations/42/access_tokens", headers={"Authorization": f"Bearer {token}"}
            ).status_code

        assert status(app_jwt(github, clock)) == 201
        assert status(app_jwt(github, clock, exp=int(clock()) + 3600)) == 401  # more than 10 minutes ahead
        assert status(app_jwt(github, clock, iss="999")) == 401
        assert status(app_jwt(github, clock, exp=int(clock()) - 1)) == 401  # expired
        foreign = jwt.encode(
            {"iat": int(clock()) - 60, "exp": int(clock()) + 500, "iss": "1001"},
            github.add_app_key(),
            algorithm="RS256",
        )
        assert status(foreign) == 201  # a second key, added for rotation, is accepted too
        revoked_pem = github.revoke_app_key(0)
        claims = {"iat": int(clock()) - 60, "exp": int(clock()) + 500, "iss": "1001"}
        assert status(jwt.encode(claims, revoked_pem, algorithm="RS256")) == 401
        assert status(github.issue_token(42)) == 403  # an installation token is not an app JWT
        assert (
            client.post(
                "/app/installations/7/access_tokens", headers={"Authorization": f"Bearer {foreign}"}
            ).status_code
            == 404
        )


def test_more_than_50_annotations_in_one_request_is_refused(github: FakeGitHub, api: httpx.Client) -> None:
    head = github.pull_request(REPO, 1).head_sha
    annotation = {"path": "main.tf", "start_line": 1, "end_line": 1, "annotation_level": "notice", "message": "m"}
    output = {"title": "t", "summary": "s", "annotations": [annotation] * 51}
    response = api.post(f"/repos/{REPO}/check-runs", json={"name": "tfreview", "head_sha": head, "output": output})
    assert response.status_code == 422
    assert not github.check_runs(REPO)


def test_a_lost_response_still_performs_the_write(github: FakeGitHub, api: httpx.Client) -> None:
    github.lose_next_response(path_contains="/comments", mode="502")
    assert api.post(f"/repos/{REPO}/issues/1/comments", json={"body": "one"}).status_code == 502
    github.lose_next_response(path_contains="/comments", mode="drop")
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(f"/repos/{REPO}/issues/1/comments", json={"body": "two"})
    assert [c["body"] for c in github.comments(REPO, 1)] == ["one", "two"]


def test_failure_modes(github: FakeGitHub, clock: FakeClock, api: httpx.Client) -> None:
    github.fail_next(503, method="POST")
    assert api.post(f"/repos/{REPO}/issues/1/comments", json={"body": "x"}).status_code == 503
    assert not github.comments(REPO, 1)
    github.secondary_limit(writes_per_minute=2, retry_after=60)
    statuses = [api.post(f"/repos/{REPO}/issues/1/comments", json={"body": str(i)}) for i in range(3)]
    assert [r.status_code for r in statuses] == [201, 201, 403]
    assert statuses[2].headers["retry-after"] == "60"
    clock.advance(60)
    assert api.post(f"/repos/{REPO}/issues/1/comments", json={"body": "later"}).status_code == 201
    github.primary_limit(1, reset_in_seconds=30)
    last = api.get(f"/repos/{REPO}/pulls/1")
    assert last.headers["x-ratelimit-remaining"] == "0"
    assert api.get(f"/repos/{REPO}/pulls/1").status_code == 403
    clock.advance(31)
    assert api.get(f"/repos/{REPO}/pulls/1").status_code == 200


def test_a_revoked_token_is_refused(github: FakeGitHub) -> None:
    token = github.issue_token(42)
    github.revoke_token(token)
    with httpx.Client(base_url=github.api_url) as client:
        assert client.get(f"/repos/{REPO}/pulls", headers={"Authorization": f"token {token}"}).status_code == 401


def test_a_missing_permission_is_403(clock: FakeClock) -> None:
    with FakeGitHub(clock=clock) as fake, httpx.Client(base_url=fake.api_url) as client:
        fake.add_installation(7, "octo", repos=[REPO], permissions={"contents": "read", "pull_requests": "read"})
        fake.add_commit(REPO, "main", {"a.tf": "x\n"})
        fake.add_commit(REPO, "b", {"a.tf": "y\n"})
        fake.open_pull_request(REPO, head="b")
        headers = {"Authorization": f"token {fake.issue_token(7)}"}
        response = client.post(f"/repos/{REPO}/issues/1/comments", json={"body": "x"}, headers=headers)
        assert response.status_code == 403
        assert response.json()["message"] == "Resource not accessible by integration"


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """quiet"""


def test_redelivery_posts_the_signed_payload_to_the_webhook(clock: FakeClock) -> None:
    _Receiver.received = []
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=receiver.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{receiver.server_address[1]}/webhooks/github"
        with FakeGitHub(clock=clock, webhook_url=url, webhook_secret="It's a Secret to Everybody") as fake:
            original = fake.add_delivery("pull_request", {"action": "opened", "number": 1}, status_code=502)
            with httpx.Client(base_url=fake.api_url) as client:
                bearer = {"Authorization": f"Bearer {app_jwt(fake, clock)}"}
                answer = client.post(f"/app/hook/deliveries/{original['id']}/attempts", headers=bearer)
                assert answer.status_code == 202
                assert answer.json() == {}
            ((headers, body),) = _Receiver.received
            assert headers["x-github-delivery"] == original["guid"]
            assert headers["x-github-event"] == "pull_request"
            expected = hmac.new(b"It's a Secret to Everybody", body, hashlib.sha256).hexdigest()
            assert headers["x-hub-signature-256"] == f"sha256={expected}"
            latest = fake.deliveries[-1]
            assert (latest["guid"], latest["redelivery"], latest["status"], latest["status_code"]) == (
                original["guid"],
                True,
                "OK",
                202,
            )
    finally:
        receiver.shutdown()
        receiver.server_close()
        thread.join(timeout=5)


def test_delivery_pages_follow_a_cursor(github: FakeGitHub, clock: FakeClock) -> None:
    for index in range(5):
        github.add_delivery("pull_request", {"action": "synchronize", "n": index})
    with httpx.Client(base_url=github.api_url) as client:
        bearer = {"Authorization": f"Bearer {app_jwt(github, clock)}"}
        first = client.get("/app/hook/deliveries", params={"per_page": 3}, headers=bearer)
        assert len(first.json()) == 3
        second = client.get(first.links["next"]["url"], headers=bearer)
        assert len(second.json()) == 2
        assert "next" not in second.links
        ids = [d["id"] for d in first.json() + second.json()]
        assert ids == sorted(ids, reverse=True)


def test_the_fake_closes_cleanly_while_a_request_hangs(clock: FakeClock) -> None:
    fake = FakeGitHub(clock=clock)
    fake.slow(30)
    result: list[BaseException] = []

    def call() -> None:
        try:
            with httpx.Client(timeout=5) as client:
                client.get(f"{fake.api_url}/app")
        except BaseException as error:
            result.append(error)

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.2)
    started = time.monotonic()
    fake.close()
    worker.join(timeout=10)
    assert time.monotonic() - started < 5
