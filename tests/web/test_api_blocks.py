"""/api/v1/blocks: operators list, add and lift blocks; a tenant admin may not; bad sources are 422."""

from __future__ import annotations

from tests.web.api_operator import OPERATOR, WithOperator
from tests.web.conftest import TENANT_A, Web
from tfreview.ports.records import Scope


def test_an_operator_adds_lists_and_lifts_a_block(web: Web) -> None:
    web.swap(authenticator=WithOperator(web.services.authenticator))
    added = web.client.post(
        "/api/v1/blocks", json={"source": "ip:203.0.113.9", "minutes": 10, "reason": "drill"}, headers=OPERATOR
    )
    assert added.status_code == 201, added.text
    assert added.json()["created_by"] == "admin operator"
    assert added.json()["strikes"] == 1
    listed = web.client.get("/api/v1/blocks", headers=OPERATOR).json()["items"]
    assert [item["source"] for item in listed] == ["ip:203.0.113.9"]
    assert listed[0]["reason"] == "drill"
    blocked = web.client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
    assert blocked.status_code == 200  # no trusted proxy configured: the header is not believed
    assert web.client.delete("/api/v1/blocks/ip:203.0.113.9", headers=OPERATOR).status_code == 204
    assert web.client.get("/api/v1/blocks", headers=OPERATOR).json()["items"] == []
    missing = web.client.delete("/api/v1/blocks/ip:203.0.113.9", headers=OPERATOR)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    # both went to the audit log, newest first, with who did it (issue 11: blocks are audited)
    entries = web.services.audit.list(limit=10).items
    assert [(e.action, e.target) for e in entries[:2]] == [
        ("block.remove", "ip:203.0.113.9"),
        ("block.add", "ip:203.0.113.9"),
    ]
    assert entries[1].actor == "admin operator"
    assert web.services.audit.verify().intact


def test_blocks_refuse_tenant_admins_and_bad_sources(web: Web) -> None:
    web.swap(authenticator=WithOperator(web.services.authenticator))
    tenant_admin = web.token(TENANT_A, Scope.ADMIN)
    refused = web.client.get("/api/v1/blocks", headers=tenant_admin)
    assert refused.status_code == 403
    assert "operator" in refused.json()["detail"]
    bad = web.client.post("/api/v1/blocks", json={"source": "203.0.113.9", "minutes": 10}, headers=OPERATOR)
    assert bad.status_code == 422
    assert "not a source" in bad.json()["detail"]
    allowed = web.client.post("/api/v1/blocks", json={"source": "ip:192.30.252.1", "minutes": 10}, headers=OPERATOR)
    assert allowed.status_code == 422
    assert "allow-list" in allowed.json()["detail"]
