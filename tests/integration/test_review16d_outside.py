"""review16d (session 16): r16-cli's commands attacked from the outside, as real processes.

`serve` with a closed or full stdout, a database URL whose password holds characters the redaction's URL shape did
not expect (`/`, a space: an `openssl rand -base64` password written into the URL as it is), a URL SQLAlchemy
cannot read, and `secrets rotate api-token` whose new secret cannot be written."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.live import fresh_postgres_database
from tests.integration.served import Served, child_env, stop

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
CANARY = "r16d/Canary pw+9"  # a password as `openssl rand -base64` makes them, with a space: not percent-encoded


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


def _no_canary(text: str) -> None:
    for part in ("r16d/Canary", "Canary pw", "pw+9"):
        assert part not in text, text


# --- serve with a stdout it cannot write ------------------------------------------------------------------------


def _serve_without_stdout(data_dir: Path, *, full: bool) -> Served:
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}-serve.log"
    argv = [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(data_dir)]
    if not full:
        argv = ["sh", "-c", 'exec "$@" >&-', "sh", *argv]  # the shell closes stdout, then becomes the service
    with log_path.open("w") as log, open("/dev/full", "w") as devfull:
        process = subprocess.Popen(
            argv, env=child_env(), stdout=devfull.fileno() if full else None, stderr=log, text=True
        )
    served = Served(process, "", 0, log_path)
    try:
        text = served.wait_for_log("serving on http://127.0.0.1:", timeout=60)
    except AssertionError:
        stop(process)
        raise
    url = text.split("serving on ", 1)[1].split()[0]
    return Served(process, url, int(url.rsplit(":", 1)[1]), log_path)


@pytest.mark.parametrize("full", [False, True], ids=["closed", "full"])
def test_serve_runs_on_with_a_stdout_it_cannot_write(tmp_path: Path, full: bool) -> None:
    """`tfreview serve >&-` (or `> file` on a full disk): the start-up line on stdout failed, the lifespan died and
    the service stopped after answering 500 (exit 2, "stdout: cannot write"); the line now goes to the log."""
    served = _serve_without_stdout(tmp_path / "data", full=full)
    try:
        with urllib.request.urlopen(f"{served.url}/healthz", timeout=30) as answer:
            assert answer.status == 200
        assert served.process.poll() is None, served.log()
    finally:
        stop(served.process)
    assert served.process.returncode == 0, served.log()
    assert "Traceback" not in served.log()


# --- a database URL whose password the redaction did not see ----------------------------------------------------


@pytest.fixture
def unmigrated_postgres() -> Iterator[str]:
    """A fresh database per test: `db upgrade` below migrates its own."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    with fresh_postgres_database(server, f"tfreview_r16d_{uuid.uuid4().hex[:10]}") as url:
        yield url.replace("://postgres@", f"://postgres:{CANARY}@", 1)


def test_redacted_url_hides_a_password_with_a_slash_or_a_space() -> None:
    from tfreview.store.setup import redacted_url

    for url in (
        "postgresql+psycopg://app:ab/cd ef@db.internal:5432/tfreview",
        "postgresql+psycopg://app:ab/cd@db.internal/tfreview",
        "postgresql+psycopg://app:ab cd@db.internal/tfreview",
        "postgresql+psycopg://app:abcdefgh@db.internal:port/tfreview",  # SQLAlchemy cannot read it
        "postgresql+psycopg://app:ab@cd@db.internal/tfreview",  # SQLAlchemy's host would be `cd@db.internal`
    ):
        shown = redacted_url(url)
        assert "ab" not in shown.replace("tfreview", ""), shown
        assert "db.internal" in shown
    assert redacted_url("sqlite:///.tfreview-data/tfreview.db") == "sqlite:///.tfreview-data/tfreview.db"


@pytest.mark.parametrize("command", [["tokens", "list"], ["db", "upgrade"]], ids=" ".join)
def test_a_password_with_a_slash_and_a_space_is_never_printed(unmigrated_postgres: str, command: list[str]) -> None:
    """`db upgrade` printed the URL it migrated, and every operator command's "no tfreview schema" line the URL it
    refused, with such a password in clear."""
    result = _run(command, TFREVIEW_DATABASE__URL=unmigrated_postgres)

    assert result.returncode in (0, 2), result.stderr
    assert "@127.0.0.1:5432/tfreview_r16d_" in result.stdout + result.stderr
    _no_canary(result.stdout + result.stderr)


def test_a_postgres_scheme_url_is_checked_as_a_postgresql_one(unmigrated_postgres: str) -> None:
    """`postgres://…` (the spelling many hosts hand out, which the store reads as PostgreSQL) skipped the schema check
    of `serve`, `worker` and every operator command: `tokens list` on an unmigrated database was an internal error
    (exit 3, the missing relation) and `serve` started to answer 500s (ADR 0375's check, bypassed)."""
    from tfreview.store.setup import is_sql

    assert is_sql("postgres://app@db.internal/tfreview")
    url = "postgres://" + unmigrated_postgres.split("://", 1)[1]
    result = _run(["tokens", "list"], TFREVIEW_DATABASE__URL=url)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "has no tfreview schema" in lines[0]
    assert "tfreview db upgrade" in lines[0]
    _no_canary(result.stderr)


def test_a_database_url_sqlalchemy_cannot_read_is_a_setting_error(tmp_path: Path) -> None:
    """A port that is not a number was an internal error (exit 3, `ValueError: invalid literal for int()`)."""
    url = "postgresql+psycopg://app:Canary0pw@127.0.0.1:notaport/tfreview"
    result = _run(["tokens", "list"], TFREVIEW_DATABASE__URL=url)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tfreview: error: invalid settings: TFREVIEW_DATABASE__URL"), lines[0]
    assert "internal error" not in lines[0]
    assert "Canary0pw" not in result.stderr


# --- secrets rotate api-token whose secret cannot be written ----------------------------------------------------


def test_a_rotated_token_whose_secret_cannot_be_written_is_revoked(tmp_path: Path) -> None:
    """`secrets rotate api-token --token ID > /dev/full` (or `>&-`, the same path) left a new active token whose
    secret nobody ever saw (the error line said stdout could not be written; the token stayed). `tokens create`
    revokes such a token: so does the rotation."""
    data = tmp_path / "data"
    # the rotation is the process under test; the token before it and the list after it: the CLI in this process
    argv = ["tokens", "create", "--tenant", "github:7", "--scope", "write", "--name", "hook", "--data-dir", str(data)]
    created = tfreview_in_process(*argv, env=child_env())
    assert created.returncode == 0, created.stderr
    old_id = created.stdout.strip().split("_")[1]

    with open("/dev/full", "w") as devfull:
        result = _run(
            ["secrets", "rotate", "api-token", "--token", old_id, "--data-dir", str(data)], stdout=devfull.fileno()
        )

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "tfr_" not in result.stderr
    assert "was never shown, so it was revoked at once" in result.stderr.strip().splitlines()[-1]
    listed = tfreview_in_process("tokens", "list", "--data-dir", str(data), env=child_env()).stdout.splitlines()
    rows = [line for line in listed if line.endswith(" hook")]
    assert len(rows) == 2, listed
    (new_row,) = [row for row in rows if not row.startswith(old_id)]
    assert " revoked " in new_row, rows
    (old_row,) = [row for row in rows if row.startswith(old_id)]
    assert " revoked " not in old_row, rows


def test_a_webhook_rotation_whose_secret_cannot_be_written_is_undone(tmp_path: Path) -> None:
    """`secrets rotate github-webhook > /dev/full` (or `>&-`) said "stdout: cannot write" and exit 2, yet the
    versions document already held a new version nobody saw and ended the current one after the overlap: a day
    later every GitHub delivery was refused. The document is now put back as it was."""
    import json

    document = tmp_path / "github-webhook.json"
    original = [{"value": "whsec-review16d-current", "name": "2026-11"}]
    document.write_text(json.dumps(original), encoding="utf-8")
    document.chmod(0o600)
    with open("/dev/full", "w") as devfull:
        result = _run(
            ["secrets", "rotate", "github-webhook", "--overlap-hours", "24", "--data-dir", str(tmp_path / "none")],
            stdout=devfull.fileno(),
            TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM=f"file:{document}",
        )

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("tfreview: error: stdout: cannot write: No space left on device"), last
    assert "the rotation was undone" in last, last
    assert json.loads(document.read_text(encoding="utf-8")) == original
    assert not (tmp_path / "none").exists()
