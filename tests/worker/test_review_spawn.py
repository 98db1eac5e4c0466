"""ADR 0740: what a review process is executed with, and what it is handed through its pipe."""

from __future__ import annotations

import _posixsubprocess
import logging
import pickle
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tfreview.plumbing.secret_references import SecretSource
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.settings import Settings
from tfreview.worker.review_child import Failed
from tfreview.worker.review_errors import unpack
from tfreview.worker.review_processes import ReviewProcess
from tfreview.worker.review_spawn import exec_environment, handed_over

SERVER = {
    "PATH": "/usr/local/bin:/usr/bin",
    "HOME": "/home/tfreview",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONPATH": "/srv/tfreview/src",
    "SSL_CERT_FILE": "/etc/ssl/corp.pem",
    "LD_LIBRARY_PATH": "/opt/python/lib",
    "MALLOC_ARENA_MAX": "2",
    "TFREVIEW_GITHUB__WEBHOOK_SECRETS": '[{"value": "whsec-canary"}]',
    "TFREVIEW_DATABASE_URL": "postgresql://tfreview:db-canary@db/tfreview",
    "OPENAI_API_KEY": "sk-canary",
    "GH_APP_KEY": "-----BEGIN PRIVATE KEY-----canary",
    "HTTPS_PROXY": "http://proxyuser:proxy-canary@proxy:3128",
    "no_proxy": "localhost",
    "all_proxy": "socks5://proxy:1080",
    "AWS_SECRET_ACCESS_KEY": "aws-canary",
    "AWS_REGION": "eu-west-1",
}
NOW = datetime(2026, 12, 7, tzinfo=UTC)
SOURCE = SourceInfo("github", repository="octo/infra", pull_request=1)
STORED = StoredReview("r-1", "github:42", SOURCE, ReviewStatus.IN_PROGRESS, NOW, NOW)


def test_a_review_process_is_executed_with_what_a_python_process_needs_and_no_credential() -> None:
    assert exec_environment(SERVER) == {
        "PATH": "/usr/local/bin:/usr/bin",
        "HOME": "/home/tfreview",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": "/srv/tfreview/src",
        "SSL_CERT_FILE": "/etc/ssl/corp.pem",
        "LD_LIBRARY_PATH": "/opt/python/lib",
        "MALLOC_ARENA_MAX": "2",
    }


def test_it_is_handed_the_variables_its_references_name_and_the_proxies() -> None:
    references = [SecretSource.parse("env:GH_APP_KEY"), SecretSource.parse("file:/run/secrets/marker")]
    assert handed_over(SERVER, references) == {
        "GH_APP_KEY": "-----BEGIN PRIVATE KEY-----canary",
        "HTTPS_PROXY": "http://proxyuser:proxy-canary@proxy:3128",
        "no_proxy": "localhost",
        "all_proxy": "socks5://proxy:1080",
    }


def test_the_aws_chain_is_handed_over_only_for_an_aws_secrets_manager_reference() -> None:
    arn = "aws-sm:arn:aws:secretsmanager:eu-west-1:123456789012:secret:tfreview/app-key-AbCdEf"
    assert "AWS_SECRET_ACCESS_KEY" not in handed_over(SERVER, [SecretSource.parse("env:GH_APP_KEY")])
    handed = handed_over(SERVER, [SecretSource.parse(arn)])
    assert handed["AWS_SECRET_ACCESS_KEY"] == "aws-canary"
    assert handed["AWS_REGION"] == "eu-west-1"
    assert "OPENAI_API_KEY" not in handed


def test_a_variable_merely_named_like_pythons_own_is_not_kept() -> None:
    """review23b: `PYTHON` as a prefix kept `PYTHON_REGISTRY_TOKEN` too; CPython's own variables are `PYTHON` and
    capitals (`PYTHONPATH`) or, since 3.13, a few `PYTHON_` names, listed."""
    server = {
        "PYTHONPATH": "/srv/src",
        "PYTHONHASHSEED": "0",
        "PYTHON_GIL": "0",
        "PYTHON_REGISTRY_TOKEN": "pypi-canary",
        "PYTHONANYWHERE_API_TOKEN": "pa-canary",
        "PYTHON_KEYRING_PASSWORD": "keyring-canary",
    }
    kept = exec_environment(server)
    assert kept == {"PYTHONPATH": "/srv/src", "PYTHONHASHSEED": "0", "PYTHON_GIL": "0"}
    assert "canary" not in repr(kept)


def test_a_review_process_is_executed_without_the_servers_secrets_whatever_the_private_primitive_takes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """ADR 0743: on a Python whose private `_posixsubprocess.fork_exec` takes other arguments than CPython 3.11's
    (3.12 and 3.13 changed it), ADR 0740's start refused the call it copied and fell back to the stock spawn — the
    server's whole environment in the review process's /proc/<pid>/environ. Here the primitive refuses every caller
    but the standard library's own (`subprocess`, `multiprocessing`: they call it with their version's arguments):
    the review process still starts with none of the canaries, answers through its pipe, and nothing is logged."""
    canaries = {"TFREVIEW_DATABASE_URL": "postgresql://u:db-canary-5c1e@db/x", "OPENAI_API_KEY": "sk-canary-77d0"}
    for name, value in canaries.items():
        monkeypatch.setenv(name, value)

    stock = _posixsubprocess.fork_exec

    def another_pythons(*args: Any) -> Any:
        caller = str(sys._getframe(1).f_globals.get("__name__", ""))
        if not caller.startswith(("subprocess", "multiprocessing")):  # a copy of the stdlib's call, outside it
            raise TypeError(f"fork_exec() takes exactly 21 arguments ({len(args)} given)")
        return stock(*args)

    monkeypatch.setattr(_posixsubprocess, "fork_exec", another_pythons)
    caplog.set_level(logging.DEBUG, logger="tfreview")
    child = ReviewProcess(pickle.dumps(Settings()))
    try:
        environ = Path(f"/proc/{child.pid}/environ").read_bytes()
        assert environ  # executed: the environment it was executed with, not its parent's during the fork
        for value in canaries.values():
            assert value.encode() not in environ
        assert b"PATH=" in environ
        answer = child.ask((STORED, {}, {}), lambda: False)  # a review without a GitHub App: refused, in the child
        assert isinstance(answer, Failed)
        assert "github_app" in str(unpack(answer.error))
        assert child.alive()
    finally:
        child.stop()
    assert not [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


def test_a_review_process_runs_with_the_servers_interpreter_options() -> None:
    """What `multiprocessing`'s spawn repeated (ADR 0743): a server run as `python -I -OO -B -W…` (isolated: no
    user site, no environment's PYTHON… variables) has its review processes executed with the same options."""
    flags = "(sys.flags.isolated, sys.flags.ignore_environment, sys.flags.no_user_site, sys.flags.optimize,"
    flags += " sys.flags.dont_write_bytecode, sys.flags.safe_path, sys.warnoptions)"
    server = (
        "import subprocess, sys\n"
        "from tfreview.worker.review_spawn import interpreter_options\n"
        f"print(repr({flags}))\n"
        f"child = [sys.executable, *interpreter_options(), '-P', '-c', 'import sys; print(repr({flags}))']\n"
        "print(subprocess.run(child, capture_output=True, text=True, check=True).stdout, end='')\n"
    )
    command = [sys.executable, "-I", "-OO", "-B", "-W", "error::DeprecationWarning", "-c", server]
    ran = subprocess.run(command, capture_output=True, text=True, check=True)
    own, childs = ran.stdout.splitlines()
    assert childs == own
    assert own == "(1, 1, 1, 2, 1, True, ['error::DeprecationWarning'])"
