"""The operations panels of the dashboard (ASGI): incidents (list, timeline, acknowledge, resolve, report),
alerts and the SLO charts — operators only, CSRF on every form, the same actions as the API's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.web.asgi_client import TestClient
from tests.web.conftest import TENANT_A, Web
from tests.web.dashboard_helpers import browser, csrf_of, sign_in
from tfreview.ops.incidents import EventKind, IncidentStatus, NewIncident
from tfreview.ops.services import OpsServices
from tfreview.ports.records import Principal, ReviewStatus, Scope, SourceInfo
from tfreview.web.dashboard.pages import Dashboard
from tfreview.web.dashboard.sessions import SESSION_COOKIE

FLOOD = NewIncident("flood", "request-flood", "flood", "high", "More than 200 requests per second", 2, 10, ("page",))
PAGES = ("/ops/incidents", "/ops/alerts", "/ops/slo")


def operator(web: Web, client: TestClient) -> None:
    """Sign `client` in as an operator (admin across tenants), as OIDC would: a session for that principal."""
    dashboard: Dashboard = web.client.app.state.dashboard
    session = dashboard.signer.signed_in(Principal(subject="olivia", tenant_id=None, scope=Scope.ADMIN, kind="oidc"))
    client.cookies.set(SESSION_COOKIE, dashboard.signer.dump(session))


@pytest.fixture
def client(web: Web) -> Iterator[TestClient]:
    with browser(web.client) as client:
        yield client


def ops_of(web: Web) -> OpsServices:
    assert web.services.ops is not None
    return web.services.ops


def test_only_operators_see_the_panels(web: Web, client: TestClient) -> None:
    for path in PAGES:
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/signin")
    sign_in(client, web.services, TENANT_A, Scope.ADMIN)  # a tenant's admin: not the whole service's
    for path in PAGES:
        refused = client.get(path)
        assert refused.status_code == 403, path
        assert "operator" in refused.text
    assert "/ops/incidents" not in client.get("/ops").text  # no link to what they cannot open


def test_an_operator_acknowledges_resolves_and_downloads_the_report(web: Web, client: TestClient) -> None:
    ops = ops_of(web)
    incident, _ = ops.incidents.open(FLOOD, {"alert": "request-flood", "value": 250})
    ops.incidents.record(incident.id, EventKind.ALERT_FIRED, {"alert": "request-flood", "value": 300})
    operator(web, client)
    listed = client.get("/ops/incidents")
    assert listed.status_code == 200
    assert f'href="/ops/incidents/{incident.id}"' in listed.text
    assert "More than 200 requests per second" in listed.text
    assert client.get("/ops/incidents", params={"status": "resolved"}).text.count("/ops/incidents/") == 0
    assert client.get("/ops/incidents", params={"status": "bogus"}).status_code == 400
    page = client.get(f"/ops/incidents/{incident.id}")
    assert page.status_code == 200
    assert "alert-fired" in page.text
    assert "value: 300" in page.text
    assert "Acknowledge" in page.text
    # no CSRF token, or another session's: refused, nothing changes
    assert client.post(f"/ops/incidents/{incident.id}/ack", data={"csrf": "forged"}).status_code == 403
    assert ops.incidents.get(incident.id).status is IncidentStatus.OPEN  # type: ignore[union-attr]
    acked = client.post(f"/ops/incidents/{incident.id}/ack", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert acked.status_code == 303
    after = ops.incidents.get(incident.id)
    assert after is not None
    assert after.status is IncidentStatus.ACKNOWLEDGED
    assert after.acknowledged_by == "dashboard:olivia"
    assert after.escalate_at is None
    shown = client.get(acked.headers["location"])
    assert "escalation stopped" in shown.text
    assert "Acknowledge</button>" not in shown.text
    report = client.get(f"/ops/incidents/{incident.id}/report.md")
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/markdown")
    assert f'filename="incident-{incident.id}.md"' in report.headers["content-disposition"]
    assert "| acknowledged |" in report.text
    resolved = client.post(f"/ops/incidents/{incident.id}/resolve", data={"csrf": csrf_of(shown.text)})
    assert resolved.status_code == 200
    assert ops.incidents.get(incident.id).status is IncidentStatus.RESOLVED  # type: ignore[union-attr]
    assert "Resolve</button>" not in resolved.text
    assert client.get("/ops/incidents/999").status_code == 404
    assert client.post("/ops/incidents/999/ack", data={"csrf": csrf_of(shown.text)}).status_code == 404
    assert client.get("/ops/incidents/999/report.md").status_code == 404


def test_the_alerts_page_lists_the_table_and_what_fired(web: Web, client: TestClient) -> None:
    ops = ops_of(web)
    incident, _ = ops.incidents.open(FLOOD, {"alert": "request-flood", "value": 250})
    ops.incidents.record(incident.id, EventKind.ALERT_RESOLVED, {"alert": "request-flood", "value": 3})
    operator(web, client)
    page = client.get("/ops/alerts")
    assert page.status_code == 200
    assert page.text.count("<tr><td>") >= 39  # every row of the alert table
    recent = page.text.split('id="recent"')[1]
    assert recent.count("request-flood") == 2
    assert ">firing<" in recent
    assert ">resolved<" in recent
    assert f'href="/ops/incidents/{incident.id}"' in recent


def test_the_slo_page_draws_burn_rate_and_latency_from_the_stored_reviews(web: Web, client: TestClient) -> None:
    target = web.services.settings.slo.time_to_review_seconds
    for late, status in ((False, ReviewStatus.COMPLETED), (True, ReviewStatus.COMPLETED), (False, ReviewStatus.FAILED)):
        created = web.services.reviews.create(TENANT_A, SourceInfo(kind="api"))
        if late:
            web.clock.at += timedelta(seconds=target + 5)
        web.services.reviews.save_result(created.id, status, {}, "pass", {})
    operator(web, client)
    page = client.get("/ops/slo")
    assert page.status_code == 200
    assert "3 finished reviews, 2 late or failed" in page.text
    assert page.text.count('<svg class="chart" role="img"') == 2
    assert "<title>Time to review: burn rate per hour</title>" in page.text
    assert "fast-burn page at 14.4×" in page.text
    assert "webhook-acceptance" in page.text
    assert "rules-latency" in page.text
    assert "oldest queued job" in page.text  # no watchdog sample yet in this process: said, not drawn


def test_the_audit_log_and_the_blocks_for_operators(web: Web, client: TestClient) -> None:
    web.services.audit.record("token.create", actor="cli", target="token:abc123", detail={"scope": "admin"})
    door = web.services.door
    assert door is not None
    door.guard.block("ip:203.0.113.9", "manual", by="admin x")
    sign_in(client, web.services, TENANT_A, Scope.ADMIN)
    assert client.get("/ops/audit").status_code == 403
    assert client.get("/ops/blocks").status_code == 403
    operator(web, client)
    audit = client.get("/ops/audit")
    assert audit.status_code == 200
    assert ">intact<" in audit.text
    assert "token:abc123" in audit.text
    assert "token:abc123" not in client.get("/ops/audit", params={"action": "block.add"}).text
    blocks = client.get("/ops/blocks")
    assert "ip:203.0.113.9" in blocks.text
    assert client.post("/ops/blocks/lift", data={"source": "ip:203.0.113.9", "csrf": "forged"}).status_code == 403
    assert [b.source for b in door.guard.active()] == ["ip:203.0.113.9"]
    lifted = client.post("/ops/blocks/lift", data={"source": "ip:203.0.113.9", "csrf": csrf_of(blocks.text)})
    assert lifted.status_code == 200
    assert "is lifted" in lifted.text
    assert door.guard.active() == []
    again = client.post("/ops/blocks/lift", data={"source": "ip:203.0.113.9", "csrf": csrf_of(blocks.text)})
    assert again.status_code == 404
