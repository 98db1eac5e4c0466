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
from typing import Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from tfreview.advisor.settings import AdvisorSettings
from tfreview.core.errors import ConfigError
from tfreview.door.settings import DoorSettings
from tfreview.identity.settings import AuthSettings
from tfreview.integrations.github.settings import FailedReviewConclusion, GitHubAppSettings
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.ops.settings import BackupSettings, NotifySettings, SloSettings, WatchdogSettings
from tfreview.plumbing.log_lines import level_name
from tfreview.plumbing.secret_references import SecretSource, looks_like_reference
from tfreview.plumbing.secret_setting import SecretSetting
from tfreview.plumbing.web_urls import web_url
from tfreview.setting_bounds import out_of_bounds
from tfreview.store.queue_settings import WorkerSettings


class SecretVersion(BaseModel):
    """One valid version of a shared secret; several may be valid at once during a rotation.

    `value` is the secret, or where it lives (`env:NAME`, `file:PATH`), read once when the settings are
    built; a reference that does not resolve is a settings error (the service refuses to start)."""

    value: SecretSetting
    not_after: datetime | None = None  # the end of this version's validity (UTC); None: no end
    # Spacelift only: the account whose notifications this version may sign (ADR 0121); None: the
    # `spacelift_api.account` when set, else any account (a single-account installation)
    account: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")
    name: str | None = Field(default=None, max_length=64)  # a label for `secrets status` (default: v1, v2, ...)

    # written by hand in JSON: a misspelt `not_afer` would leave the version valid for ever (ADR 0564)
    model_config = ConfigDict(extra="forbid")

    @field_validator("value")
    @classmethod
    def _not_empty(cls, value: SecretStr) -> SecretStr:
        # an empty secret signs nothing we accept (and anything anyone could forge): a settings error, not a
        # service that starts and answers every delivery 401
        if not value.get_secret_value().strip():
            raise ValueError("the webhook secret is empty")
        return value


class DatabaseSettings(BaseModel):
    url: str = (
        "sqlite:///.tfreview-data/tfreview.db"  # or postgresql+psycopg://user@host/db, or dynamodb://<table>?region=<r>
    )
    busy_timeout_ms: int = Field(
        default=5000,
        ge=5000,
        le=2**31 - 1,  # SQLite's busy_timeout is a 32-bit count: past it, SQLite kept 0
        description="SQLite: wait for the writer lock; the service refuses less",
    )
    pool_size: int = Field(default=5, ge=1, le=1000)  # PostgreSQL connections per process
    connect_timeout_seconds: float = Field(default=5.0, gt=0)  # PostgreSQL connect timeout

    @field_validator("url")
    @classmethod
    def _readable_url(cls, value: str) -> str:
        """A PostgreSQL URL SQLAlchemy cannot read (a port that is no number) was an internal error's ValueError,
        exit 3, on the first command that opened it (review16d): a setting's error, which never shows the URL."""
        if value.startswith("postgres"):
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError

            try:
                make_url(value)
            except (ArgumentError, ValueError):
                raise ValueError(
                    "not a database URL SQLAlchemy can read: check the port, and percent-encode `@`, `:` and `/` "
                    "in the user name and password"
                ) from None
        return value


class QueueSettings(BaseModel):
    # the job queue when it is not the database's own table: sqs://<queue name> or sqs://https://<queue url>
    # (with a dynamodb:// database only; docs/adr/0151-sqs-job-queue.md, docs/howto/deploy-on-aws.md)
    url: str | None = None


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"  # address `tfreview serve` listens on
    port: int = Field(default=8080, ge=0, le=65535)  # port `tfreview serve` listens on (0: any free port)
    data_dir: str = ".tfreview-data"  # embedded mode: where the SQLite file lives
    public_url: str = "http://127.0.0.1:8080"  # how others reach the service (links in comments)
    max_header_bytes: int = Field(default=32 * 1024, ge=4096)  # request line + headers; larger heads: 431
    max_header_count: int = Field(default=100, ge=20)  # header fields per request; more: 431
    # serve and worker: below the platform's grace period (Kubernetes, ECS: 30 s): not SIGKILLed first, silently
    shutdown_seconds: float = Field(default=25.0, ge=1.0, le=3600.0)  # SIGTERM to exit at most; past it: exit 3

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        return web_url(value, "https://tfreview.example.com")


def versions_from(spec: str) -> list[SecretVersion]:
    """The secret versions a `webhook_secrets_from` reference holds: a JSON list of {value, not_after, account,
    name}, read now (ValueError naming the reference, never a value, when it cannot be read or parsed)."""
    try:
        text = SecretSource.parse(spec).value()
    except ConfigError as error:
        raise ValueError(f"webhook_secrets_from: {error}") from None
    try:
        return _VERSION_LIST.validate_json(text)
    except ValidationError as error:
        where = "; ".join(
            ".".join(str(p) for p in e["loc"]) + (": " if e["loc"] else "") + e["msg"]
            for e in error.errors(include_input=False)[:3]
        )
        raise ValueError(f"webhook_secrets_from: not a JSON list of secret versions ({where})") from None


_VERSION_LIST = TypeAdapter(list[SecretVersion])


class _WebhookSecrets(BaseModel):
    """The shared webhook-secret settings: versions given inline and, optionally, a document of versions that
    `SIGHUP` and the reload interval re-read (ADR 0120; rotated with `tfreview secrets rotate`)."""

    webhook_secrets: list[SecretVersion] = Field(
        default=[],
        description="JSON list of {value, not_after, account, name}; every valid version is accepted",
    )
    webhook_secrets_from: str | None = Field(
        default=None,
        description="file:PATH or aws-sm:ARN of a JSON list of versions, added to webhook_secrets and re-read on "
        "SIGHUP and every secrets.reload_seconds (rotated by `tfreview secrets rotate`)",
    )

    @field_validator("webhook_secrets_from")
    @classmethod
    def _reference(cls, value: str | None) -> str | None:
        if value is not None and not looks_like_reference(value):
            raise ValueError("webhook_secrets_from is written file:PATH, aws-sm:ARN or env:NAME")
        return value

    @model_validator(mode="after")
    def _add_referenced_versions(self) -> Self:
        if self.webhook_secrets_from is not None:
            self.webhook_secrets = [*self.webhook_secrets, *versions_from(self.webhook_secrets_from)]
        return self


class GitHubSettings(_WebhookSecrets):
    review_drafts: bool = False  # review draft pull requests too
    failed_review_conclusion: FailedReviewConclusion = Field(
        default="neutral",
        description="the check run of a review that failed for good: neutral (a required check passes: fail-open) "
        "or failure (a required check blocks the merge until a review succeeds: fail-closed); the comment is the "
        "same either way",
    )
    max_body_bytes: int = Field(default=26 * 1024 * 1024, ge=1024)  # GitHub caps payloads at 25 MB


class SpaceliftSettings(_WebhookSecrets):
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)  # larger notifications are refused with 413
    timestamp_tolerance_seconds: int = Field(default=300, ge=1)  # older or future notifications are refused (replay)


class ApiSettings(BaseModel):
    max_upload_bytes: int = Field(default=256 * 1024 * 1024, ge=1024)  # POST /api/v1/plans body limit
    page_size_max: int = Field(default=200, ge=1)  # largest `limit` of a list endpoint
    report_cache_bytes: int = Field(default=64 * 1024 * 1024, ge=0)  # reports kept as rendered, per process; 0: none


MIN_SIGNING_KEY_BYTES = 16  # the session and CSRF keys (web/dashboard/sessions.py)


class DashboardSettings(BaseModel):
    """The pages people read at the service's URL (docs/howto/sign-in.md)."""

    enabled: bool = True  # serve the dashboard at / (the API and webhooks are served either way)
    session_secret: SecretSetting | None = None  # signs session cookies; unset: a random key per process
    csrf_secret: SecretSetting | None = None  # derives each form's CSRF token; unset: a random key per process
    session_max_age_seconds: int = Field(default=8 * 3600, ge=60, le=7 * 24 * 3600)  # then sign in again
    cookie_secure: bool = True  # Secure cookies (browsers keep them on https and on http://127.0.0.1/localhost)
    api_docs: bool = True  # serve the interactive OpenAPI docs at /docs (the document itself stays at /openapi.json)

    @field_validator("session_secret", "csrf_secret")
    @classmethod
    def _signing_key(cls, value: SecretStr | None) -> SecretStr | None:
        # what the session signer needs: a shorter key ended `serve` with an internal error after the build
        if value is not None and len(value.get_secret_value().encode()) < MIN_SIGNING_KEY_BYTES:
            raise ValueError(f"a dashboard signing key is at least {MIN_SIGNING_KEY_BYTES} bytes")
        return value


class MetricsSettings(BaseModel):
    """Prometheus metrics (docs/reference/metrics.md); several processes: set PROMETHEUS_MULTIPROC_DIR."""

    enabled: bool = True  # count metrics in this process (off: nothing is counted and /metrics answers 404)
    token: SecretSetting | None = None  # bearer token a scraper sends to GET /metrics; unset: /metrics answers 404


class SecretsSettings(BaseModel):
    """Reloading secrets without a restart (docs/howto/rotate-secrets.md)."""

    reload_seconds: float = Field(default=60.0, ge=0)  # re-read secret references this often; 0: only on SIGHUP


class AdvisorOnlySettings(BaseSettings):
    """The advisor's section alone, read from the environment as `Settings` reads it: what `tfreview scan` needs
    (it runs in CI environments it does not own, where the service's other settings may be anything)."""

    model_config = SettingsConfigDict(env_prefix="TFREVIEW_", env_nested_delimiter="__", extra="ignore")

    advisor: AdvisorSettings = AdvisorSettings()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TFREVIEW_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings = DatabaseSettings()
    queue: QueueSettings = QueueSettings()
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
    log_format: Literal["text", "json", "logfmt"] = "text"  # log lines: classic text, or JSON / logfmt with ids
    metrics: MetricsSettings = MetricsSettings()
    slo: SloSettings = SloSettings()
    log_level: str = "INFO"  # DEBUG, INFO, WARNING, ERROR or CRITICAL: the lowest level every process logs
    secrets: SecretsSettings = SecretsSettings()

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        return level_name(value)

    @model_validator(mode="after")
    def _queue_beside_its_database(self) -> Self:
        # a queue URL beside a SQL database was ignored: the jobs went into the database's own table
        if self.queue.url is not None and not self.database.url.startswith("dynamodb://"):
            raise ValueError(
                "TFREVIEW_QUEUE__URL: an SQS queue is used with a dynamodb:// database only; with a SQL database "
                "the jobs are its own table (unset TFREVIEW_QUEUE__URL)"
            )
        return self

    @model_validator(mode="after")
    def _within_shared_bounds(self) -> Self:
        # no nan, no inf, no wait longer than a thread can wait, anywhere in the tree (setting_bounds.py)
        problems = list(out_of_bounds(self))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def secret_references(self) -> list[tuple[str, SecretSource]]:
        """Every configured secret reference of the integrations, by its environment variable (checked at start).

        The webhook secrets are resolved when the settings are built (`SecretVersion`); the model providers'
        keys are read when first used and re-read on a 401 — a missing one makes the AI part unavailable."""
        found: list[tuple[str, SecretSource]] = []
        app = self.github_app
        found += [("TFREVIEW_GITHUB_APP__PRIVATE_KEYS", source) for source in app.private_key_sources()]
        for name, source in (("TOKEN", app.token_source()), ("MARKER_SECRET", app.marker_secret_source())):
            if source is not None:
                found.append((f"TFREVIEW_GITHUB_APP__{name}", source))
        if self.spacelift_api.api_key_secret is not None:
            found.append(("TFREVIEW_SPACELIFT_API__API_KEY_SECRET", self.spacelift_api.secret_source()))
        return found

    watchdog: WatchdogSettings = WatchdogSettings()
    notify: NotifySettings = NotifySettings()
    door: DoorSettings = DoorSettings()  # rate limits, load shedding, slow clients, blocks (docs/howto/abuse-limits.md)
    backup: BackupSettings = BackupSettings()
