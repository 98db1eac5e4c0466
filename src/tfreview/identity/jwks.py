"""The issuer's signing keys, cached: fails soft when the issuer is down, never lets tokens drive fetches.

PyJWT's `PyJWKClient` refetches the JWKS on every unknown `kid` and clears its cache when a fetch
fails; this cache does neither (docs/adr/0011-identity.md):

- fresh for `max_age` seconds after a successful fetch; then refreshed by the first caller that needs
  a key, while every other caller keeps using the cached keys (no one waits behind a slow issuer);
- an unknown `kid` triggers at most one fetch per `refresh_min_interval` seconds, single-flight,
  however many random `kid`s arrive (a flood costs the issuer one request a minute);
- a failed fetch keeps the cached keys in service for `max_stale` seconds past their freshness
  (stale-if-error), counting consecutive failures for readiness and alerts;
- with no keys at all and the issuer unreachable, `KeysUnavailable` (the API answers 503, not 401).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from tfreview.core.errors import KeysUnavailable
from tfreview.ops.recorder import NullRecorder, Recorder
from tfreview.ops.upstream import upstream_outcome
from tfreview.plumbing.http import ResponseTooLarge, send_bounded
from tfreview.plumbing.json_documents import NotJson, read_json

logger = logging.getLogger("tfreview.identity")

MAX_JWKS_BYTES = 512 * 1024  # a JWKS holds a handful of public keys; anything bigger is not one
MAX_KID_LENGTH = 256
REFRESH_FAILURES_ALERT = 3  # A4: alert after this many failed refreshes in a row


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One public key of the issuer, with what the JWKS says about it (the token's header says nothing)."""

    kid: str
    kty: str  # "RSA" | "EC" | "OKP"
    curve: str | None  # EC / OKP: "P-256", "P-384", "P-521", "secp256k1", "Ed25519"
    declared_alg: str | None  # the JWK's own `alg`, when it has one: then the only algorithm it verifies
    jwk: PyJWK


@dataclass(frozen=True, slots=True)
class _KeySet:
    keys: dict[str, SigningKey]
    fetched_at: float  # clock() of the fetch that produced it


class JwksFetchError(Exception):
    """One JWKS fetch failed (internal: callers see stale keys or KeysUnavailable)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status  # the HTTP status, when the issuer answered
        super().__init__(message)


class JwksCache:
    """Signing keys by `kid`, fetched from `url` with `http`. Thread-safe; implements HealthCheck ("jwks").

    `clock` returns seconds on a monotonic scale (tests pass a fake clock)."""

    name = "jwks"

    def __init__(
        self,
        url: str,
        http: httpx.Client,
        timeout: float = 5.0,
        refresh_min_interval: float = 60.0,
        max_stale: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_age: float = 300.0,
        cold_retry_interval: float = 5.0,
        metrics: Recorder | None = None,
    ) -> None:
        self.url = url
        self._http = http
        self._timeout = timeout
        self._refresh_min_interval = refresh_min_interval
        self._max_stale = max_stale
        self._max_age = max_age
        self._cold_retry_interval = min(cold_retry_interval, refresh_min_interval)
        self._clock = clock
        self._keyset: _KeySet | None = None
        self._last_attempt_at: float | None = None
        self._refresh_lock = threading.Lock()
        self.consecutive_failures = 0
        self.last_success_at: float | None = None  # clock() of the last successful fetch
        self.fetches = 0  # attempts, successful or not (for metrics)
        self.metrics: Recorder = metrics or NullRecorder()

    # --- the one question callers ask -----------------------------------------------------------------

    def key_for(self, kid: str) -> SigningKey | None:
        """The key with this `kid`, or None when the issuer does not have it (the caller answers 401).

        Raises KeysUnavailable when no keys can be had at all (cold cache or stale past `max_stale`,
        and the issuer unreachable)."""
        if not kid or len(kid) > MAX_KID_LENGTH:
            return None
        now = self._clock()
        keyset = self._usable(now)
        if keyset is None:
            keyset = self._load_cold()
            return keyset.keys.get(kid)
        if now - keyset.fetched_at >= self._max_age:
            keyset = self._refresh_expired(keyset)
        key = keyset.keys.get(kid)
        if key is None:
            key = self._refresh_for_unknown(kid)
        return key

    def warm(self) -> bool:
        """Fetch now if there are no keys yet (at start-up); False when that failed (not an error)."""
        try:
            self._load_cold()
        except KeysUnavailable:
            return False
        return True

    def check(self) -> tuple[bool, str]:
        """Readiness: healthy while keys are usable (fresh or stale-if-error). Tries a fetch when cold."""
        now = self._clock()
        keyset = self._usable(now)
        if keyset is None:
            if not self.warm():
                return False, f"no signing keys: JWKS fetch failing ({self.consecutive_failures} in a row)"
            keyset = self._usable(self._clock())
            if keyset is None:  # pragma: no cover - a fetch just succeeded
                return False, "no signing keys"
        age = int(now - keyset.fetched_at)
        detail = f"{len(keyset.keys)} signing keys, fetched {age} s ago"
        if self.consecutive_failures:
            detail += f"; serving cached keys, {self.consecutive_failures} refreshes failed in a row"
        return True, detail

    @property
    def alerting(self) -> bool:
        """True after REFRESH_FAILURES_ALERT failed refreshes in a row (A4)."""
        return self.consecutive_failures >= REFRESH_FAILURES_ALERT

    # --- states -----------------------------------------------------------------------------------------

    def _usable(self, now: float) -> _KeySet | None:
        keyset = self._keyset
        if keyset is None or now - keyset.fetched_at > self._max_age + self._max_stale:
            return None
        return keyset

    def _since_last_attempt(self, now: float) -> float:
        return float("inf") if self._last_attempt_at is None else now - self._last_attempt_at

    def _load_cold(self) -> _KeySet:
        """No usable keys: fetch (single-flight; retries throttled to one per cold_retry_interval)."""
        with self._refresh_lock:
            now = self._clock()
            keyset = self._usable(now)
            if keyset is not None:  # another caller fetched while we waited
                return keyset
            if self._since_last_attempt(now) < self._cold_retry_interval:
                raise KeysUnavailable("no signing keys: the identity provider's JWKS is unavailable")
            try:
                return self._fetch(now)
            except JwksFetchError as exc:
                self._keyset = None  # past max_stale: stop trusting what we had
                raise KeysUnavailable("no signing keys: the identity provider's JWKS is unavailable") from exc

    def _refresh_expired(self, keyset: _KeySet) -> _KeySet:
        """Keys past max_age: one caller refreshes (throttled), the others go on with the cached keys."""
        if not self._refresh_lock.acquire(blocking=False):
            return keyset
        try:
            now = self._clock()
            current = self._keyset or keyset
            if now - current.fetched_at < self._max_age:  # refreshed meanwhile
                return current
            if self._since_last_attempt(now) < self._refresh_min_interval:
                return current
            try:
                return self._fetch(now)
            except JwksFetchError:
                return current  # stale-if-error
        finally:
            self._refresh_lock.release()

    def _refresh_for_unknown(self, kid: str) -> SigningKey | None:
        """An unknown kid: perhaps a new signing key. At most one fetch per refresh_min_interval."""
        now = self._clock()
        if self._since_last_attempt(now) < self._refresh_min_interval:
            keyset = self._keyset
            return keyset.keys.get(kid) if keyset else None
        with self._refresh_lock:
            now = self._clock()
            keyset = self._keyset
            if keyset is not None and kid in keyset.keys:
                return keyset.keys[kid]
            if self._since_last_attempt(now) < self._refresh_min_interval:
                return None
            try:
                return self._fetch(now).keys.get(kid)
            except JwksFetchError:
                return None

    # --- the fetch ----------------------------------------------------------------------------------------

    def _fetch(self, now: float) -> _KeySet:
        """Fetch and replace the key set; call with the refresh lock held."""
        self._last_attempt_at = now
        self.fetches += 1
        try:
            keys = self._download()
        except JwksFetchError as exc:
            self.consecutive_failures += 1
            log = logger.error if self.consecutive_failures >= REFRESH_FAILURES_ALERT else logger.warning
            log("JWKS fetch failed (%s); %d failures in a row", exc, self.consecutive_failures)
            outcome = upstream_outcome(exc.__cause__, exc.status)
            self.metrics.count("tfreview_jwks_fetches_total", outcome="timeout" if outcome == "timeout" else "error")
            self.metrics.count("tfreview_upstream_requests_total", upstream="jwks", outcome=outcome)
            self.metrics.set("tfreview_jwks_consecutive_failures", self.consecutive_failures)
            raise
        keyset = _KeySet(keys=keys, fetched_at=now)
        self._keyset = keyset
        self.consecutive_failures = 0
        self.last_success_at = now
        self.metrics.count("tfreview_jwks_fetches_total", outcome="ok")
        self.metrics.count("tfreview_upstream_requests_total", upstream="jwks", outcome="ok")
        self.metrics.set("tfreview_jwks_consecutive_failures", 0)
        self.metrics.set("tfreview_jwks_last_success_timestamp_seconds", time.time())
        logger.info("JWKS fetched: %d signing keys", len(keys))
        return keyset

    def _download(self) -> dict[str, SigningKey]:
        try:
            request = self._http.build_request("GET", self.url, timeout=self._timeout)
            response = send_bounded(self._http, request, MAX_JWKS_BYTES)  # read no further than a JWKS can be
        except ResponseTooLarge:
            raise JwksFetchError("response too large") from None
        except httpx.TimeoutException as exc:
            raise JwksFetchError(f"timed out after {self._timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise JwksFetchError(type(exc).__name__) from exc
        if response.status_code != 200:
            raise JwksFetchError(f"HTTP {response.status_code}", status=response.status_code)
        try:
            document = read_json(response.content)
        except NotJson as exc:  # `[[[[…` past the reader's depth is no JWKS either
            raise JwksFetchError("response is not JSON") from exc
        return parse_jwks(document)


def parse_jwks(document: object) -> dict[str, SigningKey]:
    """Usable public signing keys by kid. Symmetric (`oct`) keys, encryption keys and keys without a
    kid are skipped: a key fetched from a URL is never an HMAC secret."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksFetchError("response is not a JWK set")
    keys: dict[str, SigningKey] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict):
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid or len(kid) > MAX_KID_LENGTH:
            continue
        kty = entry.get("kty")
        if kty not in {"RSA", "EC", "OKP"} or entry.get("use", "sig") != "sig":
            continue
        declared_alg = entry.get("alg")
        curve = entry.get("crv")
        if (declared_alg is not None and not isinstance(declared_alg, str)) or (
            curve is not None and not isinstance(curve, str)
        ):
            continue
        try:
            jwk = PyJWK(entry)
        except PyJWTError:
            continue
        keys[kid] = SigningKey(kid=kid, kty=kty, curve=curve, declared_alg=declared_alg, jwk=jwk)
    if not keys:
        raise JwksFetchError("JWK set holds no usable signing keys")
    return keys
