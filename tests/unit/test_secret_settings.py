"""Every secret-valued setting resolves `env:NAME` and `file:PATH` references (issue 9 item 2, the class):
the test walks the whole settings model, so a secret setting added later without `SecretSetting` fails here."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from tfreview.settings import Settings


def _secret_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], bool]]:
    """(path, resolves) of every SecretStr field reachable through nested models (lists of models excluded:
    SecretVersion lists are checked through their own model)."""
    hints = typing.get_type_hints(model, include_extras=True)
    for name in model.model_fields:
        hint = hints[name]
        if typing.get_origin(hint) is list:
            continue
        for arm in typing.get_args(hint) or (hint,):
            base = typing.get_args(arm)[0] if typing.get_origin(arm) is typing.Annotated else arm
            if base is SecretStr:
                metadata = typing.get_args(arm)[1:] if typing.get_origin(arm) is typing.Annotated else ()
                yield (*prefix, name), any(getattr(m, "func", None) is not None for m in metadata)
            elif isinstance(base, type) and issubclass(base, BaseModel):
                yield from _secret_paths(base, (*prefix, name))


SECRET_PATHS = [path for path, _ in _secret_paths(Settings)]


def test_the_walk_finds_the_secret_settings() -> None:
    assert ("metrics", "token") in SECRET_PATHS
    assert ("notify", "slack", "webhook_url") in SECRET_PATHS
    assert ("dashboard", "session_secret") in SECRET_PATHS


def test_every_secret_setting_is_a_secret_setting() -> None:
    plain = [".".join(path) for path, resolves in _secret_paths(Settings) if not resolves]
    assert not plain, f"SecretStr settings that take a reference literally (type them SecretSetting): {plain}"


@pytest.mark.parametrize("path", SECRET_PATHS, ids=".".join)
def test_a_reference_is_read_not_taken_literally(
    path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "canary-value-7f3a9c"
    if path == ("notify", "slack", "webhook_url"):  # checked as a URL once read
        canary = f"https://hooks.slack.com/services/{canary}"
    secret_file = tmp_path / "secret"
    secret_file.write_text(canary + "\n", encoding="utf-8")
    monkeypatch.setenv("TFREVIEW_" + "__".join(part.upper() for part in path), f"file:{secret_file}")
    value: object = Settings()
    for part in path:
        value = getattr(value, part)
    assert isinstance(value, SecretStr)
    assert value.get_secret_value() == canary


@pytest.mark.parametrize("path", SECRET_PATHS, ids=".".join)
def test_a_reference_that_does_not_resolve_is_refused(path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TFREVIEW_TEST_NO_SUCH_SECRET", raising=False)
    monkeypatch.setenv("TFREVIEW_" + "__".join(part.upper() for part in path), "env:TFREVIEW_TEST_NO_SUCH_SECRET")
    with pytest.raises(ValueError, match="TFREVIEW_TEST_NO_SUCH_SECRET"):
        Settings()


@pytest.mark.parametrize("value", ["", "   ", "\n"])
@pytest.mark.parametrize("source", ["github", "spacelift"])
def test_an_empty_webhook_secret_is_refused_at_start(source: str, value: str) -> None:
    """An empty inline secret used to be accepted, then skipped as unusable: the service started and answered
    every delivery 401 (an empty file was refused already). One more mistake becomes a settings error."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="secret is empty"):
        Settings.model_validate({source: {"webhook_secrets": [{"value": value}]}})


@pytest.mark.parametrize("path", SECRET_PATHS, ids=".".join)
@pytest.mark.parametrize("value", ["", " ", "\t\n"])
def test_a_blank_secret_is_refused_not_taken_as_the_key(
    path: tuple[str, ...], value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`TFREVIEW_METRICS__TOKEN=" "` opened /metrics to `Authorization: Bearer  `; an empty session secret (compose's
    `${UNSET}`) ended `serve` with an internal error. Unset is None; blank is a mistake, refused at start."""
    from pydantic import ValidationError

    monkeypatch.setenv("TFREVIEW_" + "__".join(part.upper() for part in path), value)
    with pytest.raises(ValidationError, match="secret is empty"):
        Settings()


@pytest.mark.parametrize("name", ["session_secret", "csrf_secret"])
def test_a_dashboard_signing_key_shorter_than_16_bytes_is_a_settings_error(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It ended `serve` with `internal error: ValueError` (exit 3) once the services were built."""
    from tfreview.cli import main

    monkeypatch.setenv(f"TFREVIEW_DASHBOARD__{name.upper()}", "short-canary")
    code = main(["db", "upgrade", "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"TFREVIEW_DASHBOARD__{name.upper()}: Value error, a dashboard signing key is at least 16 bytes" in err
    assert "short-canary" not in err
