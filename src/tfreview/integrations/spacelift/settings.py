"""Settings of the Spacelift GraphQL integration (mounted by the lead as `Settings.spacelift_api`).

The webhook side keeps its own `Settings.spacelift` (webhook secrets); this model is the outbound
side: which account, which API key, whether runs get an APPROVE/REJECT review, which stacks the
reconciler watches. The key secret is never a value here, only where to read it (`env:NAME` or
`file:PATH`, the same form as the model providers' credentials).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from tfreview.core.errors import ConfigError
from tfreview.plumbing.secret_references import SecretSource, looks_like_reference

_ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")
_STACK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")


class SpaceliftApiSettings(BaseModel):
    """`TFREVIEW_SPACELIFT_API__ACCOUNT=acme`, `TFREVIEW_SPACELIFT_API__API_KEY_SECRET=env:SPACELIFT_KEY_SECRET`."""

    account: str | None = None  # the account subdomain: "acme" for acme.app.spacelift.io; None: integration off
    api_url: str | None = None  # default https://<account>.app.spacelift.io/graphql
    api_key_id: str | None = None  # the API key id (a 26-character ULID)
    api_key_secret: str | None = None  # where the secret is: env:NAME or file:PATH — never the secret itself
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    token_margin_seconds: float = Field(default=60.0, ge=0, le=3600)  # refresh the JWT this long before validUntil
    review_runs: bool = False  # runReview APPROVE (pass) / REJECT (fail) driven by the verdict
    stacks: list[str] = []  # stacks the reconciler watches
    reconcile_seconds: float = Field(default=600.0, ge=5)
    reconcile_lookback_seconds: float = Field(default=3 * 86400.0, gt=0)  # how far back the first scan looks
    pull_request_repositories: list[str] = []  # owner/repo whose PRs get a proposed run's review; empty: none

    @field_validator("account")
    @classmethod
    def _account(cls, value: str | None) -> str | None:
        if value is not None and not _ACCOUNT.match(value):
            raise ValueError("account is the subdomain of <account>.app.spacelift.io (letters, digits, '-')")
        return value

    @field_validator("api_url")
    @classmethod
    def _endpoint_url(cls, value: str | None) -> str | None:
        """An http(s) URL with a host, without query, fragment or credentials: anything else failed only when a job
        called it ("UnsupportedProtocol", retried to the end), and a user:password in it was printed with the URL."""
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("api_url is the GraphQL endpoint: https://<account>.app.spacelift.io/graphql")
        if parts.username is not None or parts.password is not None:
            raise ValueError("api_url holds no credentials (user:password@): the API key is api_key_id/api_key_secret")
        return value

    @field_validator("api_key_secret")
    @classmethod
    def _secret_spec(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not looks_like_reference(value):
            # never echo the value: it may be the secret pasted by mistake
            raise ValueError(
                "api_key_secret is written env:NAME, file:PATH or aws-sm:ARN (the secret itself never goes here)"
            )
        try:
            SecretSource.parse(value)
        except ConfigError as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("stacks")
    @classmethod
    def _stacks(cls, value: list[str]) -> list[str]:
        bad = [stack for stack in value if not _STACK.match(stack)]
        if bad:
            raise ValueError(f"not a stack id: {bad[0]!r}")
        return value

    @field_validator("pull_request_repositories")
    @classmethod
    def _repositories(cls, value: list[str]) -> list[str]:
        bad = [repo for repo in value if not _REPOSITORY.match(repo)]
        if bad:
            raise ValueError(f"not owner/repo: {bad[0]!r}")
        return [repo.lower() for repo in value]

    @property
    def enabled(self) -> bool:
        return bool(self.account and self.api_key_id and self.api_key_secret)

    @property
    def endpoint(self) -> str:
        """The GraphQL endpoint: `api_url`, or the account's SaaS endpoint."""
        if self.api_url:
            return self.api_url
        if not self.account:
            raise ValueError("spacelift_api.account (or api_url) is not set")
        return f"https://{self.account}.app.spacelift.io/graphql"

    @property
    def tenant_id(self) -> str:
        """The tenant the account's webhooks and uploads land in (see web/spacelift_events.py)."""
        return f"spacelift:{(self.account or '').lower()}"

    def foreign(self, tenant_id: str, account: str | None = None) -> str | None:
        """Why a review of `tenant_id` (naming `account`, when it does) is not this account's, or None when it is.

        The API key serves one account: only its tenant's reviews are cross-checked with its runs, commented on
        them, approved or rejected, or combined into their pull requests (ADR 0566). Anyone else's write token
        can name this account's stack and run in an upload; a notification of another account can carry the
        same run id."""
        if not self.account:
            return "no Spacelift account is configured"
        if tenant_id.lower() != self.tenant_id:
            return (
                f"this review belongs to tenant {tenant_id}, "
                f"not to Spacelift account {self.account}'s tenant {self.tenant_id}"
            )
        if account is not None and account.lower() != self.account.lower():
            return f"this review names Spacelift account {account}, not {self.account}"
        return None

    def secret_source(self) -> SecretSource:
        if self.api_key_secret is None:
            raise ValueError("spacelift_api.api_key_secret is not set")
        return SecretSource.parse(self.api_key_secret)
