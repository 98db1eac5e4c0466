"""SecretReloader (issue 11 K2, ADR 0120): `webhook_secrets_from` documents are read at start and again on a
reload; a reload that fails keeps the old secrets and logs one line without a value; the expiry gauge is the
end of the last valid version (+Inf when one has no end). PrometheusRecorder checks names and labels."""

from __future__ import annotations

import json
import logging
import math
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from tfreview.core.errors import ConfigError
from tfreview.ops.metrics import PrometheusRecorder
from tfreview.service.secret_reload import SecretReloader, expiry_of
from tfreview.service_commands import load_settings
from tfreview.settings import SecretVersion, Settings

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
OLD = "gh-old-canary-secret-6a1d"
NEW = "gh-new-canary-secret-93ce"


def _write(path: Path, versions: list[dict[str, object]]) -> None:
    path.write_text(json.dumps(versions), encoding="utf-8")


def _settings(path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM", f"file:{path}")
    return Settings()


def _sample(recorder: PrometheusRecorder, name: str, **labels: str) -> float | None:
    return recorder.registry.get_sample_value(name, labels)


def _values(settings: Settings) -> list[str]:
    return [v.value.get_secret_value() for v in settings.github.webhook_secrets]


def test_a_versions_document_is_read_at_start_and_swapped_in_on_reload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = tmp_path / "github-webhook.json"
    _write(versions, [{"value": OLD, "name": "2026-11"}])
    live = _settings(versions, monkeypatch)
    assert _values(live) == [OLD]
    recorder = PrometheusRecorder()
    reloader = SecretReloader(live, Settings, recorder, clock=lambda: NOW)
    assert reloader.reload() is False
    assert _sample(recorder, "tfreview_secret_reloads_total", outcome="unchanged") == 1
    assert _sample(recorder, "tfreview_secret_expiry_timestamp_seconds", secret="github_webhook") == math.inf

    ends = (NOW + timedelta(days=3)).isoformat()
    _write(versions, [{"value": NEW, "name": "2026-12"}, {"value": OLD, "name": "2026-11", "not_after": ends}])
    assert reloader.reload() is True
    assert _values(live) == [NEW, OLD]
    assert _sample(recorder, "tfreview_secret_reloads_total", outcome="changed") == 1
    assert _sample(recorder, "tfreview_secret_expiry_timestamp_seconds", secret="github_webhook") == math.inf

    _write(versions, [{"value": NEW, "not_after": ends}])
    assert reloader.reload() is True
    expiry = _sample(recorder, "tfreview_secret_expiry_timestamp_seconds", secret="github_webhook")
    assert expiry == (NOW + timedelta(days=3)).timestamp()  # within 7 days: secret-near-expiry fires


def test_a_versions_document_value_may_be_a_file_or_env_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # docs/howto/rotate-secrets.md's document: [{"value": "file:/run/secrets/gh-2026-12", ...}] — the value was
    # refused ("0.value: Input should be a valid string"): the resolved reference is read back as JSON
    (tmp_path / "gh-2026-12").write_text(OLD + "\n", encoding="utf-8")
    monkeypatch.setenv("GH_HOOK_NEW", NEW)
    versions = tmp_path / "github-webhook.json"
    _write(versions, [{"value": f"file:{tmp_path / 'gh-2026-12'}", "name": "2026-12"}, {"value": "env:GH_HOOK_NEW"}])
    live = _settings(versions, monkeypatch)
    assert _values(live) == [OLD, NEW]
    _write(versions, [{"value": f"file:{tmp_path / 'absent'}"}])
    with pytest.raises(ValueError, match=r"absent") as error:
        Settings()
    assert OLD not in str(error.value)


def test_a_failed_reload_keeps_the_old_secrets_and_names_no_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    versions = tmp_path / "github-webhook.json"
    _write(versions, [{"value": OLD}])
    live = _settings(versions, monkeypatch)
    recorder = PrometheusRecorder()
    reloader = SecretReloader(live, Settings, recorder, clock=lambda: NOW)
    for broken in (f'[{{"value": "{NEW}", "not_after": "soon"}}]', f"{NEW} not json", ""):
        versions.write_text(broken, encoding="utf-8")
        with caplog.at_level(logging.WARNING, logger="tfreview.secrets"):
            assert reloader.reload() is False
        assert _values(live) == [OLD]
        assert NEW not in caplog.text
        assert OLD not in caplog.text
        assert "secret reload failed" in caplog.text
        caplog.clear()
    versions.unlink()
    assert reloader.reload() is False
    assert _sample(recorder, "tfreview_secret_reloads_total", outcome="error") == 4
    # what the secret-reload-failing alert pages on (a revoke that did not take effect), back to 0 once one works
    assert _sample(recorder, "tfreview_secret_reload_consecutive_failures") == 4
    _write(versions, [{"value": NEW}])
    assert reloader.reload() is True
    assert _values(live) == [NEW]
    assert _sample(recorder, "tfreview_secret_reload_consecutive_failures") == 0


def test_an_unreadable_versions_document_refuses_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFREVIEW_SPACELIFT__WEBHOOK_SECRETS_FROM", f"file:{tmp_path / 'absent.json'}")
    with pytest.raises(ValueError, match=r"absent\.json"):
        Settings()
    monkeypatch.setenv("TFREVIEW_SPACELIFT__WEBHOOK_SECRETS_FROM", "s3cret-pasted-by-mistake")
    with pytest.raises(ConfigError, match=r"TFREVIEW_SPACELIFT__WEBHOOK_SECRETS_FROM: .*written file:PATH") as error:
        load_settings(data_dir=str(tmp_path))  # what `serve` and a reload build with: one line, no input value
    assert "s3cret-pasted-by-mistake" not in str(error.value)


def test_the_reload_thread_answers_an_ask_and_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = tmp_path / "github-webhook.json"
    _write(versions, [{"value": OLD}])
    live = _settings(versions, monkeypatch)
    reloader = SecretReloader(live, Settings, PrometheusRecorder())
    stop = threading.Event()
    thread = threading.Thread(target=reloader.run, args=(stop, 0.0), daemon=True)
    thread.start()
    _write(versions, [{"value": NEW}])
    reloader.ask()
    for _ in range(200):
        if _values(live) == [NEW]:
            break
        threading.Event().wait(0.05)
    assert _values(live) == [NEW]
    stop.set()
    thread.join(10)
    assert not thread.is_alive()


def test_expiry_of() -> None:
    past = SecretVersion(value=SecretStr("a"), not_after=NOW - timedelta(seconds=1))
    soon = SecretVersion(value=SecretStr("b"), not_after=NOW + timedelta(days=1))
    endless = SecretVersion(value=SecretStr("c"))
    assert expiry_of([], NOW) is None
    assert expiry_of([past], NOW) is None
    assert expiry_of([past, soon], NOW) == soon.not_after.timestamp()  # type: ignore[union-attr]
    assert expiry_of([soon, endless], NOW) == math.inf
