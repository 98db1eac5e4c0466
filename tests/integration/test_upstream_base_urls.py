"""The GitHub and Spacelift base URLs are checked when the settings are read (`tfreview serve` refuses to start
with the variable named), never first met by a job: a Spacelift `api_url` without a scheme or with another one was
accepted and every Spacelift job then failed with "UnsupportedProtocol", retried to its end; a `user:password@` in
either URL was accepted and printed wherever the URL is (`SpaceliftClient(<endpoint>)`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from tfreview.integrations.github.settings import GitHubAppSettings
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings

CANARY = "sl-CANARYpassw0rd"


@pytest.mark.parametrize(
    "url",
    [
        "acme.app.spacelift.io/graphql",
        "ftp://acme.app.spacelift.io/graphql",
        "file:///etc/passwd",
        "https:///graphql",
        "https://acme.app.spacelift.io/graphql?x=1",
        f"https://key:{CANARY}@acme.app.spacelift.io/graphql",
    ],
)
def test_a_spacelift_api_url_that_is_no_endpoint_is_refused_naming_no_credential(url: str) -> None:
    with pytest.raises(ValidationError) as refused:
        SpaceliftApiSettings(account="acme", api_url=url)
    assert "api_url" in str(refused.value)
    assert CANARY not in str(refused.value).replace(f"input_value='{url}'", "")  # pydantic echoes its input only


def test_a_github_api_url_with_credentials_is_refused() -> None:
    with pytest.raises(ValidationError, match="holds no credentials"):
        GitHubAppSettings(api_url=f"https://x-access-token:{CANARY}@ghe.example.com/api/v3")


@pytest.mark.parametrize(
    "url", ["https://acme.app.spacelift.io/graphql", "http://127.0.0.1:8080/graphql", "https://[::1]:9/graphql"]
)
def test_an_endpoint_is_accepted(url: str) -> None:
    assert SpaceliftApiSettings(account="acme", api_url=url).endpoint == url


@pytest.mark.parametrize("url", ["acme.app.spacelift.io/graphql", f"https://k:{CANARY}@acme.app.spacelift.io/graphql"])
def test_serve_refuses_to_start_naming_the_variable(url: str) -> None:
    environ = {**os.environ, "TFREVIEW_SPACELIFT_API__API_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "serve", "--port", "0"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "TFREVIEW_SPACELIFT_API__API_URL" in done.stderr
    assert "Traceback" not in done.stderr
    assert CANARY not in done.stderr
