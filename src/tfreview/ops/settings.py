"""Settings of the watchdog and the notifiers, mounted as `Settings.watchdog` and `Settings.notify`
(env: `TFREVIEW_WATCHDOG__…`, `TFREVIEW_NOTIFY__SLACK__WEBHOOK_URL`, …).

A notifier is on when its destination is set. `channels` says which alert channels it serves (page,
chat, email, ticket) and `levels` which escalation levels (1 automated, 2 on-call, 3 senior,
4 management): e.g. a PagerDuty service for on-call pages and a second Slack webhook for managers.
Secrets (the PagerDuty routing key, the Slack webhook URL, the webhook secret, the SMTP password) are
secret-typed (`SecretSetting`: the value, `env:NAME` or `file:PATH`): never printed, logged or stored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

from tfreview.plumbing.secret_setting import SecretSetting
from tfreview.plumbing.web_urls import web_url

Channel = Literal["page", "chat", "email", "ticket"]
ALL_LEVELS = [1, 2, 3, 4]


class SlackSettings(BaseModel):
    webhook_url: SecretSetting | None = None  # https://hooks.slack.com/services/… (a secret: whoever has it can post)
    channels: list[Channel] = ["chat"]
    levels: list[int] = ALL_LEVELS

    @field_validator("webhook_url")
    @classmethod
    def _url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            web_url(value.get_secret_value(), "https://hooks.slack.com/services/…")
        return value


class PagerDutySettings(BaseModel):
    routing_key: SecretSetting | None = None  # the integration key of an Events API v2 integration
    events_url: str = "https://events.pagerduty.com/v2/enqueue"
    channels: list[Channel] = ["page"]
    levels: list[int] = ALL_LEVELS

    @field_validator("events_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return web_url(value, "https://events.pagerduty.com/v2/enqueue")


class SnsSettings(BaseModel):
    topic_arn: str | None = None  # arn:aws:sns:<region>:<account>:<topic>; credentials: the default AWS chain
    region: str | None = None  # default: the topic's region
    endpoint_url: str | None = None  # a VPC endpoint (or a local AWS endpoint in tests)
    channels: list[Channel] = ["page", "email"]
    levels: list[int] = ALL_LEVELS

    @field_validator("endpoint_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else web_url(value, "https://sns.eu-west-1.amazonaws.com")


class SmtpSettings(BaseModel):
    host: str | None = None  # the SMTP server; unset: no e-mail
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"  # `none` only towards a relay on localhost
    username: str | None = None
    password: SecretSetting | None = None
    sender: str = "tfreview@localhost"
    recipients: list[str] = []
    channels: list[Channel] = ["email", "ticket"]
    levels: list[int] = ALL_LEVELS


class WebhookSettings(BaseModel):
    url: str | None = None  # receives the notification as JSON, signed (docs/howto/alerts.md)
    secret: SecretSetting | None = None  # HMAC-SHA256 key of X-Tfreview-Signature-256; required with a url
    channels: list[Channel] = ["ticket"]
    levels: list[int] = ALL_LEVELS

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else web_url(value, "https://hooks.example.com/tfreview")


class NotifySettings(BaseModel):
    slack: SlackSettings = SlackSettings()
    pagerduty: PagerDutySettings = PagerDutySettings()
    sns: SnsSettings = SnsSettings()
    smtp: SmtpSettings = SmtpSettings()
    webhook: WebhookSettings = WebhookSettings()
    attempts: int = Field(default=4, ge=1, le=10)  # sends per notification before it is recorded as failed
    backoff_base_seconds: float = Field(default=1.0, gt=0)
    backoff_cap_seconds: float = Field(default=30.0, gt=0)
    max_retry_after_seconds: float = Field(default=120.0, ge=0)  # a longer Retry-After fails at once, visibly
    timeout_seconds: float = Field(default=10.0, gt=0, allow_inf_nan=False)  # one whole request: connect, send, read
    # the outbox (SQL stores, DynamoDB): a sent entry is deleted this long after it was sent (its outcome stays in the
    # incident's timeline); one never sent goes this long after it was written once its incident is resolved
    # (at least a day: a shorter one drops a notification while its sender is still backing off)
    outbox_retention_days: float = Field(default=7.0, ge=1, le=3650)
    # ... and one never sent this long after it was written in any case (logged as dropped)
    outbox_unsent_retention_days: float = Field(default=30.0, ge=1, le=3650)


class WatchdogSettings(BaseModel):
    enabled: bool = True  # evaluate the alert table inside `serve` and `worker` (one evaluator: a DB lease)
    interval_seconds: float = Field(default=15.0, ge=1)
    lease_seconds: float = Field(default=60.0, ge=5)  # another process takes over this long after a holder dies
    keep_firing_seconds: float = Field(default=120.0, ge=0)  # an alert resolves after its condition stopped this long
    skip: list[str] = ["service-unreachable"]  # alerts a process cannot see about itself (Prometheus and probe do)
    # channels an incident is escalated to at each level when not acknowledged within its response time
    escalation_channels: dict[int, list[Channel]] = {2: ["page"], 3: ["page", "email"], 4: ["email"]}
    heartbeat_stale_seconds: float = Field(default=180.0, ge=10)  # /readyz reports the watchdog stale after this
    # pause-ai / open-breaker hold this long at most (lifted earlier when their incident resolves)
    action_hold_minutes: int = Field(default=30, ge=1, le=1440)
    controls_cache_seconds: float = Field(default=5.0, ge=0, le=60)  # workers re-read the shared controls this often
    # rehearsals only (`tfreview drill --embedded`): the alert table's durations times this; 1.0 in production
    time_scale: float = Field(default=1.0, gt=0, le=1)


class BackupSettings(BaseModel):
    """Scheduled backups and integrity audits inside `serve` (docs/howto/backups-and-restore.md)."""

    directory: str = ""  # where backups are written; empty: `backups/` inside the data directory
    interval_seconds: float = Field(default=86400.0, ge=0)  # a verified backup this often; 0: no scheduled backup
    keep: int = Field(default=7, ge=1)  # the newest this many backups are kept
    max_age_days: float = Field(default=30.0, gt=0)  # older backups are deleted (never the newest one)
    audit_interval_seconds: float = Field(default=3600.0, ge=0)  # a periodic integrity audit this often; 0: none
    # a periodic audit goes on where the last one stopped (ADR 0506); `tfreview audit` always checks every row
    audit_rows_per_pass: int = Field(default=10000, ge=0)  # rows per table and period (N rows: all in N/this+1); 0: all


class SloSettings(BaseModel):
    """Service level objectives (`tfreview slo`; burn-rate alerts in `tfreview alerts export`)."""

    window_days: int = Field(default=30, ge=1, le=90)  # the error budget's period
    webhook_availability: float = Field(default=0.999, gt=0, lt=1)  # webhook deliveries answered without a 5xx
    time_to_review_seconds: float = Field(
        default=600.0, gt=0, description="delivery → final review state; a bucket of the latency histogram"
    )
    time_to_review_objective: float = Field(default=0.95, gt=0, lt=1)  # share of reviews within that time
    rules_latency_seconds: float = Field(default=10.0, gt=0)  # the rules part of one review; a bucket of its histogram
    rules_latency_objective: float = Field(default=0.99, gt=0, lt=1)  # share of reviews within that time
