"""/api/v1: reviews (filters, pagination, retry), admin routes (A8), tenant isolation (A7), OpenAPI."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web import deliveries
from tests.web.conftest import TENANT_A, TENANT_B, Web
from tests.web.dashboard_helpers import DEMO_PLAN
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.inputs import load_change_set
from tfreview.ports.jobs import JobState, NewJob
from tfreview.ports.records import Principal, ReviewStatus, Scope, SourceInfo
from tfreview.ports.review_codec import encode
from tfreview.ports.service import Authenticator
from tfreview.rules import load_rules
from tfreview.web.models import ReviewDetail


class WithOperator:
    """The real authenticator, plus one operator credential (an admin across tenants, as OIDC gives)."""

    def __init__(self, inner: Authenticator) -> None:
        self.inner = inner

    def authenticate(self, authorization: str | None) -> Principal:
        if authorization == "Bearer operator-for-tests":
            return Principal(subject="operator", tenant_id=None, scope=Scope.ADMIN, kind="oidc")
        return self.inner.authenticate(authorization)


OPERATOR = {"Authorization": "Bearer operator-for-tests"}


def _review(web: Web, tenant: str, **source: Any) -> str:
    return web.services.reviews.create(tenant, SourceInfo(**{"kind": "api", **source})).id


def _dead_job(web: Web, tenant: str, key: str) -> int:
    job, _ = web.services.queue.enqueue(NewJob(kind="review", tenant_id=tenant, idempotency_key=key))
    claimed = web.services.queue.claim("w1")
    assert claimed is not None
    assert claimed.id == job.id
    web.services.queue.fail(job.id, claimed.attempt_token or "", "boom", permanent=True)
    return job.id


def test_reviews_need_a_credential(web: Web) -> None:
    answer = web.client.get("/api/v1/reviews")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert web.client.get("/api/v1/reviews", headers={"Authorization": "Bearer tfr_nope"}).status_code == 401


def test_list_filters_and_paginates(web: Web) -> None:
    for n in range(5):
        _review(web, TENANT_A, repository="o/r", pull_request=n + 1)
        web.clock.at += timedelta(seconds=1)
    _review(web, TENANT_A, kind="spacelift", stack_id="s1")
    _review(web, TENANT_B, repository="o/r")
    auth = web.token(TENANT_A, Scope.READ)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"repository": "o/r", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = web.client.get("/api/v1/reviews", params=params, headers=auth).json()
        seen += [item["id"] for item in page["items"]]
        assert all(item["tenant_id"] == TENANT_A for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    spacelift = web.client.get("/api/v1/reviews", params={"source": "spacelift"}, headers=auth).json()
    assert [i["source"]["stack_id"] for i in spacelift["items"]] == ["s1"]
    queued = web.client.get("/api/v1/reviews", params={"status": "queued", "verdict": "fail"}, headers=auth).json()
    assert queued["items"] == []
    since = (web.clock.at - timedelta(seconds=2)).isoformat()
    recent = web.client.get("/api/v1/reviews", params={"since": since}, headers=auth).json()
    assert 1 <= len(recent["items"]) < 6


@pytest.mark.parametrize(
    "params", [{"status": "nope"}, {"limit": 0}, {"since": "yesterday"}, {"verdict": "maybe"}, {"cursor": "garbage!"}]
)
def test_bad_list_parameters_are_422_problems(web: Web, params: dict[str, Any]) -> None:
    answer = web.client.get("/api/v1/reviews", params=params, headers=web.token(TENANT_A, Scope.READ))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 422


def test_one_review_includes_its_report(web: Web) -> None:
    review_id = _review(web, TENANT_A, repository="o/r")
    web.services.reviews.save_result(review_id, ReviewStatus.COMPLETED, {"verdict": "pass", "findings": []}, "pass", {})
    answer = web.client.get(f"/api/v1/reviews/{review_id}", headers=web.token(TENANT_A, Scope.READ))
    assert answer.status_code == 200
    body = answer.json()
    assert body["report"] == {"verdict": "pass", "findings": []}
    assert body["verdict"] == "pass"
    assert body["content_hash"]


def test_a_review_this_release_cannot_read_is_a_409_problem_not_invalid_input(web: Web) -> None:
    # The request is valid; the stored document is not readable here (a newer release wrote it): the same
    # 409 the dashboard's download answers (ADR 0250), never 422 "invalid input" nor a traceback.
    review_id = _review(web, TENANT_A, repository="o/r")
    web.services.reviews.save_result(review_id, ReviewStatus.COMPLETED, {"v": 7, "review": {}}, "pass", {})
    answer = web.client.get(f"/api/v1/reviews/{review_id}", headers=web.token(TENANT_A, Scope.READ))
    assert answer.status_code == 409
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert "codec version 7" in problem["detail"]
    assert "written by a newer release" in problem["detail"]
    assert "Traceback" not in answer.text


def _encoded_demo_review() -> tuple[dict[str, Any], str]:
    result = review(load_change_set(str(DEMO_PLAN)), load_rules(), Policy())
    return encode(result), result.verdict.value


def test_a_report_is_rendered_once_and_answered_as_the_model_renders_it(web: Web) -> None:
    review_id = _review(web, TENANT_A, repository="o/r")
    document, verdict = _encoded_demo_review()
    web.services.reviews.save_result(review_id, ReviewStatus.COMPLETED, document, verdict, {})
    reader = web.token(TENANT_A, Scope.READ)
    first = web.client.get(f"/api/v1/reviews/{review_id}", headers=reader)
    second = web.client.get(f"/api/v1/reviews/{review_id}", headers=reader)
    assert first.status_code == second.status_code == 200
    assert first.headers["content-type"] == "application/json"
    stored = web.services.reviews.get(review_id)
    assert stored is not None
    assert first.content == second.content == ReviewDetail.of(stored).model_dump_json().encode()
    assert first.json()["report"]["findings"]  # the demo plan has findings: the rendering is not empty
    assert len(web.services.reports) == 1  # the second answer came from the kept rendering


def test_a_review_stored_again_answers_its_new_report(web: Web) -> None:
    review_id = _review(web, TENANT_A, repository="o/r")
    document, verdict = _encoded_demo_review()
    web.services.reviews.save_result(review_id, ReviewStatus.COMPLETED, document, verdict, {})
    reader = web.token(TENANT_A, Scope.READ)
    before = web.client.get(f"/api/v1/reviews/{review_id}", headers=reader).json()
    again = {**document, "review": {**document["review"], "label": "stored again"}}
    web.services.reviews.save_result(review_id, ReviewStatus.COMPLETED, again, verdict, {})
    after = web.client.get(f"/api/v1/reviews/{review_id}", headers=reader).json()
    assert before["report"]["label"] != "stored again"
    assert after["report"]["label"] == "stored again"
    assert after["content_hash"] != before["content_hash"]


def test_a_kept_report_is_still_404_to_another_tenant(web: Web) -> None:
    review_id = _review(web, TENANT_A, repository="o/r")
    document, verdict = _encoded_demo_review()
    web.services.reviews.save_result(review_id, ReviewStatus.COMPLETED, document, verdict, {})
    assert web.client.get(f"/api/v1/reviews/{review_id}", headers=web.token(TENANT_A, Scope.READ)).status_code == 200
    for scope in (Scope.READ, Scope.ADMIN):
        answer = web.client.get(f"/api/v1/reviews/{review_id}", headers=web.token(TENANT_B, scope))
        assert answer.status_code == 404, scope
        assert "findings" not in answer.text


def test_retry_requeues_a_failed_review_once(web: Web) -> None:
    review_id = _review(web, TENANT_A, repository="o/r")
    writer = web.token(TENANT_A, Scope.WRITE)
    assert web.client.post(f"/api/v1/reviews/{review_id}/retry", headers=writer).status_code == 409
    web.services.reviews.set_status(review_id, ReviewStatus.FAILED, "source unavailable")
    answer = web.client.post(f"/api/v1/reviews/{review_id}/retry", headers=writer)
    assert answer.status_code == 202, answer.text
    job = web.services.queue.get(answer.json()["job"])
    assert job is not None
    assert job.payload["review_id"] == review_id
    review = web.services.reviews.get(review_id)
    assert review is not None
    assert review.status is ReviewStatus.QUEUED
    reader = web.token(TENANT_A, Scope.READ)
    assert web.client.post(f"/api/v1/reviews/{review_id}/retry", headers=reader).status_code == 403


def test_admin_lists_and_retries_dead_jobs(web: Web) -> None:
    job_id = _dead_job(web, TENANT_A, "k1")
    admin = web.token(TENANT_A, Scope.ADMIN)
    dead = web.client.get("/api/v1/jobs", params={"state": "dead"}, headers=admin).json()
    assert [j["id"] for j in dead["items"]] == [job_id]
    assert "attempt_token" not in dead["items"][0]
    one = web.client.get(f"/api/v1/jobs/{job_id}", headers=admin).json()
    assert (one["id"], one["state"], one["last_error"]) == (job_id, "dead", "boom")
    answer = web.client.post(f"/api/v1/jobs/{job_id}/retry", headers=admin)
    assert answer.status_code == 202
    assert answer.json()["state"] == "queued"
    assert web.client.get(f"/api/v1/jobs/{job_id}", headers=admin).json()["state"] == "queued"
    assert web.client.post(f"/api/v1/jobs/{job_id}/retry", headers=admin).status_code == 409
    missing = web.client.get(f"/api/v1/jobs/{job_id + 1000}", headers=admin)
    assert (missing.status_code, missing.json()["detail"]) == (404, f"job {job_id + 1000} not found")


def test_admin_requeues_a_deliverys_dead_job(web: Web) -> None:
    signed = deliveries.github("pull_request", deliveries.pull_request())
    web.client.post("/webhooks/github", content=signed.body, headers=signed.headers)
    [delivery] = web.services.intake.list().items
    admin = web.token(TENANT_A, Scope.ADMIN)
    listed = web.client.get("/api/v1/deliveries", headers=admin).json()
    assert [d["id"] for d in listed["items"]] == [delivery.id]
    assert web.client.post(f"/api/v1/deliveries/{delivery.id}/requeue", headers=admin).status_code == 409
    claimed = web.services.queue.claim("w")
    assert claimed is not None
    web.services.queue.fail(claimed.id, claimed.attempt_token or "", "boom", permanent=True)
    answer = web.client.post(f"/api/v1/deliveries/{delivery.id}/requeue", headers=admin)
    assert answer.status_code == 202
    assert answer.json()["state"] == "queued"


def test_operator_sees_every_tenant(web: Web) -> None:
    web.swap(authenticator=WithOperator(web.services.authenticator))
    _review(web, TENANT_A)
    _review(web, TENANT_B)
    items = web.client.get("/api/v1/reviews", headers=OPERATOR).json()["items"]
    assert {i["tenant_id"] for i in items} == {TENANT_A, TENANT_B}


ADMIN_ROUTES = [
    ("GET", "/api/v1/deliveries"),
    ("POST", "/api/v1/deliveries/1/requeue"),
    ("GET", "/api/v1/jobs?state=dead"),
    ("GET", "/api/v1/jobs/1"),
    ("POST", "/api/v1/jobs/1/retry"),
]


@pytest.mark.parametrize("scope", [Scope.READ, Scope.WRITE])
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_a8_admin_routes_refuse_other_scopes_with_403(web: Web, scope: Scope, method: str, path: str) -> None:
    _dead_job(web, TENANT_A, "k")
    answer = web.client.request(method, path, headers=web.token(TENANT_A, scope))
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert web.services.queue.list(state="dead").items  # nothing changed


# --- A7: every route taking an id, called with another tenant's ids, answers 404 and changes nothing ---

ID_ROUTES = [
    ("GET", "/api/v1/reviews/{review}", Scope.READ),
    ("POST", "/api/v1/reviews/{review}/retry", Scope.WRITE),
    ("POST", "/api/v1/deliveries/{delivery}/requeue", Scope.ADMIN),
    ("GET", "/api/v1/jobs/{job}", Scope.ADMIN),
    ("POST", "/api/v1/jobs/{job}/retry", Scope.ADMIN),
]


def test_a7_id_routes_are_exactly_the_ones_in_the_openapi(web: Web) -> None:
    spec = web.client.get("/openapi.json").json()
    # incidents and blocks are service-wide, refused to every tenant credential (tests/web/test_incidents_api.py,
    # tests/web/test_api_blocks.py)
    service_wide = ("/incidents", "/blocks")
    with_ids = {
        (m.upper(), p)
        for p, ops in spec["paths"].items()
        for m in ops
        if "{" in p and not any(part in p for part in service_wide)
    }
    ours = {
        (m, p.replace("{review}", "{review_id}").replace("{delivery}", "{delivery_id}").replace("{job}", "{job_id}"))
        for m, p, _ in ID_ROUTES
    }
    assert with_ids == ours


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(ID_ROUTES), st.booleans())
def test_a7_another_tenants_objects_are_404(web: Web, route: tuple[str, str, Scope], fresh: bool) -> None:
    method, template, scope = route
    # tenant B owns a failed review, a delivery with a dead job, and a dead job
    signed = deliveries.spacelift(deliveries.run_state("FINISHED", 4, run_id=f"RUN{fresh}{template[8:12]}".upper()))
    signed.body = signed.body.replace(b'"spacelift-io"', b'"other-account"')
    signed = deliveries.spacelift(signed.body)
    web.client.post("/webhooks/spacelift", content=signed.body, headers=signed.headers)
    delivery = web.services.intake.list(tenant_id=TENANT_B).items[0]
    job = web.services.queue.get(delivery.job_id or 0)
    assert job is not None
    review_id = str(job.payload["review_id"])
    web.services.reviews.set_status(review_id, ReviewStatus.FAILED, "x")
    if job.state is JobState.QUEUED:
        claimed = web.services.queue.claim("w")
        if claimed is not None:
            web.services.queue.fail(claimed.id, claimed.attempt_token or "", "boom", permanent=True)
    before = (web.services.reviews.get(review_id), web.services.queue.get(job.id))
    path = template.format(review=review_id, delivery=delivery.id, job=job.id)
    answer: httpx.Response = web.client.request(
        method, path, headers=web.token(TENANT_A, Scope.ADMIN if fresh else scope)
    )
    assert answer.status_code == 404, (path, answer.text)
    assert (web.services.reviews.get(review_id), web.services.queue.get(job.id)) == before
    # and the owner is not refused: the id is real
    owner = web.client.request(method, path, headers=web.token(TENANT_B, Scope.ADMIN))
    assert owner.status_code in (200, 202, 409)


def test_openapi_is_complete(web: Web) -> None:
    spec = web.client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert paths >= {
        "/webhooks/github",
        "/webhooks/spacelift",
        "/api/v1/plans",
        "/api/v1/reviews",
        "/api/v1/reviews/{review_id}",
        "/api/v1/reviews/{review_id}/retry",
        "/api/v1/deliveries",
        "/api/v1/deliveries/{delivery_id}/requeue",
        "/api/v1/jobs",
        "/api/v1/jobs/{job_id}",
        "/api/v1/jobs/{job_id}/retry",
        "/healthz",
        "/readyz",
    }
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            ok = [code for code in operation["responses"] if code.startswith("2")]
            assert ok, (method, path)
            for code in ok:
                content = operation["responses"][code].get("content", {})
                if code == "204":  # No Content: nothing to describe
                    assert not content, (method, path, code)
                else:
                    assert "application/json" in content, (method, path, code)
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
