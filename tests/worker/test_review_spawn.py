"""ADR 0740: what a review process is executed with, and what it is handed through its pipe."""

from __future__ import annotations

from tfreview.plumbing.secret_references import SecretSource
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
