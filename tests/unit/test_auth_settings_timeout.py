"""`auth.jwks_timeout_seconds` is the whole deadline of every JWKS and sign-in call (`deadline_client`, ADR 0508):
a value that cannot be one is refused when the settings load, naming the setting, instead of failing every call
(0 or less: an immediate timeout; NaN: a ValueError out of the socket layer)."""

from __future__ import annotations

import pydantic
import pytest

from tfreview.identity.settings import AuthSettings


@pytest.mark.parametrize("value", [0.0, -1.0, float("nan"), float("inf"), "nan"])
def test_a_jwks_timeout_that_cannot_be_a_deadline_is_refused_naming_the_setting(value: float | str) -> None:
    with pytest.raises(pydantic.ValidationError) as refused:
        AuthSettings(jwks_timeout_seconds=value)
    assert "jwks_timeout_seconds" in str(refused.value)


def test_a_positive_jwks_timeout_is_kept() -> None:
    assert AuthSettings(jwks_timeout_seconds=0.25).jwks_timeout_seconds == 0.25
    assert AuthSettings().jwks_timeout_seconds == 5.0
