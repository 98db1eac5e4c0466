"""The identity provider of the `jwks-down` rehearsal: a JWKS endpoint on loopback, run by the drill, that the
drill's embedded service is configured to trust — and that the drill takes down and brings back.

It holds two RSA keys of its own and publishes the first. `rotate()` publishes the second one too, as an
issuer rotating its signing key would — but while it is down (503) the service cannot fetch it, so
tokens signed with the new key are refused although they are valid: the failure the alert is about.
Once it answers again, the next such token makes the service fetch the keys and is accepted.
The keys never leave the drill process.
"""

from __future__ import annotations

import json
import time
from typing import Any

from tfreview.ops_cli.drill_endpoint import LoopbackEndpoint

JWKS_PATH = "/.well-known/jwks.json"
AUDIENCE = "tfreview-drill"


class DrillIssuer(LoopbackEndpoint):
    def __init__(self) -> None:
        super().__init__("drill-issuer")
        self.down = False
        self.fetches = 0
        self._keys = [_new_key(), _new_key()]
        self._published = 1

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if method != "GET":
            return 405, b'{"error": "method not allowed"}'
        self.fetches += 1
        if path != JWKS_PATH:
            return 404, b'{"error": "not found"}'
        if self.down:
            return 503, b'{"error": "drill: issuer down"}'
        return 200, self.key_set()

    @property
    def url(self) -> str:
        return self.base_url

    def rotate(self) -> None:
        """Publish the second key as well (while down, nobody can see it)."""
        self._published = 2

    def key_set(self) -> bytes:
        from jwt.algorithms import RSAAlgorithm

        keys = []
        for number, key in enumerate(self._keys[: self._published], 1):
            jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": f"drill-{number}", "use": "sig", "alg": "RS256"})
        return json.dumps({"keys": keys}).encode()

    def token(self) -> str:
        """A valid read token of a drill tenant, signed with the NEWEST key (kid drill-2)."""
        import jwt

        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": "tfreview-drill",
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "scope": "read",
            "tfreview:tenant": "github:990000001",
        }
        return jwt.encode(claims, self._keys[1], algorithm="RS256", headers={"kid": "drill-2"})

    def environment(self) -> dict[str, str]:
        """The embedded service's settings that make it trust this issuer (and refetch without delay)."""
        return {
            "TFREVIEW_AUTH__OIDC_ISSUER": self.url,
            "TFREVIEW_AUTH__OIDC_JWKS_URL": f"{self.url}{JWKS_PATH}",
            "TFREVIEW_AUTH__OIDC_AUDIENCE": AUDIENCE,
            "TFREVIEW_AUTH__JWKS_REFRESH_MIN_INTERVAL_SECONDS": "0",
            "TFREVIEW_AUTH__JWKS_TIMEOUT_SECONDS": "2",
        }


def _new_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
