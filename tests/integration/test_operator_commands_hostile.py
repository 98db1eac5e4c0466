"""The operator's commands, run as real processes with what a tired operator gets wrong (session 16, r16-cli):
a PostgreSQL database nobody migrated, a stdout that is closed or full, a `--data-dir` that names no database.
Each ends with one precise line on stderr and the documented exit code (2: usage, configuration or input), no
traceback, no SQL, no secret, and nothing half-done left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.live import fresh_postgres_database
from tests.integration.served import child_env

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
CANARY = "pw-canary-r16cli-7f3a"  # the URL's password: PostgreSQL's trust login ignores it, no message may show it


def _run(
    arguments: list[str], *, stdout: int | None = subprocess.PIPE, close_stdout: bool = False, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", *arguments],
        env=child_env(**env),
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=(lambda: os.close(1)) if close_stdout else None,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert CANARY not in result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def unmigrated_postgres() -> Iterator[str]:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    with fresh_postgres_database(server, f"tfreview_r16cli_{uuid.uuid4().hex[:10]}") as url:
        yield url.replace("://postgres@", f"://postgres:{CANARY}@", 1)


@pytest.mark.parametrize(
    "command",
    [
        ["tokens", "list"],
        ["tokens", "create", "--tenant", "github:7", "--scope", "read", "--name", "n"],
        ["incidents", "list", "-o", "json"],
        ["audit-log"],
        ["slo"],
    ],
    ids=lambda c: "-".join(c[:2]),
)
def test_a_postgres_database_without_the_schema_is_one_line_naming_db_upgrade(
    unmigrated_postgres: str, command: list[str]
) -> None:
    result = _run(command, TFREVIEW_DATABASE__URL=unmigrated_postgres)

    assert result.returncode == 2, result.stderr
    line = _one_line(result)
    assert "has no tfreview schema" in line
    assert "tfreview db upgrade" in line
    assert "SELECT" not in line
    assert "INSERT" not in line
    assert result.stdout == ""


@pytest.mark.parametrize(
    "command",
    [
        ["tokens", "revoke-all", "--tenant", "github:7"],
        ["ai", "pause", "--minutes", "30"],
        ["block", "add", "ip:203.0.113.9"],
        ["audit-log", "--verify"],
    ],
    ids=lambda c: "-".join(c[:2]),
)
def test_a_data_dir_without_a_database_is_refused_and_nothing_is_created(tmp_path: Path, command: list[str]) -> None:
    """A forgotten or mistyped --data-dir used to create an empty database there and answer from it: "revoked 0
    tokens" in a compromise response, "AI paused" where no process looks."""
    wrong = tmp_path / "tfreveiw-data"
    result = _run([*command, "--data-dir", str(wrong)])

    assert result.returncode == 2, result.stderr
    line = _one_line(result)
    assert f"no tfreview database at {wrong / 'tfreview.db'}" in line
    assert "--data-dir" in line
    assert not wrong.exists()
    assert result.stdout == ""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The service's SQLite database, created as an operator does before the first `serve`."""
    directory = tmp_path_factory.mktemp("data")
    # the same CLI in this process (ADR 0669): the commands the tests below examine are the processes
    assert tfreview_in_process("db", "upgrade", "--data-dir", str(directory), env=child_env()).returncode == 0
    return directory


@pytest.mark.parametrize("command", [["alerts", "list"], ["tokens", "list"]], ids="-".join)
def test_a_closed_stdout_is_one_line_and_exit_2(data_dir: Path, command: list[str]) -> None:
    """`>&-`: sys.stdout is None; the first print was an internal error's AttributeError (exit 3)."""
    extra = ["--data-dir", str(data_dir)] if command[0] == "tokens" else []
    result = _run([*command, *extra], stdout=None, close_stdout=True)

    assert result.returncode == 2, result.stderr
    assert _one_line(result) == "tfreview: error: stdout: cannot write: standard output is closed"


def test_a_full_stdout_is_one_line_and_exit_2(data_dir: Path) -> None:
    with open("/dev/full", "w") as full:
        result = _run(["audit-log", "-o", "json", "--data-dir", str(data_dir)], stdout=full.fileno())

    assert result.returncode == 2, result.stderr
    assert _one_line(result) == "tfreview: error: stdout: cannot write: No space left on device"


def test_a_token_whose_secret_cannot_be_written_is_revoked(data_dir: Path) -> None:
    """`tokens create > /dev/full` left an active token whose secret nobody ever saw; now it is revoked at once."""
    with open("/dev/full", "w") as full:
        result = _run(
            [
                "tokens",
                "create",
                "--tenant",
                "github:7",
                "--scope",
                "admin",
                "--name",
                "lost",
                "--data-dir",
                str(data_dir),
            ],
            stdout=full.fileno(),
        )

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "tfr_" not in result.stderr
    assert "so it was revoked at once" in result.stderr.strip().splitlines()[-1]
    listed = tfreview_in_process("tokens", "list", "--data-dir", str(data_dir), env=child_env())
    (row,) = [line for line in listed.stdout.splitlines() if line.endswith(" lost")]
    assert " revoked " in row


@pytest.mark.parametrize("command", [["--version"], ["rules", "show", "CKV_AWS_24"]], ids=lambda c: c[-1])
def test_a_full_stdout_without_a_database_is_one_line_too(command: list[str]) -> None:
    """`tfreview --version > /dev/full` was a traceback; a short answer failed only in the interpreter's last flush."""
    with open("/dev/full", "w") as full:
        result = _run(command, stdout=full.fileno())

    assert result.returncode == 2, result.stderr
    assert _one_line(result) == "tfreview: error: stdout: cannot write: No space left on device"


def test_an_internal_error_is_its_first_line_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed query's text goes on with its SQL and parameters (a token's hash, a stored payload): not for stderr."""
    from tfreview import cli

    def fail(args: object) -> int:
        raise RuntimeError(f"relation gone\n[SQL: SELECT secret_hash FROM api_tokens]\n[parameters: {CANARY}]")

    monkeypatch.setattr(cli, "_rules", fail)
    assert cli.main(["rules", "list"]) == 3
    err = capsys.readouterr().err
    assert err == "tfreview: internal error: RuntimeError: relation gone (rerun with --debug for details)\n"


@pytest.mark.parametrize("command", [["scan", "-"], ["submit", "-", "--url", "http://127.0.0.1:9"]], ids=lambda c: c[0])
def test_a_closed_stdin_is_one_line_and_exit_2(command: list[str]) -> None:
    """`tfreview scan - <&-`: sys.stdin is None; reading it was an internal error's AttributeError (exit 3)."""
    result = subprocess.run(
        [sys.executable, "-m", "tfreview", *command],
        env=child_env(TFREVIEW_TOKEN="tfr_0123456789abcdef_notused"),
        stdin=None,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=lambda: os.close(0),
    )

    assert result.returncode == 2, result.stderr
    assert "standard input is closed" in _one_line(result)


@pytest.mark.parametrize("output", ["text", "json"])
def test_probe_never_shows_the_urls_password(output: str) -> None:
    """`probe https://user:password@host` (a service behind basic auth) printed the password in its message and JSON."""
    result = _run(["probe", f"http://monitor:{CANARY}@127.0.0.1:9", "--timeout", "2", "-o", output])

    assert result.returncode == 3, result.stderr
    assert CANARY not in result.stdout + result.stderr
    assert "127.0.0.1:9" in result.stdout + result.stderr


def test_a_block_reason_is_one_printable_line(data_dir: Path) -> None:
    """`block add --reason` took a newline and a terminal escape as they were; `block list` wrote them to the
    operator's terminal (a forged row, a recoloured screen)."""
    data = ["--data-dir", str(data_dir)]
    refused = _run(["block", "add", "ip:203.0.113.77", "--reason", "evil\nip:198.51.100.1  0s  1  ok\x1b[2J", *data])

    assert refused.returncode == 2, refused.stderr
    assert "--reason must be one printable line" in _one_line(refused)
    assert "203.0.113.77" not in _run(["block", "list", *data]).stdout

    from tfreview.ops_cli.block_commands import format_blocks
    from tfreview.ports.blocks import Block

    now = datetime.now(UTC)
    stored = Block("ip:203.0.113.78", "ip", "old\nrow\x1b[2J", "admin x", now, now + timedelta(minutes=5), 1)
    (_header, row) = format_blocks([stored], now).splitlines()
    assert "\x1b" not in row
    assert row.endswith("admin x: old row[2J")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["tokens", "create", "--tenant", "github:7", "--scope", "read", "--name", "x\x1b]0;pwn\x07\nFAKE"], "name"),
        (["tokens", "create", "--tenant", "github:7\x1b[31m", "--scope", "read", "--name", "x"], "tenant"),
        (["ai", "pause", "--by", "bob\x1b[31m\nx"], "--by"),
        (["incidents", "ack", "1", "--by", "bob\x1b[31m"], "--by"),
    ],
    ids=["token-name", "token-tenant", "ai-pause-by", "incidents-ack-by"],
)
def test_free_text_that_a_listing_prints_is_one_printable_line(
    data_dir: Path, command: list[str], message: str
) -> None:
    """A token's name, an `ai pause --by` were stored with terminal escapes and newlines as they were, and
    `tokens list` / `ai status` wrote them to the operator's terminal."""
    result = _run([*command, "--data-dir", str(data_dir)])

    assert result.returncode == 2, result.stderr
    line = _one_line(result)
    assert message in line
    assert "\x1b" not in line
