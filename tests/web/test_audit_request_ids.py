"""A11 (ADR 0540): every audit entry of a change names the request that made it and the tenant it touched —
the requeues, the incident actions, the token revocation and the dashboard sign-in too.

Found from the outside: on `tfreview serve`, the entries of `POST /api/v1/jobs/{id}/retry`,
`/api/v1/deliveries/{id}/requeue` (and the dashboard's buttons that call them), `/api/v1/incidents/{id}/ack`
and `/resolve`, `/api/v1/admin/tokens/revoke-all` and a dashboard sign-in had no `request_id` (and most no
tenant), unlike an upload's or a review retry's: an entry could not be matched to its request's log line."""

from __future__ import annotations

from tests.web import deliveries
from tests.web.conftest import TENANT_A, Web
from tests.web.dashboard_helpers import browser, csrf_of
from tests.web.test_api import OPERATOR, WithOperator, _dead_job
from tfreview.core.audit_chain import AuditEntry
from tfreview.ops.incidents import NewIncident
from tfreview.ports.records import Scope

FLOOD = NewIncident("flood", "request-flood", "flood", "high", "More than 200 requests per second", 2, 10, ("page",))


def _only(web: Web, action: str) -> AuditEntry:
    [entry] = web.services.audit.list(action=action, limit=10).items
    return entry


def test_a_job_retry_names_its_request_and_tenant(web: Web) -> None:
    job_id = _dead_job(web, TENANT_A, "k1")
    answer = web.client.post(f"/api/v1/jobs/{job_id}/retry", headers=web.token(TENANT_A, Scope.ADMIN))
    assert answer.status_code == 202
    entry = _only(web, "job.requeue")
    assert entry.detail["request_id"] == answer.headers["x-request-id"]
    assert entry.detail["tenant"] == TENANT_A


def test_a_delivery_requeue_names_its_request_and_tenant(web: Web) -> None:
    signed = deliveries.github("pull_request", deliveries.pull_request())
    web.client.post("/webhooks/github", content=signed.body, headers=signed.headers)
    [delivery] = web.services.intake.list().items
    claimed = web.services.queue.claim("w")
    assert claimed is not None
    web.services.queue.fail(claimed.id, claimed.attempt_token or "", "boom", permanent=True)
    answer = web.client.post(f"/api/v1/deliveries/{delivery.id}/requeue", headers=web.token(TENANT_A, Scope.ADMIN))
    assert answer.status_code == 202
    entry = _only(web, "delivery.requeue")
    assert entry.detail["request_id"] == answer.headers["x-request-id"]
    assert entry.detail["tenant"] == TENANT_A


def test_a_token_revocation_names_its_request_and_tenant(web: Web) -> None:
    body = {"tenant": TENANT_A, "scope": "read"}
    answer = web.client.post("/api/v1/admin/tokens/revoke-all", json=body, headers=web.token(TENANT_A, Scope.ADMIN))
    assert answer.status_code == 200, answer.text
    entry = _only(web, "token.revoke_all")
    assert entry.detail["request_id"] == answer.headers["x-request-id"]
    assert entry.detail["tenant"] == TENANT_A


def test_incident_actions_on_the_api_name_their_request(web: Web) -> None:
    web.swap(authenticator=WithOperator(web.services.authenticator))
    incident, _ = web.services.ops.incidents.open(FLOOD, {"value": 250})
    for action in ("ack", "resolve"):
        answer = web.client.post(f"/api/v1/incidents/{incident.id}/{action}", headers=OPERATOR)
        assert answer.status_code == 200, answer.text
        assert _only(web, f"incident.{action}").detail["request_id"] == answer.headers["x-request-id"]


def test_a_dashboard_sign_in_names_its_request_and_tenant(web: Web) -> None:
    _, secret = web.services.tokens.create(TENANT_A, Scope.READ, "dashboard", None)
    with browser(web.client) as client:
        page = client.get("/signin")
        answer = client.post(
            "/signin/token", data={"token": secret, "csrf": csrf_of(page.text)}, follow_redirects=False
        )
    assert answer.status_code == 303
    entry = _only(web, "sign_in")
    assert entry.detail["request_id"] == answer.headers["x-request-id"]
    assert entry.detail["tenant"] == TENANT_A
    assert secret not in repr(entry)


def test_an_audit_store_that_fails_leaves_a_requeue_made_and_answered(web: Web) -> None:
    """As for an upload (ADR 0540): the change stands and answers 202; the log says the entry is missing."""

    class Broken:
        def record(self, *args: object, **kwargs: object) -> None:
            raise OSError("disk full")

    job_id = _dead_job(web, TENANT_A, "k2")
    web.swap(audit=Broken())
    answer = web.client.post(f"/api/v1/jobs/{job_id}/retry", headers=web.token(TENANT_A, Scope.ADMIN))
    assert answer.status_code == 202, answer.text
    assert web.services.queue.get(job_id) is not None
