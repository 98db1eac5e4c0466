"""Dashboard sessions: an HMAC-signed cookie saying who signed in and until when, and CSRF tokens.

The cookie holds no credential: the subject, tenant, scope and kind of the principal, the API token's
public id (so a revoked token ends its sessions), an expiry and a random nonce. It is signed with
`dashboard.session_secret` (HMAC-SHA256) and set `Secure; HttpOnly; SameSite=Lax; Path=/`.
Every form carries `csrf = HMAC(dashboard.csrf_secret, nonce)`: a page of another site can neither
read it nor forge it, and a new sign-in (a new nonce) voids the old ones. Anyone who opens a page gets
an anonymous session (a nonce, nobody signed in) so the sign-in forms are protected as well.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from tfreview.ports.records import Principal, Scope

SESSION_COOKIE = "tfr_session"
SIGN_IN_COOKIE = "tfr_sign_in"  # the OIDC round trip in flight: state, PKCE verifier, where to go next
SIGN_IN_SECONDS = 600  # an authorization round trip must come back within this time
_MAX_COOKIE = 4096


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class Session:
    """One browser's session; `subject` None means nobody is signed in yet."""

    nonce: str
    expires: float
    subject: str | None = None
    tenant_id: str | None = None
    scope: str | None = None
    kind: str | None = None  # "oidc" | "token"
    token_id: str | None = None  # the API token's public id (kind "token")

    @property
    def principal(self) -> Principal | None:
        if self.subject is None or self.scope is None or self.kind is None:
            return None
        return Principal(subject=self.subject, tenant_id=self.tenant_id, scope=Scope(self.scope), kind=self.kind)


class SessionSigner:
    """Signs and reads session cookies and the other short signed values of the dashboard."""

    def __init__(
        self, session_key: bytes, csrf_key: bytes, max_age: int, *, clock: Callable[[], float] = time.time
    ) -> None:
        if len(session_key) < 16 or len(csrf_key) < 16:
            raise ValueError("dashboard signing keys must be at least 16 bytes")
        self._session_key = session_key
        self._csrf_key = csrf_key
        self.max_age = max_age
        self._clock = clock

    # --- sessions -----------------------------------------------------------------------------------

    def anonymous(self) -> Session:
        return Session(nonce=secrets.token_urlsafe(18), expires=self._clock() + self.max_age)

    def signed_in(self, principal: Principal, *, token_id: str | None = None, until: float | None = None) -> Session:
        """A new session (new nonce: old forms and cookies stop working) for `principal`."""
        expires = self._clock() + self.max_age
        if until is not None:
            expires = min(expires, until)
        return Session(
            nonce=secrets.token_urlsafe(18),
            expires=expires,
            subject=principal.subject,
            tenant_id=principal.tenant_id,
            scope=principal.scope.value,
            kind=principal.kind,
            token_id=token_id,
        )

    def dump(self, session: Session) -> str:
        return self.seal(asdict(session), purpose="session")

    def load(self, value: str | None) -> Session | None:
        """The session in a cookie value; None when absent, tampered with, malformed or expired."""
        data = self.unseal(value, purpose="session")
        if data is None:
            return None
        try:
            session = Session(**data)
        except TypeError:
            return None
        if not isinstance(session.nonce, str) or not isinstance(session.expires, int | float):
            return None
        if session.scope is not None and session.scope not in {s.value for s in Scope}:
            return None
        return session if session.expires > self._clock() else None

    def signed_out(self, session: Session) -> Session:
        return replace(self.anonymous(), expires=max(session.expires, self._clock() + self.max_age))

    # --- CSRF ---------------------------------------------------------------------------------------

    def csrf_token(self, session: Session) -> str:
        return _b64(hmac.new(self._csrf_key, b"csrf|" + session.nonce.encode(), hashlib.sha256).digest())

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        if session is None or not token:
            return False
        return hmac.compare_digest(self.csrf_token(session), token)

    # --- any short signed value ---------------------------------------------------------------------

    def seal(self, data: Mapping[str, Any], *, purpose: str) -> str:
        body = _b64(json.dumps(dict(data), separators=(",", ":"), sort_keys=True).encode())
        return f"{body}.{self._mac(purpose, body)}"

    def unseal(self, value: str | None, *, purpose: str) -> dict[str, Any] | None:
        if not value or len(value) > _MAX_COOKIE or value.count(".") != 1:
            return None
        body, mac = value.split(".")
        if not hmac.compare_digest(self._mac(purpose, body), mac):
            return None
        try:
            data = json.loads(_unb64(body))
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def _mac(self, purpose: str, body: str) -> str:
        return _b64(hmac.new(self._session_key, f"{purpose}|{body}".encode(), hashlib.sha256).digest())

    def now(self) -> float:
        return self._clock()
