"""`serve --host 0.0.0.0` without `server.public_url`: the links it writes would point at 0.0.0.0, and it says so."""

from __future__ import annotations

import logging

import pytest

from tfreview.serving import _listening_settings
from tfreview.settings import ServerSettings, Settings


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_listening_on_every_address_without_a_public_url_warns(host: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tfreview.serving"):
        listening = _listening_settings(Settings(), host, 8080)
    assert "TFREVIEW_SERVER__PUBLIC_URL" in caplog.text
    assert listening.server.public_url in caplog.text


@pytest.mark.parametrize(
    ("settings", "host"),
    [
        (Settings(), "127.0.0.1"),
        (Settings(server=ServerSettings(public_url="https://tfreview.example.com")), "0.0.0.0"),
    ],
)
def test_a_reachable_or_configured_url_does_not_warn(
    settings: Settings, host: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tfreview.serving"):
        _listening_settings(settings, host, 8080)
    assert caplog.text == ""
