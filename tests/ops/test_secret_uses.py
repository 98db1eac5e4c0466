"""`tfreview secrets status` shows when each webhook secret VERSION last verified a delivery (issue 11 K4):
during a rotation's overlap, whether senders still sign with the old version is the question to answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.ops.stack import scenario_stack
from tests.web import deliveries
from tfreview.cli import main
from tfreview.ops.secret_uses import MemorySecretUses, ThrottledSecretUses
from tfreview.settings import GitHubSettings, SecretVersion

NEW = "rotated-webhook-secret-0123456789"


def test_the_version_that_signed_is_the_one_shown_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    versions = [
        SecretVersion(value=SecretStr(NEW), name="new"),
        SecretVersion(value=SecretStr(deliveries.GITHUB_SECRET), name="old"),
    ]
    with scenario_stack(tmp_path, github=GitHubSettings(webhook_secrets=versions)) as stack:
        for _ in range(3):
            assert stack.github_delivery(secret=deliveries.GITHUB_SECRET).status_code == 202  # the old one
        assert stack.github_delivery(secret="neither").status_code == 401
        database_url = stack.settings.database.url
    monkeypatch.setenv("TFREVIEW_DATABASE__URL", database_url)
    monkeypatch.setenv(
        "TFREVIEW_GITHUB__WEBHOOK_SECRETS",
        json.dumps([{"value": NEW, "name": "new"}, {"value": deliveries.GITHUB_SECRET, "name": "old"}]),
    )
    assert main(["secrets", "status"]) == 0
    table = capsys.readouterr().out
    rows = {line.split()[1]: line for line in table.splitlines() if line.startswith("github_webhook")}
    assert rows["old"].rstrip().endswith("ago"), rows
    assert rows["new"].rstrip().endswith("never"), rows
    assert NEW not in table
    assert deliveries.GITHUB_SECRET not in table


def test_a_write_at_most_once_a_minute_per_version() -> None:
    store = MemorySecretUses()
    uses = ThrottledSecretUses(store, every_seconds=60)
    at = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    uses.seen("github_webhook", at, ["v1"])
    uses.seen("github_webhook", at + timedelta(seconds=30), ["v1"])  # throttled
    uses.seen("github_webhook", at + timedelta(seconds=30), ["v2"])  # another version: its own minute
    assert store.last_uses() == {("github_webhook", "v1"): at, ("github_webhook", "v2"): at + timedelta(seconds=30)}
    uses.seen("github_webhook", at + timedelta(seconds=61), ["v1"])
    assert store.last_uses()[("github_webhook", "v1")] == at + timedelta(seconds=61)
