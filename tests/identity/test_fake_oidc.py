"""The fake issuer itself speaks OIDC: discovery, JWKS, the token endpoint, failure modes, clean shutdown."""

from __future__ import annotations

import httpx
import jwt
import pytest

from tests.fakes.oidc import FakeOidcIssuer


def test_discovery_jwks_and_token_endpoint() -> None:
    with FakeOidcIssuer() as issuer, httpx.Client(base_url=issuer.issuer) as client:
        discovery = client.get("/.well-known/openid-configuration").json()
        assert discovery["issuer"] == issuer.issuer
        assert discovery["jwks_uri"] == issuer.jwks_url
        keys = client.get("/.well-known/jwks.json").json()["keys"]
        assert {key["kty"] for key in keys} == {"RSA", "EC"}
        assert all("d" not in key for key in keys)  # public halves only
        answer = client.post("/token", data={"sub": "bob", "tenant": "github:7", "scope": "write"}).json()
        assert answer["token_type"] == "Bearer"
        claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
        assert (claims["sub"], claims["tfreview:tenant"], claims["scope"]) == ("bob", "github:7", "write")
        assert client.get("/nope").status_code == 404
        assert issuer.jwks_fetches == 1


def test_failure_modes() -> None:
    with FakeOidcIssuer() as issuer, httpx.Client() as client:
        issuer.fail_with(503)
        assert client.get(issuer.jwks_url).status_code == 503
        issuer.malformed()
        with pytest.raises(ValueError, match="Expecting"):
            client.get(issuer.jwks_url).json()
        issuer.hang(30)
        with pytest.raises(httpx.ReadTimeout):
            client.get(issuer.jwks_url, timeout=0.2)
        issuer.heal()
        assert client.get(issuer.jwks_url).status_code == 200
        assert issuer.jwks_fetches == 4


def test_close_releases_hanging_requests() -> None:
    issuer = FakeOidcIssuer(algs=("ES256",))
    issuer.hang(600)
    with httpx.Client() as client, pytest.raises(httpx.ReadTimeout):
        client.get(issuer.jwks_url, timeout=0.1)
    issuer.close()  # returns promptly: the hanging handler is released and joined


def test_rotation_keeps_retired_keys_for_minting() -> None:
    with FakeOidcIssuer(algs=("RS256",)) as issuer:
        old = issuer.kid_for("RS256")
        new = issuer.add_key("RS256")
        assert issuer.kid_for("RS256") == new
        issuer.remove_key(old)
        assert issuer.kids == [new]
        assert jwt.get_unverified_header(issuer.mint(kid=old))["kid"] == old
