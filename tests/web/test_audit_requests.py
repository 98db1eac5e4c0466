"""A11: one audit entry per request that changes something, and per refused credential, none holding a secret.

Seen from the outside: the audit log (GET /api/v1/audit-log for an operator, here the trail itself) says who
uploaded a plan, who retried a review and which credential was refused where, as it already said who
requeued a job or acknowledged an incident (docs/adr/0540-every-mutation-and-refused-credential-is-audited.md).
"""

from __future__ import annotations

import json

from tests.web.conftest import TENANT_A, TENANT_B, Web
from tests.web.dashboard_helpers import DEMO_PLAN, browser, csrf_of, sign_in
from tests.web.test_dashboard_operations import FLOOD, operator
from tfreview.core.audit_chain import AuditEntry
from tfreview.ports.records import ReviewStatus, Scope, SourceInfo

CANARY = "tfr_canary0audit_0123456789abcdefghijklmnop"


def _entries(web: Web, action: str) -> list[AuditEntry]:
    return web.services.audit.list(action=action, limit=200).items


def _text(entries: list[AuditEntry]) -> str:
    return json.dumps([[e.actor, e.action, e.target, e.detail] for e in entries])


def test_an_api_upload_is_audited_once_with_its_actor_tenant_and_review(web: Web) -> None:
    writer = web.token(TENANT_A, Scope.WRITE)
    body = DEMO_PLAN.read_bytes()
    answer = web.client.post("/api/v1/plans", content=body, headers={**writer, "Content-Type": "application/json"})
    assert answer.status_code == 202, answer.text
    review_id = answer.json()["review"]
    [entry] = _entries(web, "plan.upload")
    assert entry.actor.startswith("token:")
    assert entry.target == f"review:{review_id}"
    assert entry.detail["tenant"] == TENANT_A
    assert writer["Authorization"].removeprefix("Bearer ") not in _text([entry])
    # the same bytes again change nothing: a duplicate is no new entry
    again = web.client.post("/api/v1/plans", content=body, headers={**writer, "Content-Type": "application/json"})
    assert again.status_code == 200
    assert len(_entries(web, "plan.upload")) == 1


def test_a_review_retry_is_audited_and_a_refused_one_is_not(web: Web) -> None:
    review_id = web.services.reviews.create(TENANT_A, SourceInfo(kind="api")).id
    web.services.reviews.set_status(review_id, ReviewStatus.FAILED, "source unavailable")
    other = web.client.post(f"/api/v1/reviews/{review_id}/retry", headers=web.token(TENANT_B, Scope.WRITE))
    assert other.status_code == 404
    assert _entries(web, "review.retry") == []  # nothing changed, nothing recorded
    answer = web.client.post(f"/api/v1/reviews/{review_id}/retry", headers=web.token(TENANT_A, Scope.WRITE))
    assert answer.status_code == 202, answer.text
    [entry] = _entries(web, "review.retry")
    assert entry.target == f"review:{review_id}"
    request_id = answer.headers["x-request-id"]
    assert entry.detail == {"tenant": TENANT_A, "job_id": answer.json()["job"], "request_id": request_id}


def test_a_refused_credential_is_audited_without_the_credential(web: Web) -> None:
    answer = web.client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {CANARY}"})
    assert answer.status_code == 401
    forged_jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjYW5hcnkifQ."
    assert web.client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {forged_jwt}"}).status_code == 401
    entries = _entries(web, "auth.failure")
    assert len(entries) == 2
    newest, oldest = entries
    assert oldest.actor == "anonymous"
    assert oldest.target == "GET /api/v1/reviews"
    assert oldest.detail["method"] == "token"
    assert oldest.detail["reason"] == "invalid"
    assert newest.detail["method"] == "oidc"
    assert CANARY not in _text(entries)
    assert "canary" not in _text(entries)
    assert forged_jwt not in _text(entries)


def test_no_credential_at_all_is_no_audit_entry(web: Web) -> None:
    assert web.client.get("/api/v1/reviews").status_code == 401  # counted in the metrics, not an attempt on a token
    assert _entries(web, "auth.failure") == []


def test_an_under_scoped_credential_is_audited_as_forbidden(web: Web) -> None:
    review_id = web.services.reviews.create(TENANT_A, SourceInfo(kind="api")).id
    reader = web.token(TENANT_A, Scope.READ)
    assert web.client.post(f"/api/v1/reviews/{review_id}/retry", headers=reader).status_code == 403
    [entry] = _entries(web, "auth.failure")
    assert entry.actor.startswith("token:")
    assert entry.detail["reason"] == "forbidden"
    assert entry.target == f"POST /api/v1/reviews/{review_id}/retry"


def test_the_dashboard_upload_and_a_refused_sign_in_are_audited(web: Web) -> None:
    client = browser(web.client)
    page = client.get("/signin")
    refused = client.post("/signin/token", data={"token": CANARY, "csrf": csrf_of(page.text)})
    assert refused.status_code == 401
    [failure] = _entries(web, "auth.failure")
    assert failure.target == "POST /signin/token"
    assert CANARY not in _text([failure])
    sign_in(client, web.services, TENANT_A, Scope.WRITE)
    form = client.get("/upload")
    uploaded = client.post(
        "/upload",
        files={"plan": ("plan.json", DEMO_PLAN.read_bytes(), "application/json")},
        data={"csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    [entry] = _entries(web, "plan.upload")
    assert entry.target == f"review:{uploaded.headers['location'].rsplit('/', 1)[-1]}"
    assert entry.detail["tenant"] == TENANT_A


def test_acknowledging_and_resolving_an_incident_on_the_dashboard_is_audited_as_on_the_api(web: Web) -> None:
    ops = web.services.ops
    assert ops is not None
    incident, _ = ops.incidents.open(FLOOD, {"alert": "request-flood", "value": 250})
    with browser(web.client) as client:
        operator(web, client)
        page = client.get(f"/ops/incidents/{incident.id}")
        acked = client.post(f"/ops/incidents/{incident.id}/ack", data={"csrf": csrf_of(page.text)})
        assert acked.status_code == 200
        resolved = client.post(f"/ops/incidents/{incident.id}/resolve", data={"csrf": csrf_of(acked.text)})
        assert resolved.status_code == 200
    for action in ("incident.ack", "incident.resolve"):
        [entry] = _entries(web, action)
        assert (entry.actor, entry.target) == ("olivia", f"incident:{incident.id}")


def test_a_refused_requests_path_is_written_on_one_line_without_control_characters(web: Web) -> None:
    # the path is the refused caller's text: written raw, it put terminal escapes (and line breaks) into
    # `tfreview audit-log`'s output, an anonymous write into what an operator reads
    path = "/api/v1/reviews/x%0A1%09root%09token.create%1b[31mFORGED%E2%80%AE"
    assert web.client.get(path, headers={"Authorization": f"Bearer {CANARY}"}).status_code == 401
    [entry] = _entries(web, "auth.failure")
    assert entry.target.startswith("GET /api/v1/reviews/x")
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\u202e" for c in entry.target), entry.target
    assert "FORGED" in entry.target  # escaped, not dropped
