"""What a service command imports to start: a database already at the schema head is recognised without Alembic
(ADR 0666), the settings model without the GitHub client, httpx or PyJWT, the services without PyJWT where OIDC
is not configured (ADR 0667), `serve` without what only a sign-in or an upload uses (ADR 0753). Run as real
processes with `python -X importtime`, whose stderr names every module imported."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.live import fresh_postgres_database
from tests.integration.served import START_SECONDS, child_env, stop

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"


def _run(argv: list[str], **env: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tfreview", *argv],
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "tfreview.cli" in modules, result.stderr[-2000:]  # -X importtime did report
    return result, modules


def _top(modules: set[str]) -> set[str]:
    return {module.split(".", 1)[0] for module in modules}


def _errors(result: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(line for line in result.stderr.splitlines() if not line.startswith("import time:"))


def test_db_upgrade_of_a_sqlite_database_at_the_head_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tfreview.db'}"
    first, modules = _run(["db", "upgrade"], TFREVIEW_DATABASE__URL=url)
    assert first.returncode == 0, _errors(first)
    assert "alembic" in _top(modules)  # a new database: migrated through Alembic

    again, modules = _run(["db", "upgrade"], TFREVIEW_DATABASE__URL=url)
    assert again.returncode == 0, _errors(again)
    assert again.stdout == f"database schema is up to date ({url})\n"
    assert {"alembic", "mako"}.isdisjoint(_top(modules))

    listed, modules = _run(["tokens", "list"], TFREVIEW_DATABASE__URL=url)
    assert listed.returncode == 0, _errors(listed)
    assert listed.stdout == "no tokens\n"
    assert {"alembic", "mako"}.isdisjoint(_top(modules))
    # without OIDC the authenticator needs neither PyJWT nor cryptography (ADR 0667)
    assert {"jwt", "cryptography"}.isdisjoint(_top(modules))
    assert "tfreview.store.tokens" in modules  # the services were built: the comparison is not of nothing


def test_settings_are_read_without_the_github_client(tmp_path: Path) -> None:
    # a settings error: the settings model was built in full, and nothing after it ran
    result, modules = _run(
        ["tokens", "list"],
        TFREVIEW_DATABASE__URL=f"sqlite:///{tmp_path / 'tfreview.db'}",
        TFREVIEW_DATABASE__BUSY_TIMEOUT_MS="10",
    )
    assert result.returncode == 2, _errors(result)
    assert "TFREVIEW_DATABASE__BUSY_TIMEOUT_MS" in _errors(result)
    assert "Traceback" not in result.stderr
    assert "tfreview.settings" in modules
    assert "tfreview.integrations.github.settings" in modules
    assert {"tfreview.integrations.github.auth", "tfreview.integrations.github.client"}.isdisjoint(modules)
    assert {"httpx", "jwt", "cryptography", "alembic"}.isdisjoint(_top(modules))
    assert "limits" not in _top(modules)  # the rate parser only for a rate set in the environment (ADR 0753)
    assert not (tmp_path / "tfreview.db").exists()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    with fresh_postgres_database(server, f"tfreview_imports_{uuid.uuid4().hex[:10]}") as url:
        yield url


def test_db_upgrade_of_a_postgres_database_at_the_head_does_not_import_alembic(postgres_url: str) -> None:
    first, modules = _run(["db", "upgrade"], TFREVIEW_DATABASE__URL=postgres_url)
    assert first.returncode == 0, _errors(first)
    assert "alembic" in _top(modules)

    again, modules = _run(["db", "upgrade"], TFREVIEW_DATABASE__URL=postgres_url)
    assert again.returncode == 0, _errors(again)
    assert "database schema is up to date" in again.stdout
    assert {"alembic", "mako"}.isdisjoint(_top(modules))


def test_token_commands_build_only_the_token_and_audit_stores(tmp_path: Path) -> None:
    # ADR 0701: neither the intake writer, the job queue, the door, the advisor, the integrations nor the outbound
    # HTTP client; what the commands print and record is as before
    url = f"sqlite:///{tmp_path / 'tfreview.db'}"
    unused = {
        "tfreview.store.intake",
        "tfreview.store.jobs",
        "tfreview.wiring.door",
        "tfreview.wiring.integrations",
        "tfreview.wiring.ops",
        "tfreview.advisor.factory",
        "tfreview.plumbing.http",
    }
    created, modules = _run(
        ["tokens", "create", "--tenant", "acme", "--scope", "read", "--name", "ci"], TFREVIEW_DATABASE__URL=url
    )
    assert created.returncode == 0, _errors(created)
    assert unused.isdisjoint(modules), sorted(unused & modules)
    token_id = _errors(created).split("created token ", 1)[1].split(" ", 1)[0]
    listed, modules = _run(["tokens", "list", "--tenant", "acme"], TFREVIEW_DATABASE__URL=url)
    assert listed.returncode == 0, _errors(listed)
    assert unused.isdisjoint(modules), sorted(unused & modules)
    assert token_id in listed.stdout
    revoked, modules = _run(["tokens", "revoke", token_id], TFREVIEW_DATABASE__URL=url)
    assert revoked.returncode == 0, _errors(revoked)
    assert unused.isdisjoint(modules), sorted(unused & modules)
    audit, _ = _run(["audit-log", "--action", "token.create"], TFREVIEW_DATABASE__URL=url)
    assert audit.returncode == 0, _errors(audit)
    assert f"token:{token_id}" in audit.stdout


def test_revoking_tokens_is_not_held_up_by_a_part_it_does_not_use(tmp_path: Path) -> None:
    # a leaked token is revoked even while the advisor's settings are broken; `serve` still refuses them (ADR 0701)
    url = f"sqlite:///{tmp_path / 'tfreview.db'}"
    created, _ = _run(
        ["tokens", "create", "--tenant", "acme", "--scope", "read", "--name", "ci"], TFREVIEW_DATABASE__URL=url
    )
    assert created.returncode == 0, _errors(created)
    broken = {"TFREVIEW_DATABASE__URL": url, "TFREVIEW_ADVISOR__NAME": "anthropic"}  # no anthropic model configured
    revoked, _ = _run(["tokens", "revoke-all", "--tenant", "acme"], **broken)
    assert revoked.returncode == 0, _errors(revoked)
    assert revoked.stdout.startswith("revoked 1 tokens of acme")
    served = subprocess.run(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0"],
        env=child_env(**broken),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert served.returncode == 2, served.stderr[-2000:]
    assert "no anthropic model is configured" in served.stderr


def _started(argv: list[str], ready: str, tmp_path: Path) -> set[str]:
    """The modules a long-running command imported by the time it printed `ready` (stdout for serve, its log for
    worker); then SIGTERM, exit 0."""
    data = ["--data-dir", str(tmp_path / "data")]
    made = subprocess.run([sys.executable, "-m", "tfreview", "db", "upgrade", *data], env=child_env(), check=False)
    assert made.returncode == 0  # a database at the head: a restart's start (a new one imports Alembic)
    log = tmp_path / "importtime.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "tfreview", *argv, *data],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        assert process.stdout is not None
        if ready == "stdout":
            assert "serving on" in process.stdout.readline(), log.read_text()[-2000:]
        else:
            deadline = time.monotonic() + START_SECONDS  # a bound for a loaded machine, not a threshold
            while ready not in log.read_text():
                assert time.monotonic() < deadline, log.read_text()[-2000:]
                time.sleep(0.05)
    finally:
        stop(process)
    assert process.returncode == 0, log.read_text()[-2000:]
    text = log.read_text()
    return {line.rsplit("|", 1)[1].strip() for line in text.splitlines() if line.startswith("import time:")}


def test_serve_starts_without_what_only_a_sign_in_or_an_upload_uses(tmp_path: Path) -> None:
    # ADR 0753: PyJWT and cryptography at the first sign-in, the plan and HCL parsers at the first upload or review;
    # httpx without its command-line client (click, rich and pygments where they are installed: the suite's venv)
    modules = _started(["serve", "--port", "0"], "stdout", tmp_path)
    assert "tfreview.web.dashboard.sign_in_pages" in modules  # what was compared with
    assert "httpx" in modules
    assert {"jwt", "cryptography", "rich", "pygments"}.isdisjoint(_top(modules))
    assert {"tfreview.service.uploads", "tfreview.parsing.hcl"}.isdisjoint(modules)


def test_a_worker_starts_without_httpxs_command_line_client(tmp_path: Path) -> None:
    modules = _started(["worker"], "thread(s) and the reaper started", tmp_path)
    assert "httpx" in modules
    assert {"click", "rich", "pygments"}.isdisjoint(_top(modules))  # what httpx's command-line client imports
