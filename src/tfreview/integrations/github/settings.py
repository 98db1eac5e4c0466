"""GitHub App settings, mounted by the service as `Settings.github_app` (env: `TFREVIEW_GITHUB_APP__…`).

Secrets are never stored here: `private_keys`, `token` and `marker_secret` name where the value
lives (`env:NAME` or `file:PATH`, read by `SecretSource`). Several private keys may be listed while
a key is rotated: each is tried in order and the first GitHub accepts is used.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from tfreview.core.errors import ConfigError
from tfreview.plumbing.secret_references import SecretSource

Permission = Literal["read", "write", "admin"]
# the check run's conclusion when a review failed for good (ADR 0380, 0406): `neutral` passes a required check
# (fail-open), `failure` blocks the merge until a review succeeds (fail-closed)
FailedReviewConclusion = Literal["neutral", "failure"]

REQUIRED_PERMISSIONS: dict[str, Permission] = {
    "pull_requests": "write",
    "contents": "read",
    "checks": "write",
    "metadata": "read",
}


class GitHubAppSettings(BaseModel):
    api_url: str = "https://api.github.com"  # GitHub Enterprise Server: https://HOST/api/v3
    app_id: int | None = Field(default=None, ge=1)
    private_keys: list[str] = []  # `env:NAME` / `file:PATH`, PEM; several during a rotation
    token: str | None = None  # `env:NAME` / `file:PATH`: a plain token, instead of an App (one repository)
    marker_secret: str | None = None  # `env:NAME` / `file:PATH`: the HMAC key of the comment marker
    token_login: str | None = None  # with a plain `token`: the login of its user (our comments are found by author)
    writes_per_minute: int = Field(default=80, ge=1, le=80)  # GitHub's content-creation cap is 80/min
    writes_per_hour: int = Field(default=500, ge=1, le=500)  # ... and 500/h
    max_rate_limit_wait_seconds: float = Field(default=900.0, ge=0)  # longer: raise RateLimited, retry the job
    request_timeout_seconds: float = Field(default=30.0, gt=0, allow_inf_nan=False)  # one whole request, answer read
    max_response_bytes: int = Field(default=33_554_432, ge=1_048_576)  # one answer, at most; past it: a 5xx
    check_name: str = "tfreview"
    inline_comments: bool = False
    reconcile_deliveries_seconds: float = Field(default=900.0, gt=0)
    reconcile_pull_requests_seconds: float = Field(default=1800.0, gt=0)
    # at most this many open PRs enqueued per pass (an empty or restored database re-reviews every open PR)
    reconcile_pull_requests_per_pass: int = Field(default=500, ge=1)
    required_permissions: dict[str, Permission] = dict(REQUIRED_PERMISSIONS)

    @field_validator("api_url")
    @classmethod
    def _https_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("api_url is a base URL: https://api.github.com or https://HOST/api/v3")
        if parts.username is not None or parts.password is not None:
            raise ValueError("api_url holds no credentials (user:password@): the App's keys or the token are set apart")
        return value.rstrip("/")

    @field_validator("private_keys", "token", "marker_secret")
    @classmethod
    def _secret_sources(cls, value: list[str] | str | None) -> list[str] | str | None:
        for spec in [value] if isinstance(value, str) else value or []:
            try:
                SecretSource.parse(spec)
            except ConfigError as error:
                raise ValueError(str(error)) from None
        return value

    @property
    def mode(self) -> Literal["app", "token", "off"]:
        """`app` when an App id and a key are set, `token` for a plain token, else `off`."""
        if self.app_id is not None and self.private_keys:
            return "app"
        if self.token:
            return "token"
        return "off"

    def private_key_sources(self) -> list[SecretSource]:
        return [SecretSource.parse(spec) for spec in self.private_keys]

    def token_source(self) -> SecretSource | None:
        return SecretSource.parse(self.token) if self.token else None

    def marker_secret_source(self) -> SecretSource | None:
        return SecretSource.parse(self.marker_secret) if self.marker_secret else None
