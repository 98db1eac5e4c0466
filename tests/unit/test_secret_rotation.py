"""rotate_webhook on a Spacelift versions document that serves two accounts (ADR 0121/0122): the rotation of
one account ends only that account's versions, binds the new version to it, and refuses to guess."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tfreview.core.errors import ConfigError
from tfreview.service.secret_rotation import rotate_webhook
from tfreview.settings import Settings

NOW = datetime.now(UTC)
ACME = "sl-acme-rotate-canary-7b21"
GLOBEX = "sl-globex-rotate-canary-04fe"


@pytest.fixture
def document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "spacelift.json"
    path.write_text(json.dumps([{"value": ACME, "account": "acme"}, {"value": GLOBEX, "account": "globex"}]))
    monkeypatch.setenv("TFREVIEW_SPACELIFT__WEBHOOK_SECRETS_FROM", f"file:{path}")
    return path


def test_rotating_one_account_leaves_the_other_alone(document: Path) -> None:
    rotation = rotate_webhook("spacelift-webhook", Settings(), Settings, NOW, timedelta(hours=1), "ACME")
    assert rotation.new_secret
    versions = json.loads(document.read_text())
    assert versions[0] == {"value": rotation.new_secret, "name": versions[0]["name"], "account": "acme"}
    by_value = {v["value"]: v for v in versions[1:]}
    assert by_value[ACME]["not_after"] == (NOW + timedelta(hours=1)).isoformat()
    assert "not_after" not in by_value[GLOBEX]
    assert any("still accepted" in check for check in rotation.checks)
    assert all(ACME not in text and GLOBEX not in text for text in rotation.checks + rotation.steps)


def test_a_document_of_several_accounts_needs_the_account(document: Path) -> None:
    before = document.read_text()
    with pytest.raises(ConfigError, match="name one with --account"):
        rotate_webhook("spacelift-webhook", Settings(), Settings, NOW, timedelta(hours=1))
    assert document.read_text() == before  # nothing written


def test_a_github_rotation_takes_no_account(document: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM", f"file:{document}")
    with pytest.raises(ConfigError, match="--account is for spacelift-webhook"):
        rotate_webhook("github-webhook", Settings(), Settings, NOW, timedelta(hours=1), "acme")
