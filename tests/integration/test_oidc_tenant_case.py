"""An OIDC tenant claim names its tenant as the webhooks and tokens spell it (ADR 0586): `github:owner:Octo` is
the tenant whose webhook reviews are stored under `github:owner:octo`. Before, the claim was kept as sent, and a
mixed-case claim saw none of its tenant's reviews. A claim spelt exactly as a tenant the service already stores
data under (an OIDC upload or a token made before the folding) keeps that spelling: what it stored stays visible.
A real `tfreview serve` with a fake OIDC issuer, on SQLite and (TFREVIEW_TEST_POSTGRES_URL set) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.oidc import FakeOidcIssuer
from tests.integration.conftest import POSTGRES_ENV
from tests.integration.door_requests import request
from tests.integration.live import fresh_postgres_database
from tests.integration.served import child_env, serving
from tests.worker.conftest import database_settings, upload
from tfreview.ports.records import Tenant
from tfreview.store.migrate import upgrade
from tfreview.wiring import build_services


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        (tmp_path / "data").mkdir()
        yield f"sqlite:///{tmp_path / 'data' / 'tfreview.db'}"
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    with fresh_postgres_database(admin_url, f"tfreview_case_{uuid.uuid4().hex[:12]}") as url:
        yield url


def _seed(url: str) -> dict[str, str]:
    """A webhook's review (its tenant in lower case), an upload stored earlier under a mixed-case spelling, and
    another tenant's: their review ids by the tenant they were stored under."""
    upgrade(url)
    services = build_services(database_settings(url))
    ids: dict[str, str] = {}
    try:
        for tenant in ("github:owner:octo", "github:owner:Legacy-Org", "github:owner:someone-else"):
            services.tenants.ensure(Tenant(tenant, "github", tenant.rsplit(":", 1)[1]))
            ids[tenant], _ = upload(services, tenant=tenant)
    finally:
        services.close()
    return ids


def test_a_mixed_case_claim_sees_its_tenants_reviews_and_a_stored_spelling_keeps_its_own(
    tmp_path: Path, database_url: str
) -> None:
    stored = _seed(database_url)
    with FakeOidcIssuer() as issuer:
        env = child_env(
            TFREVIEW_DATABASE__URL=database_url,
            TFREVIEW_AUTH__OIDC_ISSUER=issuer.issuer,
            TFREVIEW_AUTH__OIDC_JWKS_URL=issuer.jwks_url,
            TFREVIEW_AUTH__OIDC_AUDIENCE=str(issuer.audience),
            TFREVIEW_AUTH__TENANT_CLAIM=issuer.tenant_claim,
        )
        seen: dict[str, set[str]] = {}
        with serving(tmp_path / "data", env=env) as served:
            for claim in ("github:owner:Octo", "GitHub:Owner:OCTO", "github:owner:octo", "github:owner:Legacy-Org"):
                token = issuer.mint({"scope": "read", issuer.tenant_claim: claim})
                answer = request(served.port, "GET", "/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})
                assert answer.status == 200, answer.json()
                seen[claim] = {item["id"] for item in answer.json()["items"]}
            log = served.log()
    webhook = {stored["github:owner:octo"]}
    assert seen["github:owner:Octo"] == webhook  # the tenant's webhook review, whatever the claim's case
    assert seen["GitHub:Owner:OCTO"] == webhook
    assert seen["github:owner:octo"] == webhook
    assert seen["github:owner:Legacy-Org"] == {stored["github:owner:Legacy-Org"]}  # stored under it: still visible
    assert "Traceback" not in log
