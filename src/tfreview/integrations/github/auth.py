"""Who we are to GitHub: a GitHub App (app JWT → installation tokens) or a plain token.

`AppAuth` signs the app JWT (RS256; `iat` 60 s in the past for clock drift, `exp` 9 min ahead —
GitHub refuses more than 10 — and `iss` the App id) with the first configured private key that
reads, parses and that GitHub accepts: during a key rotation both keys are listed, and a revoked
first key costs one 401 before the second is used (and kept). Installation tokens (valid 1 h) are
cached per installation until 5 minutes before `expires_at`; `invalidate(installation_id)` drops
one after a 401 so the next request fetches a fresh one. One lock per installation: concurrent
workers wait for a single token request instead of racing.

`TokenAuth` is a plain token (a fine-grained PAT or an Actions token) for a one-repository setup;
`invalidate` re-reads its source (a rotated token is picked up without a restart).

Neither logs a token or a key; error messages are built from status codes and GitHub's messages,
scrubbed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
import jwt

from tfreview.core.errors import AuthError, ConfigError
from tfreview.core.redact import scrub_text
from tfreview.integrations.github.api_values import json_document, refusal_text
from tfreview.integrations.github.errors import GitHubNotFound, GitHubUnavailable, RateLimited
from tfreview.integrations.github.ratelimit import LONGEST_WAIT, SECONDARY_DEFAULT_WAIT, names_a_limit
from tfreview.integrations.github.settings import REQUIRED_PERMISSIONS, GitHubAppSettings
from tfreview.plumbing.http import ResponseTooLarge, failure_name, header_number, parse_retry_after, send_bounded
from tfreview.plumbing.json_documents import NotJson, read_json
from tfreview.plumbing.secret_references import SecretSource

log = logging.getLogger(__name__)

Clock = Callable[[], float]

API_VERSION = "2022-11-28"
USER_AGENT = "tfreview"
JWT_BACKDATE_SECONDS = 60
JWT_LIFETIME_SECONDS = 540  # from now; GitHub refuses an exp more than 10 minutes ahead
TOKEN_REFRESH_MARGIN_SECONDS = 300
MAX_APP_ANSWER_BYTES = 1024 * 1024  # an installation token or the App's own document: a few kB
_LEVELS = {"read": 1, "write": 2, "admin": 3}


class GitHubAuth(Protocol):
    """What `GitHubClient` needs from an authentication scheme."""

    kind: str  # "app" | "token"

    def installation_authorization(self, installation_id: int | None) -> str:
        """The `Authorization` header value for repository calls of `installation_id`."""
        ...

    def app_authorization(self) -> str:
        """The `Authorization` header value for `/app…` calls (the app JWT)."""
        ...

    def invalidate(self, installation_id: int | None) -> None:
        """GitHub answered 401 with what `installation_authorization` gave: drop it."""
        ...

    def reject_app_key(self, authorization: str | None = None) -> None:
        """GitHub answered 401 to the app JWT (`authorization`, the header sent): use the next private key."""
        ...

    def scrub(self, text: str) -> str:
        """`text` without any credential this scheme holds."""
        ...


@dataclass(frozen=True, slots=True)
class LentToken:
    """An installation token a worker lends the review process it sends a review to (ADR 0690): that process uses
    it instead of minting one of its own. `fresh_seconds`: how long it may be used before a new one is fetched."""

    installation_id: int
    token: str
    fresh_seconds: float

    def __repr__(self) -> str:  # never the token (a log line, an error's args)
        return f"LentToken(installation_id={self.installation_id}, fresh_seconds={self.fresh_seconds:.0f})"


@dataclass(frozen=True)
class _CachedToken:
    token: str
    refresh_at: float  # clock() after which a new token is fetched

    def __repr__(self) -> str:
        return f"_CachedToken(refresh_at={self.refresh_at})"


class AppAuth:
    """GitHub App authentication: app JWT and cached installation tokens. Thread-safe."""

    kind = "app"

    def __init__(
        self,
        settings: GitHubAppSettings,
        http: httpx.Client,
        clock: Clock = time.time,
        *,
        keys: list[SecretSource] | None = None,
    ) -> None:
        if settings.app_id is None:
            raise ConfigError("a GitHub App needs app_id")
        self._app_id = settings.app_id
        self._api_url = settings.api_url.rstrip("/")
        self._required = dict(settings.required_permissions)
        self._http = http
        self._clock = clock
        self._keys = keys if keys is not None else settings.private_key_sources()
        if not self._keys:
            raise ConfigError("a GitHub App needs at least one private key (private_keys)")
        self._key_index = 0  # the key GitHub accepted last
        self._lock = threading.Lock()
        self._install_locks: dict[int, threading.Lock] = {}
        self._tokens: dict[int, _CachedToken] = {}
        self._jwt: tuple[str, float, int] | None = None  # (jwt, refresh_at, key index)
        self._signed: dict[int, str] = {}  # key index → the last JWT it signed (which key a refused JWT was)
        self._issued: set[str] = set()  # every installation token handed out, for scrub()

    def __repr__(self) -> str:
        return f"AppAuth(app_id={self._app_id}, keys={len(self._keys)})"

    # --- app JWT ----------------------------------------------------------------------------------

    def app_jwt(self) -> str:
        """A JWT for `/app…` calls, signed with the preferred key (or the next one that signs)."""
        with self._lock:
            now = self._clock()
            if self._jwt is not None and self._jwt[1] > now and self._jwt[2] == self._key_index:
                return self._jwt[0]
            start = self._key_index
        for offset in range(len(self._keys)):
            index = (start + offset) % len(self._keys)
            token = self._sign(index, now)
            if token is not None:
                with self._lock:
                    self._key_index = index
                    self._jwt = (token, now + JWT_LIFETIME_SECONDS - 60, index)
                    self._signed[index] = token
                return token
        raise ConfigError("no configured GitHub App private key can sign a JWT (see the warnings above)")

    def _sign(self, index: int, now: float) -> str | None:
        source = self._keys[index]
        claims = {
            "iat": int(now) - JWT_BACKDATE_SECONDS,
            "exp": int(now) + JWT_LIFETIME_SECONDS,
            "iss": str(self._app_id),
        }
        try:
            return jwt.encode(claims, source.value(), algorithm="RS256")
        except ConfigError as error:
            log.warning("GitHub App private key %d (%s) unusable: %s", index + 1, source.origin, error)
        except (ValueError, TypeError, jwt.PyJWTError) as error:
            log.warning(
                "GitHub App private key %d (%s) is not an RSA key: %s", index + 1, source.origin, type(error).__name__
            )
        return None

    def app_authorization(self) -> str:
        return f"Bearer {self.app_jwt()}"

    def reject_app_key(self, authorization: str | None = None) -> None:
        """GitHub refused `authorization` (an app JWT header): move to the next key, once per refused key. Requests
        in flight together were all signed with the same key: their 401s move past it once, not once each (a
        second step went back to the refused key, and a caller ran out of keys during a rotation, K4)."""
        token = authorization.removeprefix("Bearer ") if authorization else None
        with self._lock:
            signed_by = next((index for index, jwt_ in self._signed.items() if jwt_ == token), None)
            if signed_by is not None and signed_by != self._key_index:
                return  # another request's 401 already moved past that key
            rejected = self._key_index
            self._key_index = (rejected + 1) % len(self._keys)
            self._jwt = None
        log.warning(
            "GitHub rejected the app JWT signed with private key %d (%s); trying key %d",
            rejected + 1,
            self._keys[rejected].origin,
            self._key_index + 1,
        )

    # --- installation tokens ----------------------------------------------------------------------

    def installation_authorization(self, installation_id: int | None) -> str:
        if installation_id is None:
            raise ConfigError("a GitHub App call on a repository needs an installation id")
        return f"token {self.installation_token(installation_id)}"

    def installation_token(self, installation_id: int) -> str:
        """A valid installation token: cached, or fetched (one request per installation at a time)."""
        with self._lock:
            lock = self._install_locks.setdefault(installation_id, threading.Lock())
        with lock:
            cached = self._tokens.get(installation_id)
            if cached is not None and cached.refresh_at > self._clock():
                return cached.token
            token, expires_at = self._fetch_token(installation_id)
            with self._lock:
                self._issued.add(token)
            self._tokens[installation_id] = _CachedToken(token, expires_at - TOKEN_REFRESH_MARGIN_SECONDS)
            log.info("GitHub installation %d: new token, expires %s", installation_id, _iso(expires_at))
            return token

    def lend(self, installation_id: int) -> LentToken:
        """A valid token of `installation_id` (cached, or fetched now) and how long it stays fresh, for a review
        process (ADR 0690): one token per installation for the whole service, not one per process."""
        token = self.installation_token(installation_id)
        with self._lock:
            cached = self._tokens.get(installation_id)
        fresh = cached.refresh_at - self._clock() if cached is not None and cached.token == token else 0.0
        return LentToken(installation_id, token, max(0.0, fresh))

    def adopt(self, lent: LentToken) -> None:
        """Use `lent` (a token the worker fetched) for its installation until it is no longer fresh or GitHub
        refuses it (`invalidate`); then this process fetches its own."""
        if lent.fresh_seconds <= 0:
            return
        with self._lock:
            lock = self._install_locks.setdefault(lent.installation_id, threading.Lock())
            self._issued.add(lent.token)  # scrubbed from what this process says, as a token it fetched
        with lock:
            self._tokens[lent.installation_id] = _CachedToken(lent.token, self._clock() + lent.fresh_seconds)

    def returned(self, lent: LentToken) -> LentToken | None:
        """The token this process holds for `lent`'s installation when it is not `lent`'s — GitHub refused the lent
        one, or it went stale, and this process fetched its own — to give back to the lender (ADR 0713); else None."""
        with self._lock:
            cached = self._tokens.get(lent.installation_id)
        if cached is None or cached.token == lent.token:
            return None
        fresh = cached.refresh_at - self._clock()
        return LentToken(lent.installation_id, cached.token, fresh) if fresh > 0 else None

    def take_back(self, lent: LentToken, returned: LentToken) -> None:
        """The borrower of `lent` fetched `returned` in its place (ADR 0713): lend and use that one from now on —
        unless this process already holds another token than `lent` (it fetched a newer one meanwhile)."""
        if returned.installation_id != lent.installation_id or returned.fresh_seconds <= 0:
            return
        with self._lock:
            lock = self._install_locks.setdefault(lent.installation_id, threading.Lock())
        with lock:
            cached = self._tokens.get(lent.installation_id)
            if cached is not None and cached.token != lent.token:
                return
            with self._lock:
                self._issued.add(returned.token)  # scrubbed from what this process says, as a token it fetched
            self._tokens[lent.installation_id] = _CachedToken(returned.token, self._clock() + returned.fresh_seconds)

    def invalidate(self, installation_id: int | None) -> None:
        if installation_id is None:
            return
        with self._lock:
            lock = self._install_locks.setdefault(installation_id, threading.Lock())
        with lock:
            self._tokens.pop(installation_id, None)
        log.info(
            "GitHub installation %d: token dropped after a refusal (401, or 403 naming a permission)", installation_id
        )

    def _fetch_token(self, installation_id: int) -> tuple[str, float]:
        path = f"/app/installations/{int(installation_id)}/access_tokens"
        document = self._app_request("POST", path)
        token = document.get("token")
        expires_raw = document.get("expires_at")
        if not isinstance(token, str) or not token or not isinstance(expires_raw, str):
            raise GitHubUnavailable(f"GitHub POST {path}: an answer without token or expires_at")
        try:
            expires_at = datetime.fromisoformat(expires_raw.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise GitHubUnavailable(f"GitHub POST {path}: expires_at is not a date") from None
        return token, expires_at

    def _app_request(self, method: str, path: str) -> dict[str, Any]:
        """One app-JWT request; a 401 moves to the next private key, each key tried at most once."""
        for _attempt in range(len(self._keys)):
            headers = {
                "Authorization": self.app_authorization(),
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": USER_AGENT,
            }
            try:
                request = self._http.build_request(method, f"{self._api_url}{path}", headers=headers)
                response = send_bounded(self._http, request, MAX_APP_ANSWER_BYTES)
            except ResponseTooLarge:
                raise GitHubUnavailable(
                    f"GitHub {method} {path}: answer larger than {MAX_APP_ANSWER_BYTES:,} bytes",
                    ambiguous=method != "GET",
                ) from None
            except (httpx.TransportError, httpx.DecodingError) as error:  # a body that does not decode: GitHub's
                raise GitHubUnavailable(
                    f"GitHub {method} {path}: {failure_name(error)}", ambiguous=method != "GET"
                ) from None
            if response.status_code == 401:
                self.reject_app_key(headers["Authorization"])
                continue
            if response.status_code == 404:
                raise GitHubNotFound(f"GitHub {method} {path}: 404 (is the App installed there?)")
            if response.status_code >= 400:
                message = self.scrub(_message(response))
                limited = self._rate_limit_wait(response, message)
                if limited is not None:  # the App's own requests meet rate limits too: a wait, not a refusal
                    raise RateLimited(
                        f"GitHub {method} {path}: refused by a rate limit ({response.status_code} {message});"
                        f" {limited:.0f} s to wait",
                        wait_seconds=limited,
                        kind="app",
                    )
                if response.status_code >= 500:
                    raise GitHubUnavailable(
                        f"GitHub {method} {path}: {response.status_code} {message}", status=response.status_code
                    )
                raise AuthError(
                    f"GitHub {method} {path}: {response.status_code} {message}", status=response.status_code
                )
            document = json_document(response, method, path)
            if not isinstance(document, dict):
                raise GitHubUnavailable(f"GitHub {method} {path}: the answer is not a JSON object")
            return document
        raise AuthError(f"GitHub rejected the app JWT signed with each of the {len(self._keys)} private keys")

    def _rate_limit_wait(self, response: httpx.Response, message: str) -> float | None:
        """Seconds to wait when a 403/429 is a rate limit (as the client's limiter reads one), else None."""
        if response.status_code not in (403, 429):
            return None
        headers = response.headers
        retry_after = parse_retry_after(headers)
        if retry_after is not None:
            return min(max(retry_after, 1.0), LONGEST_WAIT)
        remaining, reset = (
            header_number(headers.get("x-ratelimit-remaining")),
            header_number(headers.get("x-ratelimit-reset")),
        )
        if remaining is not None and remaining <= 0 and reset is not None:
            return min(max(reset - self._clock(), 1.0), LONGEST_WAIT)
        if response.status_code == 429 or "rate limit" in message.lower() or names_a_limit(refusal_text(response)):
            return SECONDARY_DEFAULT_WAIT
        return None

    # --- permissions ------------------------------------------------------------------------------

    def installation_permissions(self, installation_id: int) -> dict[str, str]:
        path = f"/app/installations/{int(installation_id)}"
        document = self._app_request("GET", path)
        permissions = document.get("permissions")
        if not isinstance(permissions, dict):  # not "every permission missing": an answer of another shape (ADR 0548)
            raise GitHubUnavailable(f"GitHub GET {path}: the answer holds no permissions object")
        return {str(k)[:100]: str(v)[:100] for k, v in permissions.items()}

    def check_permissions(self, installation_id: int) -> list[str]:
        """Warnings: a required permission missing or too weak, and any write permission we do not need (S6)."""
        warnings = permission_warnings(self.installation_permissions(installation_id), self._required)
        for warning in warnings:
            log.warning("GitHub installation %d: %s", installation_id, warning)
        return warnings

    def scrub(self, text: str) -> str:
        with self._lock:
            issued = list(self._issued)
        for token in issued:
            text = text.replace(token, "(redacted)")
        return scrub_text(text)


class TokenAuth:
    """A plain token (`Authorization: token …`) for every call; there is no app JWT."""

    kind = "token"

    def __init__(self, source: SecretSource) -> None:
        self._source = source

    def __repr__(self) -> str:
        return f"TokenAuth({self._source.origin})"

    def installation_authorization(self, installation_id: int | None) -> str:
        return f"token {self._source.value()}"

    def app_authorization(self) -> str:
        raise ConfigError("this call needs a GitHub App (app_id and private_keys), not a plain token")

    def invalidate(self, installation_id: int | None) -> None:
        if self._source.reload():
            log.info("GitHub token re-read from %s after a 401", self._source.origin)

    def reject_app_key(self, authorization: str | None = None) -> None:
        """No app key to reject."""

    def check_permissions(self, installation_id: int | None = None) -> list[str]:
        """A plain token's permissions are not listed by GitHub: nothing to check (logged once)."""
        log.info("GitHub: a plain token is used; its permissions cannot be checked at start")
        return []

    def scrub(self, text: str) -> str:
        return self._source.scrub(text)


def permission_warnings(granted: Mapping[str, str], required: Mapping[str, str] = REQUIRED_PERMISSIONS) -> list[str]:
    """Missing or too-weak required permissions, then extra write/admin permissions, sorted by name."""
    warnings: list[str] = []
    for name, level in sorted(required.items()):
        have = granted.get(name)
        if have is None:
            warnings.append(f"missing permission {name}: {level}")
        elif _level(have) < _level(level):
            warnings.append(f"permission {name} is {have}, tfreview needs {level}")
    for name, have in sorted(granted.items()):
        needed = _level(required.get(name, "none"))
        if _level(have) >= _LEVELS["write"] and _level(have) > needed:
            warnings.append(f"extra permission {name}: {have} (tfreview does not need it; remove it from the App)")
    return warnings


def _level(value: object) -> int:
    """A permission level's rank: `read` < `write` < `admin`, in any case and spacing; `none` (or empty) is 0. A level
    of another name (or not a string) is ranked a write: an unknown grant is never taken for harmless."""
    text = str(value).strip().lower()
    if text in ("", "none"):
        return 0
    return _LEVELS.get(text, _LEVELS["write"])


def _message(response: httpx.Response) -> str:
    try:
        document = read_json(response.content)
    except NotJson:
        return response.reason_phrase
    if isinstance(document, dict) and isinstance(document.get("message"), str):
        return str(document["message"])[:300]
    return response.reason_phrase


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="seconds")
