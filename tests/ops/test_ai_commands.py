"""`tfreview ai pause|resume|status`: the operator's switch reaches the advisor of another process through
the database; bad input is refused before the database is touched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.cli import main
from tfreview.ops.controls import AI_BREAKER_OPEN, AI_PAUSED, CachedControls, Control
from tfreview.settings import DatabaseSettings, Settings
from tfreview.store.migrate import upgrade
from tfreview.wiring import build_services


def test_pause_resume_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'tfreview.db'}"
    upgrade(url)
    monkeypatch.setenv("TFREVIEW_DATABASE__URL", url)
    services = build_services(Settings(database=DatabaseSettings(url=url)))  # "a worker": another container
    try:
        assert services.ops is not None
        assert services.ops.controls is not None
        seen = CachedControls(services.ops.controls.controls, ttl_seconds=0)
        assert main(["ai", "status"]) == 0
        assert "running (no control holds)" in capsys.readouterr().out

        assert main(["ai", "pause", "--minutes", "15", "--reason", "provider  bill\tcheck", "--by", "alice"]) == 0
        assert "AI review paused until" in capsys.readouterr().out
        paused = seen.active(AI_PAUSED)
        assert paused is not None
        assert paused.set_by == "cli:alice"
        assert paused.reason == "provider bill check"  # one line, whitespace folded
        assert main(["ai", "status", "-o", "json"]) == 0
        (shown,) = json.loads(capsys.readouterr().out)
        assert shown["name"] == AI_PAUSED
        assert shown["set_by"] == "cli:alice"

        now = services.clock()
        services.ops.controls.controls.hold(
            Control(AI_BREAKER_OPEN, now.replace(year=now.year + 1), "watchdog", "x", now, 4)
        )
        assert main(["ai", "resume"]) == 0
        assert f"lifted: {AI_PAUSED}, {AI_BREAKER_OPEN}" in capsys.readouterr().out
        assert seen.active(AI_PAUSED) is None
        assert seen.active(AI_BREAKER_OPEN) is None
        assert main(["ai", "resume"]) == 0
        assert "nothing to lift" in capsys.readouterr().out
    finally:
        services.close()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--minutes", "0"], "--minutes must be between 1 and 10080"),
        (["--minutes", "20000"], "--minutes must be between 1 and 10080"),
        (["--reason", "a\x00b"], "--reason must be one printable line"),
        (["--reason", "x" * 201], "--reason must be one printable line"),
    ],
)
def test_pause_refuses_bad_input_before_touching_the_database(
    arguments: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = tmp_path / "never.db"
    monkeypatch.setenv("TFREVIEW_DATABASE__URL", f"sqlite:///{database}")
    assert main(["ai", "pause", *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not database.exists()
