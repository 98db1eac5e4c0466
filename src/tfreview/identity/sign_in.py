"""Browser sign-in with OIDC: the authorization code flow with PKCE (RFC 7636, S256) against the issuer.

The dashboard sends the browser to the issuer's `authorization_endpoint` with a fresh `state` and
code challenge, and on its return exchanges the code at the `token_endpoint` with the verifier. The
access token it gets is then checked by the same `OidcVerifier` as every API call (issuer, signature,
expiry, audience or Amazon Cognito's `client_id` + `token_use=access`, tenant and scope claims), so a
browser session never grants more than that token would on the API. Endpoints come from the issuer's
discovery document (`<issuer>/.well-known/openid-configuration`, Cognito's layout too) unless set.
Both answers are read up to 256 KiB (`send_bounded`, ADR 0376): never a runaway answer in memory.
No message here holds a code, a verifier or a token.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from tfreview.core.errors import AuthError, ConfigError, UpstreamError
from tfreview.identity.settings import AuthSettings
from tfreview.plumbing.http import ResponseTooLarge, send_bounded
from tfreview.plumbing.json_documents import NotJson, read_json

logger = logging.getLogger("tfreview.identity.sign_in")
_MAX_ANSWER_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)  # 64 characters of [A-Za-z0-9_-]: within RFC 7636's 43..128
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


@dataclass(frozen=True, slots=True)
class Endpoints:
    authorization: str
    token: str


class OidcSignIn:
    """The issuer's side of a browser sign-in; one per service (endpoints discovered once, then cached)."""

    def __init__(self, settings: AuthSettings, http: httpx.Client) -> None:
        if not settings.oidc_issuer or not settings.oidc_client_id:
            raise ConfigError("OIDC sign-in needs auth.oidc_issuer and auth.oidc_client_id")
        self._settings = settings
        self._http = http
        self._client_id = settings.oidc_client_id
        self._lock = threading.Lock()
        self._endpoints: Endpoints | None = None

    def authorization_url(self, *, redirect_uri: str, state: str, challenge: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self._client_id,
            "redirect_uri": redirect_uri,
            "scope": self._settings.oidc_sign_in_scopes,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        endpoint = self.endpoints().authorization
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"

    def exchange(self, *, code: str, verifier: str, redirect_uri: str) -> str:
        """The access token the issuer gives for `code`; AuthError when refused, UpstreamError when down."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self._client_id,
            "code_verifier": verifier,
        }
        secret = self._settings.oidc_client_secret
        headers = {"Accept": "application/json"}
        if secret is not None:  # client_secret_basic, as httpx's `auth=(id, secret)` spelled it
            pair = f"{self._client_id}:{secret.get_secret_value()}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        endpoint = self.endpoints().token
        request = self._http.build_request(
            "POST", endpoint, data=form, headers=headers, timeout=self._settings.jwks_timeout_seconds
        )
        try:
            answer = send_bounded(self._http, request, _MAX_ANSWER_BYTES)
        except ResponseTooLarge:
            raise UpstreamError(f"the OIDC token endpoint answered more than {_MAX_ANSWER_BYTES} bytes") from None
        except httpx.HTTPError as exc:
            raise UpstreamError(f"the OIDC token endpoint is unreachable ({type(exc).__name__})") from None
        if answer.status_code in (400, 401):
            logger.info("OIDC code exchange refused (%d)", answer.status_code)
            raise AuthError("the identity provider refused the sign-in; start again")
        if answer.status_code != 200:
            raise UpstreamError(f"the OIDC token endpoint answered {answer.status_code}")
        try:
            document = read_json(answer.content)
        except NotJson:  # `[[[[…` past the reader's depth too
            document = None
        token = document.get("access_token") if isinstance(document, dict) else None
        if not isinstance(token, str) or not token:
            raise UpstreamError("the OIDC token endpoint answered no access token")
        return token

    def endpoints(self) -> Endpoints:
        with self._lock:
            if self._endpoints is None:
                self._endpoints = self._discover()
            return self._endpoints

    def _discover(self) -> Endpoints:
        authorization = self._settings.oidc_authorization_endpoint
        token = self._settings.oidc_token_endpoint
        if authorization is None or token is None:
            issuer = str(self._settings.oidc_issuer).rstrip("/")
            request = self._http.build_request(
                "GET", f"{issuer}/.well-known/openid-configuration", timeout=self._settings.jwks_timeout_seconds
            )
            try:
                answer = send_bounded(self._http, request, _MAX_ANSWER_BYTES)
                document = read_json(answer.content) if answer.status_code == 200 else None
            except (httpx.HTTPError, NotJson, ResponseTooLarge) as exc:
                raise UpstreamError(f"the OIDC discovery document is unavailable ({type(exc).__name__})") from None
            if not isinstance(document, dict):
                raise UpstreamError("the OIDC discovery document is unavailable")
            authorization = authorization or document.get("authorization_endpoint")
            token = token or document.get("token_endpoint")
        if not isinstance(authorization, str) or not isinstance(token, str):
            raise UpstreamError("the OIDC issuer publishes no authorization or token endpoint")
        return Endpoints(authorization, token)
