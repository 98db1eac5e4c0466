"""Choosing the advisor from settings: builtin by default, a provider with its fallbacks otherwise."""

from __future__ import annotations

import pytest

from tfreview.advisor.builtin import BuiltinAdvisor
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.factory import build_advisor
from tfreview.advisor.settings import AdvisorSettings, ProviderSettings
from tfreview.core.errors import ConfigError


def _settings() -> AdvisorSettings:
    return AdvisorSettings(
        providers=[
            ProviderSettings(provider="openai", model="gpt-x", base_url="http://127.0.0.1:9/v1", api_key="env:NO_KEY"),
            ProviderSettings(provider="anthropic", model="claude-x", base_url="http://127.0.0.1:9", api_key="env:NO"),
            ProviderSettings(provider="bedrock", model="anthropic.claude-x", region="us-east-1"),
        ]
    )


def test_builtin_is_the_default() -> None:
    assert isinstance(build_advisor("builtin"), BuiltinAdvisor)
    assert isinstance(build_advisor("", AdvisorSettings()), BuiltinAdvisor)


def test_the_chosen_provider_goes_first_then_the_rest_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    advisor = build_advisor("anthropic", _settings())
    assert isinstance(advisor, LlmAdvisor)
    try:
        assert [c.provider for c in advisor.clients] == ["anthropic", "openai", "bedrock"]
        assert advisor.name == "anthropic"
    finally:
        for client in advisor.clients:
            client.close()  # type: ignore[attr-defined]


def test_settings_nested_under_advisor_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    class Service:
        advisor = _settings()

    advisor = build_advisor("chain", Service())
    assert isinstance(advisor, LlmAdvisor)
    try:
        assert [c.provider for c in advisor.clients] == ["openai", "anthropic", "bedrock"]
    finally:
        for client in advisor.clients:
            client.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["gpt", "openai"])
def test_unknown_or_unconfigured_advisors_are_config_errors(name: str) -> None:
    with pytest.raises(ConfigError):
        build_advisor(name, AdvisorSettings())
