"""Chooses the advisor: `builtin` (the default, offline) or a model provider with its fallbacks.

`build_advisor("openai", settings)` puts the `openai` models of `settings.providers` first and
the others after them, in the order written; `chain` takes them all in order. The adapters are
imported only when a model is asked for, so `tfreview scan` never loads httpx or boto3 for nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from tfreview.advisor.builtin import BuiltinAdvisor
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.model import ModelClient
from tfreview.advisor.settings import AdvisorSettings, ProviderSettings
from tfreview.advisor.token_budget import InMemoryTokenBudget, TokenBudget
from tfreview.core.errors import ConfigError
from tfreview.core.ports import Advisor
from tfreview.ops.controls import CachedControls
from tfreview.ops.recorder import Recorder

ADVISORS = ("builtin", "openai", "anthropic", "bedrock", "chain")
OPENAI_URL = "https://api.openai.com/v1"
ANTHROPIC_URL = "https://api.anthropic.com"


def advisor_settings(settings_like: Any) -> AdvisorSettings:
    """`AdvisorSettings` itself, or anything with an `.advisor` holding one (the service's Settings)."""
    if isinstance(settings_like, AdvisorSettings):
        return settings_like
    nested = getattr(settings_like, "advisor", None)
    if isinstance(nested, AdvisorSettings):
        return nested
    if settings_like is None:
        return AdvisorSettings()
    raise ConfigError("advisor settings are missing")


def build_advisor(
    name: str,
    settings_like: Any = None,
    *,
    budget_store: TokenBudget | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    metrics: Recorder | None = None,
    controls: CachedControls | None = None,
) -> Advisor:
    settings = advisor_settings(settings_like)
    name = (name or settings.name).strip().lower()
    if name not in ADVISORS:
        raise ConfigError(f"unknown advisor {name!r} (expected one of {', '.join(ADVISORS)})")
    if name == "builtin":
        return BuiltinAdvisor()
    ordered = [p for p in settings.providers if name in ("chain", p.provider)]
    ordered += [p for p in settings.providers if p not in ordered]
    if not ordered or (name != "chain" and ordered[0].provider != name):
        raise ConfigError(f"advisor {name!r} is chosen but no {name} model is configured in advisor.providers")
    clients = [build_client(p) for p in ordered]
    store = budget_store or InMemoryTokenBudget(settings.daily_tokens_per_tenant)
    chosen = settings.model_copy(update={"name": name})
    return LlmAdvisor(
        clients, chosen, clock=clock, sleep=sleep, budget_store=store, rng=rng, metrics=metrics, controls=controls
    )


def provider_keys(settings_like: Any = None) -> tuple[str, ...]:
    """The `provider` label of `tfreview_advisor_calls_total` for every model the configured advisor may call
    (`provider/model`, as `chain.breaker_key` names it), in order; none for the builtin reviewer. Built from the
    settings alone (no client, no secret read): the series the `ai-provider-errors` alert reads start at 0 with
    them (ADR 0634)."""
    settings = advisor_settings(settings_like)
    if settings.name.strip().lower() == "builtin":
        return ()
    return tuple(dict.fromkeys(f"{spec.provider}/{spec.model}" for spec in settings.providers))


def build_client(spec: ProviderSettings) -> ModelClient:
    """One adapter for one configured model (imported lazily)."""
    from tfreview.plumbing.secret_references import SecretSource

    key = SecretSource.parse(spec.api_key) if spec.api_key else None
    if spec.provider == "openai":
        from tfreview.advisor.openai import OpenAIClient

        return OpenAIClient(
            spec.base_url or OPENAI_URL,
            key,
            spec.model,
            api_style=spec.api_style,
            structured_output=spec.structured_output,
        )
    if spec.provider == "anthropic":
        from tfreview.advisor.anthropic import AnthropicClient

        if key is None:
            raise ConfigError(f"anthropic model {spec.model}: api_key (env:NAME or file:PATH) is required")
        return AnthropicClient(spec.base_url or ANTHROPIC_URL, key, spec.model)
    from tfreview.advisor.bedrock import AwsCredentials, BedrockClient

    if not spec.region:
        raise ConfigError(f"bedrock model {spec.model}: region is required")
    credentials = None
    if spec.aws_access_key_id or spec.aws_secret_access_key:
        if not (spec.aws_access_key_id and spec.aws_secret_access_key):
            raise ConfigError(f"bedrock model {spec.model}: give both aws_access_key_id and aws_secret_access_key")
        credentials = AwsCredentials(
            SecretSource.parse(spec.aws_access_key_id),
            SecretSource.parse(spec.aws_secret_access_key),
            SecretSource.parse(spec.aws_session_token) if spec.aws_session_token else None,
        )
    return BedrockClient(
        spec.region, spec.model, endpoint_url=spec.endpoint_url, credentials=credentials, profile=spec.profile
    )
