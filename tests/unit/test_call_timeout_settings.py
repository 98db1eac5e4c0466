"""Timeouts that are a whole call's deadline on the socket (ADR 0498, 0508) are finite and above 0.

`auth.jwks_timeout_seconds` is the whole deadline of every JWKS and sign-in call (`outbound_client`, ADR 0508, 0513):
a value that cannot be one is refused when the settings load, naming the setting, instead of failing every call
(0 or less: an immediate timeout; NaN: a ValueError out of the socket layer)."""

from __future__ import annotations

import pydantic
import pytest

from tfreview.advisor.settings import AdvisorSettings
from tfreview.identity.settings import AuthSettings
from tfreview.integrations.github.settings import GitHubAppSettings
from tfreview.ops.settings import NotifySettings


@pytest.mark.parametrize("value", [0.0, -1.0, float("nan"), float("inf"), "nan"])
def test_a_jwks_timeout_that_cannot_be_a_deadline_is_refused_naming_the_setting(value: float | str) -> None:
    with pytest.raises(pydantic.ValidationError) as refused:
        AuthSettings(jwks_timeout_seconds=value)
    assert "jwks_timeout_seconds" in str(refused.value)


def test_a_positive_jwks_timeout_is_kept() -> None:
    assert AuthSettings(jwks_timeout_seconds=0.25).jwks_timeout_seconds == 0.25
    assert AuthSettings().jwks_timeout_seconds == 5.0


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (GitHubAppSettings, "request_timeout_seconds"),
        (NotifySettings, "timeout_seconds"),
        (AdvisorSettings, "call_timeout_seconds"),
    ],
)
def test_an_infinite_call_timeout_is_refused_naming_the_setting(settings: type[pydantic.BaseModel], field: str) -> None:
    # every one is a whole call's deadline on the socket: infinity raised OverflowError out of it, not a timeout
    with pytest.raises(pydantic.ValidationError) as refused:
        settings.model_validate({field: "inf"})
    assert field in str(refused.value)
