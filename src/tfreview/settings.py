"""One settings model for the service, read from the environment (`TFREVIEW_` prefix, `__` for nesting).

Built once at start (`Settings()`), passed down; nothing reads the environment at import time.
Examples: `TFREVIEW_DATABASE__URL=postgresql+psycopg://tfreview@db/tfreview`,
`TFREVIEW_GITHUB__WEBHOOK_SECRETS='[{"value": "s3cret"}]'`, `TFREVIEW_GITHUB_APP__APP_ID=123456`,
`TFREVIEW_SPACELIFT_API__ACCOUNT=acme`.

`github` and `spacelift` are the inbound side (webhook secrets); `github_app` and `spacelift_api` the
outbound side (the API credentials, publishing, the reconcilers' intervals). An integration whose
outbound side is not configured keeps its "not configured" plan source and publishes to the log only.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from tfreview.advisor.settings import AdvisorSettings
from tfreview.integrations.github.settings import GitHubAppSettings
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings


class SecretVersion(BaseModel):
    """One valid version of a shared secret; several may be valid at once during a rotation."""

    value: SecretStr
    not_after: datetime | None = None  # the end of this version's validity (UTC); None: no end


class DatabaseSettings(BaseModel):
    url: str = "sqlite:///.tfreview-data/tfreview.db"  # or postgresql+psycopg://user@host/db (scaled mode)
    busy_timeout_ms: int = Field(default=5000, ge=5000)  # SQLite: wait for the writer lock; the service refuses less
    pool_size: int = 5  # PostgreSQL connections per process
    connect_timeout_seconds: float = 5.0  # PostgreSQL connect timeout


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"  # address `tfreview serve` listens on
    port: int = 8080  # port `tfreview serve` listens on
    data_dir: str = ".tfreview-data"  # embedded mode: where the SQLite file lives
    public_url: str = "http://127.0.0.1:8080"  # how others reach the service (links in comments)


class GitHubSettings(BaseModel):
    webhook_secrets: list[SecretVersion] = []  # JSON list of {value, not_after}; every valid version is accepted
    review_drafts: bool = False  # review draft pull requests too
    max_body_bytes: int = 26 * 1024 * 1024  # GitHub caps payloads at 25 MB


class SpaceliftSettings(BaseModel):
    webhook_secrets: list[SecretVersion] = []  # JSON list of {value, not_after}; every valid version is accepted
    max_body_bytes: int = 1024 * 1024  # larger notifications are refused with 413
    timestamp_tolerance_seconds: int = 300  # older or future notifications are refused (replay)


class ApiSettings(BaseModel):
    max_upload_bytes: int = 256 * 1024 * 1024  # POST /api/v1/plans body limit
    page_size_max: int = 200  # largest `limit` of a list endpoint


class AuthSettings(BaseModel):
    """OIDC (any issuer with a JWKS; Amazon Cognito included) and API tokens."""

    oidc_issuer: str | None = None  # e.g. https://cognito-idp.<region>.amazonaws.com/<pool id>; unset: API tokens only
    oidc_jwks_url: str | None = None  # default: <issuer>/.well-known/jwks.json
    oidc_audience: str | None = None  # ID tokens / generic access tokens: the `aud` claim
    oidc_client_id: str | None = None  # Cognito access tokens: `client_id` claim and token_use=access
    algorithms: list[str] = ["RS256"]  # allow-list; `none` and HS* are never accepted
    leeway_seconds: int = Field(default=60, le=60)  # clock skew allowed on exp/nbf (at most 60 s)
    jwks_timeout_seconds: float = 5.0  # no keys within this time on a cold cache: 503
    jwks_refresh_min_interval_seconds: float = 60.0  # unknown `kid`: at most one JWKS fetch per interval
    jwks_max_stale_seconds: float = 3600.0  # keep using cached keys this long while the issuer is down
    tenant_claim: str = "tfreview:tenant"  # the token claim naming the tenant
    scope_claim: str = "scope"  # space-separated: read, write, admin (or tfreview:… forms)
    # dashboard sign-in (authorization code + PKCE); the endpoints come from the issuer's discovery document
    oidc_client_secret: SecretStr | None = None  # a confidential app client (Cognito with a secret); unset: public
    oidc_sign_in_scopes: str = "openid"  # asked for at sign-in; the access token must carry the tenant claim
    oidc_authorization_endpoint: str | None = None  # override of discovery's authorization_endpoint
    oidc_token_endpoint: str | None = None  # override of discovery's token_endpoint


class DashboardSettings(BaseModel):
    """The pages people read at the service's URL (docs/howto/sign-in.md)."""

    enabled: bool = True  # serve the dashboard at / (the API and webhooks are served either way)
    session_secret: SecretStr | None = None  # signs session cookies; unset: a random key per process
    csrf_secret: SecretStr | None = None  # derives each form's CSRF token; unset: a random key per process
    session_max_age_seconds: int = Field(default=8 * 3600, ge=60, le=7 * 24 * 3600)  # then sign in again
    cookie_secure: bool = True  # Secure cookies (browsers keep them on https and on http://127.0.0.1/localhost)
    api_docs: bool = True  # serve the interactive OpenAPI docs at /docs (the document itself stays at /openapi.json)


class WorkerSettings(BaseModel):
    concurrency: int = 2  # jobs run at once per worker process
    lease_seconds: float = 120.0  # a claimed job returns to the queue when not heartbeaten this long
    heartbeat_seconds: float = 30.0  # lease extension interval while a job runs
    poll_interval_seconds: float = 0.5  # idle wait between claims
    reaper_interval_seconds: float = 10.0  # expired leases and overdue reviews are swept this often
    max_attempts: int = 5  # then the job is dead-lettered and its review failed visibly
    backoff_base_seconds: float = 2.0  # exponential backoff with full jitter
    backoff_cap_seconds: float = 300.0  # longest wait between attempts
    review_deadline_seconds: float = 900.0  # a review not finished by then is re-queued once, then failed


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TFREVIEW_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings = DatabaseSettings()
    server: ServerSettings = ServerSettings()
    github: GitHubSettings = GitHubSettings()
    spacelift: SpaceliftSettings = SpaceliftSettings()
    api: ApiSettings = ApiSettings()
    auth: AuthSettings = AuthSettings()
    worker: WorkerSettings = WorkerSettings()
    dashboard: DashboardSettings = DashboardSettings()
    advisor: AdvisorSettings = AdvisorSettings()
    github_app: GitHubAppSettings = GitHubAppSettings()
    spacelift_api: SpaceliftApiSettings = SpaceliftApiSettings()
