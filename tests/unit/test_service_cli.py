"""The service commands' refusals: bad flags and bad settings are one line and exit 2, before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfreview.cli import main


@pytest.mark.parametrize("port", ["-1", "70000", "http"])
def test_serve_rejects_a_bad_port(capsys: pytest.CaptureFixture[str], tmp_path: Path, port: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", port, "--data-dir", str(tmp_path / "data")])
    assert exited.value.code == 2
    assert "--port" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


def test_serve_refuses_a_busy_timeout_below_five_seconds(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TFREVIEW_DATABASE__BUSY_TIMEOUT_MS", "1000")
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert "TFREVIEW_DATABASE__BUSY_TIMEOUT_MS" in err
    assert "Traceback" not in err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("name", ["OUTBOX_RETENTION_DAYS", "OUTBOX_UNSENT_RETENTION_DAYS"])
def test_serve_refuses_an_outbox_retention_that_would_drop_alerts_before_they_are_sent(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    # 0.001 days is 86 s: the hourly sweep would delete a never-sent notification of a resolved incident
    # (or, for the unsent retention, of an OPEN one) while its sender is still backing off.
    monkeypatch.setenv(f"TFREVIEW_NOTIFY__{name}", "0.001")
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert f"TFREVIEW_NOTIFY__{name}" in err
    assert "Traceback" not in err
    assert not (tmp_path / "data").exists()


def test_bad_settings_never_echo_their_value(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TFREVIEW_GITHUB__WEBHOOK_SECRETS", "whsec-canary-not-json")
    assert main(["db", "upgrade", "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert "TFREVIEW_GITHUB__" in err
    assert "whsec-canary-not-json" not in err


def test_db_upgrade_creates_the_data_directory_and_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TFREVIEW_DATABASE__URL", raising=False)
    data = tmp_path / "nested" / "data"
    assert main(["db", "upgrade", "--data-dir", str(data)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (data / "tfreview.db").exists()
    assert main(["db", "upgrade", "--data-dir", str(data)]) == 0  # idempotent


def test_tokens_create_rejects_bad_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TFREVIEW_DATABASE__URL", raising=False)
    data = str(tmp_path / "data")
    argv = ["tokens", "create", "--tenant", "github:1", "--scope", "read", "--name", "x", "--data-dir", data]
    assert main([*argv, "--expires-in-days", "0"]) == 2
    assert "--expires-in-days" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["tokens", "create", "--tenant", "github:1", "--scope", "root", "--name", "x", "--data-dir", data])
    assert exited.value.code == 2


def test_the_cli_imports_no_service_library_until_a_service_command_runs() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tfreview.cli as c; c.build_parser().parse_args(['scan', 'x']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'fastapi', 'starlette', 'uvicorn', 'sqlalchemy', 'alembic', 'httpx', 'pydantic', 'psycopg'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"


def test_9_20_a_missing_postgresql_driver_names_the_extra_exit_2(tmp_path: Path) -> None:
    """Without psycopg installed (blocked in a child process), a PostgreSQL URL is one line naming the extra."""
    import subprocess
    import sys

    code = "import sys; sys.modules['psycopg'] = None; from tfreview.cli import main; sys.exit(main(['db', 'upgrade']))"
    env = {"PATH": "/usr/bin:/bin", "TFREVIEW_DATABASE__URL": "postgresql://tfreview:pw-canary@127.0.0.1:9/tfreview"}
    argv = [sys.executable, "-c", code]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "postgres" in lines[0]
    assert "extra" in lines[0]
    assert "pw-canary" not in result.stderr


def test_9_20_tokens_revoke_with_a_secret_is_refused_without_echoing_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secret = "tfr_canary0123456789abcdefghij"
    assert main(["tokens", "revoke", secret, "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert "token's id" in err
    assert secret not in err
    assert not (tmp_path / "data").exists()
