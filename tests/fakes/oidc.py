"""A fake OIDC issuer on 127.0.0.1: discovery, JWKS, token minting, key rotation and failure modes.

    with FakeOidcIssuer() as issuer:
        settings = issuer.auth_settings()            # AuthSettings pointing at this issuer
        token = issuer.mint({"scope": "admin"})     # RS256, signed by the current RSA key
        issuer.fail_with(500) / issuer.hang() / issuer.malformed() / issuer.heal()
        issuer.jwks_fetches                          # how many times /.well-known/jwks.json was asked

Endpoints: `GET /.well-known/openid-configuration`, `GET /.well-known/jwks.json`, `POST /token`
(form fields `sub`, `tenant`, `scope`, `token_use`; answers an OAuth token response — what `make run`'s
docs use to get a token), and a browser sign-in speaking the authorization code flow with PKCE the
way Amazon Cognito's hosted UI does: `GET /authorize` (checks client_id, redirect_uri, S256 challenge;
answers a sign-in form), `POST /authorize` (redirects to `redirect_uri?code=…&state=…`), and
`POST /token` with `grant_type=authorization_code` (one-time code, same redirect_uri, the verifier
must hash to the challenge) answering a Cognito-shaped access token (`token_use=access`, `client_id`,
no `aud`) and an ID token. `redirect_uris` lists the callbacks it accepts (any 127.0.0.1 one when empty).
Keys are made with `cryptography` (RSA 2048 for RS*,
P-256 for ES256); an issuer's first keys are shared across the test process (RSA generation is slow),
keys added with `add_key` are always fresh. `python -m tests.fakes.oidc [PORT]` serves one in the foreground.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import html
import json
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tfreview.identity.settings import AuthSettings

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

DEFAULT_AUDIENCE = "tfreview-api"
DEFAULT_CLIENT_ID = "tfreview-client"
DEFAULT_TENANT = "github:1001"


@dataclass(frozen=True)
class IssuerKey:
    kid: str
    alg: str  # "RS256" | "ES256"
    private: PrivateKey

    def public_jwk(self) -> dict[str, Any]:
        if isinstance(self.private, rsa.RSAPrivateKey):
            jwk = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        else:
            jwk = ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "alg": self.alg, "use": "sig"}


def new_private_key(alg: str = "RS256") -> PrivateKey:
    """A fresh key for `alg` (RS* → RSA 2048, ES256 → P-256, ES384 → P-384)."""
    if alg.startswith(("RS", "PS")):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    curve: ec.EllipticCurve = ec.SECP384R1() if alg == "ES384" else ec.SECP256R1()
    return ec.generate_private_key(curve)


_SHARED_KEYS: dict[str, PrivateKey] = {}
_SHARED_KEYS_LOCK = threading.Lock()


def shared_private_key(alg: str) -> PrivateKey:
    """One key per algorithm for the whole test process: RSA generation is slow, and issuers' first
    keys need not differ between tests (each issuer has its own URL and kids)."""
    with _SHARED_KEYS_LOCK:
        if alg not in _SHARED_KEYS:
            _SHARED_KEYS[alg] = new_private_key(alg)
        return _SHARED_KEYS[alg]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unsigned_token(header: Mapping[str, Any], claims: Mapping[str, Any], signature: bytes = b"") -> str:
    """header.claims.signature, built by hand (for `alg: none` and forged tokens)."""
    head = _b64(json.dumps(dict(header), separators=(",", ":")).encode())
    body = _b64(json.dumps(dict(claims), separators=(",", ":")).encode())
    return f"{head}.{body}.{_b64(signature)}"


def hmac_token(header: Mapping[str, Any], claims: Mapping[str, Any], secret: bytes) -> str:
    """An HS256 token signed with any bytes — e.g. the issuer's RSA public key in PEM (key confusion).
    PyJWT refuses to sign this, which is the point: it is built by hand."""
    head = _b64(json.dumps(dict(header), separators=(",", ":")).encode())
    body = _b64(json.dumps(dict(claims), separators=(",", ":")).encode())
    signature = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


class _Handler(BaseHTTPRequestHandler):
    server: _IssuerServer
    protocol_version = "HTTP/1.0"  # one request per connection: shutdown never waits on a keep-alive socket
    error_content_type = "application/json"
    routes: ClassVar[dict[str, str]] = {
        "/.well-known/openid-configuration": "discovery",
        "/.well-known/jwks.json": "jwks",
    }

    def do_GET(self) -> None:
        route = self.routes.get(self.path.split("?", 1)[0])
        issuer = self.server.issuer
        if self.path.split("?", 1)[0] == "/authorize":
            query = {key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()}
            status, body = issuer.authorize_page(query)
            self._send(status, body.encode(), "text/html; charset=utf-8")
        elif route == "discovery":
            self._json(200, issuer.discovery_document())
        elif route == "jwks":
            issuer._serve_jwks(self)
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        if path not in ("/token", "/authorize"):
            self._json(404, {"error": "not_found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        issuer = self.server.issuer
        if path == "/authorize":
            status, location = issuer.approve(form)
            if status == 302:
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(status, location.encode(), "text/plain; charset=utf-8")
            return
        if form.get("grant_type") == "authorization_code":
            status, answer = issuer.redeem(form, self.headers.get("Authorization"))
            self._json(status, answer)
            return
        claims: dict[str, Any] = {
            "sub": form.get("sub", "fake-user"),
            issuer.tenant_claim: form.get("tenant", DEFAULT_TENANT),
            "scope": form.get("scope", "read"),
        }
        if form.get("token_use"):
            claims["token_use"] = form["token_use"]
        token = issuer.mint(claims)
        self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": issuer.lifetime})

    def _json(self, status: int, document: object) -> None:
        self._send(status, json.dumps(document).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout test): nothing to answer
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the counters, not stderr."""


class _IssuerServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler: no thread outlives the fake
    block_on_close = True
    issuer: FakeOidcIssuer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-answer is expected here; stay quiet."""


class FakeOidcIssuer:
    """A real HTTP OIDC issuer on loopback (port 0). A context manager; `close()` stops it cleanly."""

    def __init__(
        self,
        *,
        audience: str = DEFAULT_AUDIENCE,
        client_id: str = DEFAULT_CLIENT_ID,
        tenant_claim: str = "tfreview:tenant",
        lifetime: int = 300,
        algs: tuple[str, ...] = ("RS256", "ES256"),
        port: int = 0,
    ) -> None:
        self.audience = audience
        self.client_id = client_id
        self.tenant_claim = tenant_claim
        self.lifetime = lifetime
        self._lock = threading.Lock()
        self._keys: dict[str, IssuerKey] = {}
        self._retired: dict[str, IssuerKey] = {}  # removed from the JWKS, kept to mint rejected tokens
        self._signing: dict[str, str] = {}  # alg → kid used by default
        self._mode = "ok"
        self._status = 500
        self._hang_seconds = 30.0
        self._release = threading.Event()  # set: hanging requests return (heal() or close())
        self._jwks_fetches = 0
        self.redirect_uris: list[str] = []
        self._codes: dict[str, dict[str, Any]] = {}
        self.codes_redeemed = 0
        for alg in algs:
            self._publish(IssuerKey(kid=self._new_kid(alg), alg=alg, private=shared_private_key(alg)), signing=True)
        self._server = _IssuerServer(("127.0.0.1", port), _Handler)
        self._server.issuer = self
        self.port = self._server.server_address[1]
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.jwks_url = f"{self.issuer}/.well-known/jwks.json"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-oidc", daemon=True)
        self._thread.start()

    # --- lifecycle ----------------------------------------------------------------------------------

    def __enter__(self) -> FakeOidcIssuer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._release.set()  # let hanging handlers return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # --- configuration for the code under test ------------------------------------------------------

    def auth_settings(self, **overrides: Any) -> AuthSettings:
        values: dict[str, Any] = {
            "oidc_issuer": self.issuer,
            "oidc_jwks_url": self.jwks_url,
            "oidc_audience": self.audience,
            "oidc_client_id": self.client_id,
            "algorithms": ["RS256", "ES256"],
            "tenant_claim": self.tenant_claim,
        }
        values.update(overrides)
        return AuthSettings(**values)

    def discovery_document(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "jwks_uri": self.jwks_url,
            "token_endpoint": f"{self.issuer}/token",
            "authorization_endpoint": f"{self.issuer}/authorize",
            "response_types_supported": ["code", "token"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": sorted({key.alg for key in self._keys.values()}),
        }

    # --- keys -----------------------------------------------------------------------------------------

    def add_key(self, alg: str = "RS256", kid: str | None = None, *, use_for_signing: bool = True) -> str:
        """Publish a new key (rotation step 1); by default tokens of `alg` are signed with it from now on."""
        key = IssuerKey(kid=kid or self._new_kid(alg), alg=alg, private=new_private_key(alg))
        self._publish(key, signing=use_for_signing)
        return key.kid

    @staticmethod
    def _new_kid(alg: str) -> str:
        return f"{alg.lower()}-{uuid.uuid4().hex[:8]}"

    def _publish(self, key: IssuerKey, *, signing: bool) -> None:
        with self._lock:
            self._keys[key.kid] = key
            if signing or key.alg not in self._signing:
                self._signing[key.alg] = key.kid

    def remove_key(self, kid: str) -> None:
        """Stop publishing a key (rotation step 2). Tokens can still be minted with it (to test rejection)."""
        with self._lock:
            self._retired[kid] = self._keys.pop(kid)
            for alg, signing_kid in list(self._signing.items()):
                if signing_kid == kid:
                    others = [key.kid for key in self._keys.values() if key.alg == alg]
                    if others:
                        self._signing[alg] = others[-1]
                    else:
                        del self._signing[alg]

    def kid_for(self, alg: str = "RS256") -> str:
        return self._signing[alg]

    def key(self, kid: str) -> IssuerKey:
        return self._keys[kid]

    @property
    def kids(self) -> list[str]:
        with self._lock:
            return list(self._keys)

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            return {"keys": [key.public_jwk() for key in self._keys.values()]}

    # --- tokens ---------------------------------------------------------------------------------------

    def claims(self, overrides: Mapping[str, Any] | None = None, *, now: float | None = None) -> dict[str, Any]:
        """Default claims of a valid access token, with `overrides` applied (a None value removes a claim)."""
        issued = int(time.time() if now is None else now)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": "user-1",
            "aud": self.audience,
            "iat": issued,
            "nbf": issued,
            "exp": issued + self.lifetime,
            self.tenant_claim: DEFAULT_TENANT,
            "scope": "read",
        }
        for name, value in (overrides or {}).items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return claims

    def mint(
        self,
        claims: Mapping[str, Any] | None = None,
        *,
        kid: str | None = None,
        alg: str = "RS256",
        key: PrivateKey | None = None,
        headers: Mapping[str, Any] | None = None,
        now: float | None = None,
    ) -> str:
        """A token signed with this issuer's key for `alg` (or `kid`, or any `key` — e.g. a foreign one)."""
        if kid is None:
            kid = self._signing[alg] if alg in self._signing else next(iter(self._keys))
        if key is None:
            key = self._known_key(kid).private
        header = {"kid": kid, **(headers or {})}
        return jwt.encode(self.claims(claims, now=now), key, algorithm=alg, headers=header)

    def mint_payload(self, payload: bytes, *, alg: str = "RS256") -> str:
        """A token signed with this issuer's key for `alg` whose payload is `payload` as written: JSON that no
        encoder writes from Python values (`"exp": 1e400`), or no JSON at all."""
        kid = self._signing[alg] if alg in self._signing else next(iter(self._keys))
        return jwt.api_jws.encode(payload, self._known_key(kid).private, algorithm=alg, headers={"kid": kid})

    def _known_key(self, kid: str) -> IssuerKey:
        with self._lock:
            known = self._keys.get(kid) or self._retired.get(kid)
        if known is None:
            raise KeyError(f"no key {kid!r} in this issuer (pass key=… to sign with a foreign key)")
        return known

    # --- browser sign-in: authorization code + PKCE ---------------------------------------------------

    def _redirect_ok(self, uri: str) -> bool:
        if self.redirect_uris:
            return uri in self.redirect_uris
        return uri.startswith("http://127.0.0.1:")

    def authorize_page(self, query: Mapping[str, str]) -> tuple[int, str]:
        """The sign-in form for a valid authorization request; 400 with the reason otherwise."""
        problem = self._request_problem(query)
        if problem:
            return 400, f"<!doctype html><title>error</title><p>{html.escape(problem)}</p>"
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in query.items()
            if k in ("client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "scope")
        )
        return 200, (
            '<!doctype html><html lang="en"><title>Fake issuer sign-in</title><main><h1>Sign in</h1>'
            f'<form method="post" action="/authorize">{hidden}'
            '<label for="username">User</label><input id="username" name="username" value="user-1">'
            f'<label for="tenant">Tenant</label><input id="tenant" name="tenant" value="{DEFAULT_TENANT}">'
            '<label for="scope">Scope</label><input id="scope" name="grant_scope" value="read">'
            '<button type="submit">Sign in</button></form></main></html>'
        )

    def _request_problem(self, query: Mapping[str, str]) -> str | None:
        if query.get("response_type", "code") != "code":
            return "unsupported_response_type"
        if query.get("client_id") != self.client_id:
            return "invalid client_id"
        if not self._redirect_ok(query.get("redirect_uri", "")):
            return "redirect_mismatch"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return "PKCE with S256 is required"
        return None

    def approve(self, form: Mapping[str, str]) -> tuple[int, str]:
        """The user pressed Sign in: (302, redirect_uri?code&state) or (400, reason)."""
        problem = self._request_problem(form)
        if problem:
            return 400, problem
        code = uuid.uuid4().hex
        with self._lock:
            self._codes[code] = {
                "client_id": form["client_id"],
                "redirect_uri": form["redirect_uri"],
                "challenge": form["code_challenge"],
                "sub": form.get("username") or "user-1",
                "tenant": form.get("tenant") or None,
                "scope": form.get("grant_scope") or "read",
                "at": time.time(),
            }
        return 302, f"{form['redirect_uri']}?{urlencode({'code': code, 'state': form.get('state', '')})}"

    def redeem(self, form: Mapping[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        """The token request of the code flow, checked like Cognito's token endpoint."""
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # one use only, whatever happens next
        if grant is None or time.time() - grant["at"] > 300:
            return 400, {"error": "invalid_grant"}
        if form.get("client_id", grant["client_id"]) != grant["client_id"]:
            return 400, {"error": "invalid_client"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"}
        verifier = form.get("code_verifier", "")
        computed = _b64(hashlib.sha256(verifier.encode()).digest())
        if not verifier or not hmac.compare_digest(computed, grant["challenge"]):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        self.codes_redeemed += 1
        claims: dict[str, Any] = {
            "sub": grant["sub"],
            "aud": None,
            "client_id": grant["client_id"],
            "token_use": "access",
            "username": grant["sub"],
            "scope": grant["scope"],
            self.tenant_claim: grant["tenant"],
        }
        access = self.mint(claims)
        id_token = self.mint({"sub": grant["sub"], "aud": grant["client_id"], "token_use": "id"})
        return 200, {"access_token": access, "id_token": id_token, "token_type": "Bearer", "expires_in": self.lifetime}

    # --- failure modes --------------------------------------------------------------------------------

    def fail_with(self, status: int = 500) -> None:
        """The JWKS endpoint answers `status` from now on."""
        self._mode, self._status = "status", status

    def hang(self, seconds: float = 30.0) -> None:
        """The JWKS endpoint accepts the connection and answers nothing for `seconds` (or until close())."""
        self._release = threading.Event()
        self._mode, self._hang_seconds = "hang", seconds

    def malformed(self) -> None:
        """The JWKS endpoint answers 200 with a body that is not JSON."""
        self._mode = "malformed"

    def nested(self) -> None:
        """The JWKS endpoint answers 200 with JSON nested deeper than any JSON reader goes (`{"keys": [[[[…`)."""
        self._mode = "nested"

    def heal(self) -> None:
        """Back to serving the JWKS; requests hanging now are released (and answer the JWKS)."""
        self._mode = "ok"
        self._release.set()

    @property
    def jwks_fetches(self) -> int:
        with self._lock:
            return self._jwks_fetches

    def _serve_jwks(self, handler: _Handler) -> None:
        with self._lock:
            self._jwks_fetches += 1
        mode = self._mode
        if mode == "status":
            handler._json(self._status, {"error": "server_error"})
        elif mode == "hang":
            self._release.wait(self._hang_seconds)
            handler._json(200, self.jwks())
        elif mode == "malformed":
            handler._send(200, b'{"keys": [', "application/json")
        elif mode == "nested":
            handler._send(200, b'{"keys": ' + b"[" * 100_000, "application/json")
        else:
            handler._json(200, self.jwks())


if __name__ == "__main__":  # pragma: no cover - a manual helper for docs/howto/authentication.md
    import sys

    with FakeOidcIssuer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0, lifetime=3600) as fake:
        print(f"issuer:   {fake.issuer}\njwks:     {fake.jwks_url}\naudience: {fake.audience}")
        print(f"token (admin, {DEFAULT_TENANT}):\n{fake.mint({'scope': 'admin'}, now=None)}")
        print("Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
