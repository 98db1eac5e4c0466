"""Fixtures of the identity tests: a fake issuer on loopback, an httpx client, a fake monotonic clock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.oidc import FakeOidcIssuer
from tfreview.identity.jwks import JwksCache
from tfreview.identity.oidc import OidcVerifier


class FakeClock:
    """A clock that moves only when told (seconds, any origin)."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def issuer() -> Iterator[FakeOidcIssuer]:
    with FakeOidcIssuer() as fake:
        yield fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def jwks(issuer: FakeOidcIssuer, http: httpx.Client, clock: FakeClock) -> JwksCache:
    return JwksCache(issuer.jwks_url, http, timeout=2.0, clock=clock)


@pytest.fixture
def verifier(issuer: FakeOidcIssuer, jwks: JwksCache) -> OidcVerifier:
    return OidcVerifier(issuer.auth_settings(), jwks)
