"""Issue 11 K*: a Spacelift webhook secret is bound to the account it serves (ADR 0121). Two accounts, each
with its own secret: a notification naming account B signed with A's secret is refused (403, counted as a
signature failure) and nothing lands in B's tenant; each secret still writes into its own account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from tests.web import deliveries
from tests.web.conftest import Web, make_web, web_settings
from tests.web.test_metrics import METRICS_TOKEN, scrape, value
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.settings import MetricsSettings, SecretVersion, SpaceliftSettings

ACME_SECRET = "sl-acme-canary-secret-41d2"
GLOBEX_SECRET = "sl-globex-canary-secret-8e7c"
UNBOUND_SECRET = "sl-unbound-canary-secret-1f0a"


def _run(account: str, run_id: str) -> dict[str, object]:
    payload = deliveries.run_state("FINISHED", 4, run_id=run_id)
    payload["account"] = account
    return payload


def _web(*versions: SecretVersion, default_account: str | None = None) -> Iterator[Web]:
    settings = web_settings(metrics=MetricsSettings(token=SecretStr(METRICS_TOKEN)))
    update: dict[str, object] = {"spacelift": SpaceliftSettings(webhook_secrets=list(versions))}
    if default_account is not None:
        update["spacelift_api"] = SpaceliftApiSettings(account=default_account)
    yield from make_web(settings=settings.model_copy(update=update))


@pytest.fixture
def web() -> Iterator[Web]:
    yield from _web(
        SecretVersion(value=SecretStr(ACME_SECRET), account="acme"),
        SecretVersion(value=SecretStr(GLOBEX_SECRET), account="globex"),
    )


def _post(web: Web, account: str, secret: str, run_id: str) -> int:
    signed = deliveries.spacelift(_run(account, run_id), secret=secret)
    answer = web.client.post("/webhooks/spacelift", content=signed.body, headers=signed.headers)
    assert ACME_SECRET not in answer.text
    assert GLOBEX_SECRET not in answer.text
    return answer.status_code


def _deliveries_of(web: Web, tenant_id: str) -> int:
    return len(web.services.intake.list(tenant_id=tenant_id, limit=100).items)


def test_each_secret_writes_only_into_its_own_account(web: Web) -> None:
    assert _post(web, "acme", ACME_SECRET, "01HRUNACME000000000000000A") == 202
    assert _post(web, "globex", GLOBEX_SECRET, "01HRUNGLOBEX00000000000000") == 202
    before = scrape(web)
    assert _post(web, "globex", ACME_SECRET, "01HRUNFORGED00000000000000") == 403
    assert _post(web, "acme", GLOBEX_SECRET, "01HRUNFORGED00000000000001") == 403
    after = scrape(web)
    failures = "tfreview_webhook_signature_failures_total"
    assert value(after, failures, source="spacelift") - value(before, failures, source="spacelift") == 2
    assert _deliveries_of(web, "spacelift:acme") == 1
    assert _deliveries_of(web, "spacelift:globex") == 1


def test_the_binding_ignores_case(web: Web) -> None:
    assert _post(web, "ACME", ACME_SECRET, "01HRUNACMEUPPER00000000000") == 202


def test_an_unbound_secret_serves_the_installations_account() -> None:
    for web in _web(SecretVersion(value=SecretStr(UNBOUND_SECRET)), default_account="acme"):
        assert _post(web, "acme", UNBOUND_SECRET, "01HRUNACME000000000000000A") == 202
        assert _post(web, "globex", UNBOUND_SECRET, "01HRUNGLOBEX00000000000000") == 403
        assert _deliveries_of(web, "spacelift:globex") == 0


def test_an_unbound_secret_without_an_account_serves_any_account() -> None:
    for web in _web(SecretVersion(value=SecretStr(UNBOUND_SECRET))):
        assert _post(web, "acme", UNBOUND_SECRET, "01HRUNACME000000000000000A") == 202
        assert _post(web, "globex", UNBOUND_SECRET, "01HRUNGLOBEX00000000000000") == 202


def test_a_bound_version_past_not_after_is_refused_like_any_expired_version() -> None:
    retired = SecretVersion(value=SecretStr(ACME_SECRET), account="acme", not_after=datetime(2020, 1, 1, tzinfo=UTC))
    for web in _web(retired, SecretVersion(value=SecretStr(GLOBEX_SECRET), account="globex")):
        before = scrape(web)
        assert _post(web, "acme", ACME_SECRET, "01HRUNACME000000000000000A") == 401
        expired = "tfreview_webhook_expired_secret_used_total"
        assert value(scrape(web), expired, source="spacelift") - value(before, expired, source="spacelift") == 1
