"""`tfreview_secret_expiry_timestamp_seconds` from the settings' secret versions (their `not_after`)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import SecretStr

from tfreview.ops.metrics import PrometheusRecorder
from tfreview.ops.samples import parse_exposition
from tfreview.settings import GitHubSettings, SecretVersion, Settings, SpaceliftSettings
from tfreview.wiring import publish_secret_expiry

SOON = datetime(2027, 1, 1, tzinfo=UTC)
LATER = datetime(2027, 6, 1, tzinfo=UTC)


def expiry(recorder: PrometheusRecorder) -> dict[str, float]:
    return {
        dict(s.labels)["secret"]: s.value
        for s in parse_exposition(recorder.exposition().decode())
        if s.name == "tfreview_secret_expiry_timestamp_seconds"
    }


def test_the_newest_versions_end_is_published_and_a_version_without_end_never_expires() -> None:
    settings = Settings(
        github=GitHubSettings(
            webhook_secrets=[
                SecretVersion(value=SecretStr("old-canary-secret"), not_after=SOON),
                SecretVersion(value=SecretStr("new-canary-secret"), not_after=LATER),
            ]
        ),
        spacelift=SpaceliftSettings(
            webhook_secrets=[
                SecretVersion(value=SecretStr("a"), not_after=SOON),
                SecretVersion(value=SecretStr("b")),  # no end: the secret does not expire
            ]
        ),
    )
    recorder = PrometheusRecorder(strict=True)
    assert publish_secret_expiry(recorder, settings) == ["github_webhook"]
    assert expiry(recorder) == {"github_webhook": LATER.timestamp()}
    assert "canary" not in recorder.exposition().decode()


def test_unconfigured_secrets_are_not_published() -> None:
    recorder = PrometheusRecorder(strict=True)
    assert publish_secret_expiry(recorder, Settings()) == []
    assert expiry(recorder) == {}
