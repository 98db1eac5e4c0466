"""The advisor's settings, mounted by the service as `Settings.advisor` (env: `TFREVIEW_ADVISOR__…`).

`name` picks the advisor (`builtin`, the offline default, or a provider); `providers` is the
ordered fallback list of models. Secrets are never stored here: a provider names where its key
lives (`env:NAME` or `file:PATH`) and the adapter reads it, again on a 401 (K3).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ProviderName = Literal["openai", "anthropic", "bedrock"]


class ProviderSettings(BaseModel):
    """One model of one provider, in the fallback list."""

    model_config = ConfigDict(extra="forbid")  # written by hand in JSON: a misspelt key is refused (ADR 0564)

    provider: ProviderName
    model: str  # bedrock: the model id or inference profile
    base_url: str | None = None  # openai-compatible and anthropic; None: the vendor's public endpoint
    api_key: str | None = None  # where the key lives: `env:NAME` or `file:/run/secrets/key` (never the key)
    api_style: Literal["chat", "azure"] = "chat"  # openai: `azure` for Azure OpenAI deployments
    structured_output: Literal["json_schema", "json_object", "none"] = "json_schema"  # openai-compatible servers
    region: str | None = None  # bedrock
    endpoint_url: str | None = None  # bedrock: a VPC endpoint, or the fake in tests
    profile: str | None = None  # bedrock: a named AWS profile; None: the default credential chain
    aws_access_key_id: str | None = None  # bedrock static credentials, as sources (`env:…`/`file:…`)
    aws_secret_access_key: str | None = None
    aws_session_token: str | None = None


class Price(BaseModel):
    """US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid")  # written by hand in JSON: a misspelt key is refused (ADR 0564)

    input_per_million: float = Field(ge=0)
    output_per_million: float = Field(ge=0)


class AdvisorSettings(BaseModel):
    name: str = "builtin"  # builtin | openai | anthropic | bedrock | chain (every provider, in order)
    providers: list[ProviderSettings] = []
    prompt_version: str = "review-v1"
    max_input_tokens: int = Field(default=12_000, ge=1_000)
    max_output_tokens: int = Field(default=1_500, ge=100)
    call_timeout_seconds: float = Field(default=60.0, gt=0, allow_inf_nan=False)
    review_deadline_seconds: float = Field(default=180.0, gt=0)  # all attempts on all providers, sleeps included
    max_attempts: int = Field(default=3, ge=1, le=5)  # upstream requests per provider per review
    backoff_base_seconds: float = Field(default=1.0, gt=0)
    backoff_cap_seconds: float = Field(default=20.0, gt=0)
    max_retry_after_seconds: float = Field(default=60.0, ge=0)  # a longer Retry-After: go to the next model
    breaker_failures: int = Field(default=5, ge=1)
    breaker_window_seconds: float = Field(default=30.0, gt=0)
    breaker_open_seconds: float = Field(default=30.0, gt=0)
    # at most a quadrillion: "unlimited" written as a huge number is refused at start, not failed at every review
    daily_tokens_per_tenant: int = Field(default=2_000_000, ge=0, le=10**15)
    prices: dict[str, Price] = {}  # "provider/model" or "model" → price
    allowed_link_hosts: list[str] = []  # links in model text to other hosts are reduced to text
    max_text_chars: int = Field(default=12_000, ge=200)  # the model's summary, after sanitising
    ai_can_fail: bool = False  # may AI concerns at or above fail_on fail a review? (off by default)
    # every model down: the AI part is run again after this delay, times the re-run's number (1, 2, 3), and up to
    # half as much again at random: the reviews one outage failed together do not come back together
    rerun_delay_seconds: float = Field(default=300.0, gt=0)
