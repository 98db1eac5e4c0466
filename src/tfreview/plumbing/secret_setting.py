"""`SecretSetting`: the one type of every secret-valued setting (a `SecretStr` that resolves references).

A setting typed `SecretSetting` accepts the secret itself or where it lives (`env:NAME`, `file:PATH`,
see `secret_references`); a reference is read when the settings are built, and one that does not
resolve is a settings error, so the process refuses to start (issue 9 item 2). A test walks the whole
settings model and fails on any `SecretStr` field that is not a `SecretSetting`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, SecretStr

from tfreview.plumbing.secret_references import resolved_secret_field

SecretSetting = Annotated[SecretStr, BeforeValidator(resolved_secret_field)]

__all__ = ["SecretSetting"]
