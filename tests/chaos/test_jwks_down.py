"""Chaos: the identity provider is down (JWKS unreachable) under a running `tfreview serve`.

Tokens signed with a key the service has already cached keep working within the cache's lifetime; a token
signed with a new key (`kid` never seen) is refused with 401 — never a 500 and never accepted unverified —
and the repeated refresh failures fire the `jwks-refresh-failing` alert (an incident opens, visible in the
incidents API). When the issuer is back, the new key is fetched and its tokens are accepted."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.fakes.oidc import FakeOidcIssuer
from tests.integration.served import child_env, serving

REFRESH_INTERVAL_SECONDS = 1.0
BOUND_SECONDS = 120.0  # a bound on a loaded machine, not a threshold
ALERT = "jwks-refresh-failing"


def _env(issuer: FakeOidcIssuer) -> dict[str, str]:
    return child_env(
        TFREVIEW_AUTH__OIDC_ISSUER=issuer.issuer,
        TFREVIEW_AUTH__OIDC_JWKS_URL=issuer.jwks_url,
        TFREVIEW_AUTH__OIDC_AUDIENCE=str(issuer.audience),
        TFREVIEW_AUTH__TENANT_CLAIM=issuer.tenant_claim,
        TFREVIEW_AUTH__JWKS_REFRESH_MIN_INTERVAL_SECONDS=str(REFRESH_INTERVAL_SECONDS),
        TFREVIEW_AUTH__JWKS_TIMEOUT_SECONDS="2",
        TFREVIEW_WATCHDOG__INTERVAL_SECONDS="1",
        # the refused new-kid requests are many on a slow machine: the door would block this client after 20
        # (its own test is tests/integration/test_door_http.py); here the issuer's outage is under test
        TFREVIEW_DOOR__BLOCK_FAILURES="100000",
    )


def _until(what: str, check: Callable[[], bool]) -> float:
    """Seconds until `check` holds (asserting it does within the bound)."""
    begun = time.monotonic()
    while not check():
        assert time.monotonic() - begun < BOUND_SECONDS, f"{what}: not within {BOUND_SECONDS:.0f} s"
        time.sleep(0.2)
    return time.monotonic() - begun


@pytest.mark.chaos
@pytest.mark.slow
def test_jwks_unreachable_cached_tokens_work_new_kid_is_401_and_the_alert_fires(tmp_path: Path) -> None:
    with (
        FakeOidcIssuer() as issuer,
        serving(tmp_path / "data", env=_env(issuer)) as served,
        httpx.Client(base_url=served.url, timeout=30) as client,
    ):
        reader = issuer.mint({"scope": "read"})
        operator = issuer.mint({"scope": "admin", issuer.tenant_claim: None})

        def status(token: str, path: str = "/api/v1/reviews") -> int:
            return client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code

        assert status(reader) == 200  # the keys are fetched and cached
        assert status(operator, "/api/v1/incidents") == 200
        fetches = issuer.jwks_fetches

        issuer.fail_with(503)  # the identity provider goes down
        down = time.monotonic()
        new_kid = issuer.add_key()  # and rotates to a key the service has never seen
        newcomer = issuer.mint({"scope": "read"}, kid=new_kid)

        assert status(reader) == 200  # a cached key keeps working within its lifetime
        refused: list[int] = []

        def fired() -> bool:
            refused.append(status(newcomer))  # every unknown kid asks the issuer again (at most once a second)
            incidents = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {operator}"}).json()
            return any(ALERT in str(incident) for incident in incidents["items"])

        detected = _until("the JWKS alert firing", fired)
        assert set(refused) == {401}, refused  # refused, never a 500, never accepted
        assert issuer.jwks_fetches > fetches  # the service did ask (and failed)
        assert status(reader) == 200  # still within the cache's lifetime

        issuer.heal()
        healed = time.monotonic()
        recovered = _until("the new key accepted", lambda: status(newcomer) == 200)
        log = served.log()
    print(
        f"chaos jwks-down: {len(refused)} new-kid request(s) refused 401 while down; alert {ALERT} fired"
        f" {detected:.2f} s after the outage began ({time.monotonic() - down:.0f} s scenario);"
        f" new key accepted {recovered:.2f} s after the issuer came back ({time.monotonic() - healed:.2f} s)"
    )
    assert "Traceback" not in log, log[-3000:]
