"""POST /api/v1/admin/tokens/revoke-all (issue 11, compromise response): an admin revokes every token of a
tenant (or of one scope); a revoked token used later is answered 401 and counted (revoked-token-used alert);
a tenant admin cannot revoke another tenant's tokens; no token secret is ever in an answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from tests.web.conftest import TENANT_A, TENANT_B, Web, make_web, web_settings
from tests.web.test_metrics import METRICS_TOKEN, scrape, value
from tfreview.ports.records import Scope
from tfreview.settings import MetricsSettings

REVOKE_ALL = "/api/v1/admin/tokens/revoke-all"


@pytest.fixture
def web() -> Iterator[Web]:
    yield from make_web(settings=web_settings(metrics=MetricsSettings(token=SecretStr(METRICS_TOKEN))))


def _revoked_uses(web: Web) -> float:
    return value(scrape(web), "tfreview_auth_attempts_total", method="token", outcome="revoked")


def test_revoke_all_of_a_tenant_then_a_revoked_token_is_401_and_counted(web: Web) -> None:
    admin = web.token(TENANT_A, Scope.ADMIN)
    reader = web.token(TENANT_A, Scope.READ)
    writer = web.token(TENANT_A, Scope.WRITE)
    other = web.token(TENANT_B, Scope.READ)
    assert web.client.get("/api/v1/reviews", headers=reader).status_code == 200

    answer = web.client.post(REVOKE_ALL, json={"tenant": TENANT_A, "scope": "read"}, headers=admin)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["revoked"]) == 1
    assert answer.json()["scope"] == "read"
    before = _revoked_uses(web)
    refused = web.client.get("/api/v1/reviews", headers=reader)
    assert refused.status_code == 401
    assert reader["Authorization"].split()[1] not in refused.text
    assert _revoked_uses(web) - before == 1
    assert web.client.get("/api/v1/reviews", headers=writer).status_code == 200

    answer = web.client.post(REVOKE_ALL, json={"tenant": TENANT_A}, headers=admin)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["revoked"]) == 2  # the writer and the admin itself
    for secret in (admin, reader, writer):
        assert secret["Authorization"].split()[1] not in answer.text
    assert web.client.get("/api/v1/reviews", headers=writer).status_code == 401
    assert web.client.post(REVOKE_ALL, json={"tenant": TENANT_A}, headers=admin).status_code == 401
    assert web.client.get("/api/v1/reviews", headers=other).status_code == 200  # another tenant: untouched
    # both revocations are in the audit log, with the ids revoked and never a secret
    entries = [e for e in web.services.audit.list(limit=20).items if e.action == "token.revoke_all"]
    assert [len(e.detail["revoked"]) for e in entries] == [2, 1]  # type: ignore[arg-type]  # detail is JSON
    assert all(e.target == f"tenant:{TENANT_A}" for e in entries)
    assert admin["Authorization"].split()[1] not in repr(entries)


def test_a_tenant_admin_cannot_revoke_another_tenants_tokens(web: Web) -> None:
    admin = web.token(TENANT_A, Scope.ADMIN)
    other = web.token(TENANT_B, Scope.READ)
    answer = web.client.post(REVOKE_ALL, json={"tenant": TENANT_B}, headers=admin)
    assert answer.status_code == 404
    assert web.client.get("/api/v1/reviews", headers=other).status_code == 200


def test_revoke_all_needs_the_admin_scope_and_a_valid_body(web: Web) -> None:
    writer = web.token(TENANT_A, Scope.WRITE)
    assert web.client.post(REVOKE_ALL, json={"tenant": TENANT_A}, headers=writer).status_code == 403
    admin = web.token(TENANT_A, Scope.ADMIN)
    assert web.client.post(REVOKE_ALL, json={"tenant": TENANT_A, "scope": "root"}, headers=admin).status_code == 422
    assert web.client.post(REVOKE_ALL, json={"tenant": ""}, headers=admin).status_code == 422
    assert web.client.post(REVOKE_ALL, headers=admin).status_code == 422
