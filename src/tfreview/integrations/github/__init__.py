"""GitHub, as a GitHub App or with a plain token: authentication, the REST client, rate limits.

    settings = GitHubAppSettings(app_id=123, private_keys=["file:/run/secrets/github-app.pem"])
    auth = AppAuth(settings, http)
    client = GitHubClient(http, settings.api_url, auth, installation_id=42,
                          limiter=RateLimiter(writes_per_minute=settings.writes_per_minute))
    pr = client.get_pull_request("octo/infra", 7)

`build_github_client(settings, http)` does the same from settings alone.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from tfreview.integrations.github.auth import AppAuth, GitHubAuth, TokenAuth, permission_warnings
    from tfreview.integrations.github.client import GitHubClient
    from tfreview.integrations.github.errors import GitHubNotFound, GitHubRejected, GitHubUnavailable, RateLimited
    from tfreview.integrations.github.models import (
        App,
        ChangedFile,
        CheckRun,
        DeliveryPage,
        HookDelivery,
        Installation,
        IssueComment,
        PullRequest,
        Repository,
        Review,
        ReviewComment,
    )
    from tfreview.integrations.github.ratelimit import RateLimiter
    from tfreview.integrations.github.settings import REQUIRED_PERMISSIONS, GitHubAppSettings
    from tfreview.integrations.github.writes import MAX_ANNOTATIONS_PER_REQUEST

# The names above, imported on first use (PEP 562): importing one submodule — `github.settings`, which every
# process's settings model needs — used to run this file and import httpx, PyJWT and cryptography with it,
# ~0.15 s of CPU of every `tfreview` service command that never talks to GitHub (ADR 0667).
_LAZY = {
    "AppAuth": "auth",
    "GitHubAuth": "auth",
    "TokenAuth": "auth",
    "permission_warnings": "auth",
    "GitHubClient": "client",
    "GitHubNotFound": "errors",
    "GitHubRejected": "errors",
    "GitHubUnavailable": "errors",
    "RateLimited": "errors",
    "App": "models",
    "ChangedFile": "models",
    "CheckRun": "models",
    "DeliveryPage": "models",
    "HookDelivery": "models",
    "Installation": "models",
    "IssueComment": "models",
    "PullRequest": "models",
    "Repository": "models",
    "Review": "models",
    "ReviewComment": "models",
    "RateLimiter": "ratelimit",
    "REQUIRED_PERMISSIONS": "settings",
    "GitHubAppSettings": "settings",
    "MAX_ANNOTATIONS_PER_REQUEST": "writes",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:  # AttributeError: `from … import check_runs` then imports the submodule, as before
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "MAX_ANNOTATIONS_PER_REQUEST",
    "REQUIRED_PERMISSIONS",
    "App",
    "AppAuth",
    "ChangedFile",
    "CheckRun",
    "DeliveryPage",
    "GitHubAppSettings",
    "GitHubAuth",
    "GitHubClient",
    "GitHubNotFound",
    "GitHubRejected",
    "GitHubUnavailable",
    "HookDelivery",
    "Installation",
    "IssueComment",
    "PullRequest",
    "RateLimited",
    "RateLimiter",
    "Repository",
    "Review",
    "ReviewComment",
    "TokenAuth",
    "build_github_client",
    "default_http_client",
    "permission_warnings",
]


def default_http_client(settings: GitHubAppSettings) -> httpx.Client:
    """No redirects (a redirect could leave the API host), no transport retries (the client counts them)."""
    from tfreview.plumbing.http import outbound_client

    return outbound_client(timeout=settings.request_timeout_seconds)


def build_github_client(
    settings: GitHubAppSettings,
    http: httpx.Client,
    *,
    installation_id: int | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> GitHubClient:
    """An App client (when app_id and private_keys are set) or a plain-token client; ConfigError when neither."""
    from tfreview.core.errors import ConfigError
    from tfreview.integrations.github.auth import AppAuth, TokenAuth
    from tfreview.integrations.github.client import GitHubClient
    from tfreview.integrations.github.ratelimit import RateLimiter

    auth: GitHubAuth
    if settings.mode == "app":
        auth = AppAuth(settings, http, clock)
    elif settings.mode == "token":
        source = settings.token_source()
        assert source is not None  # mode "token" means a token source is set
        auth = TokenAuth(source)
    else:
        raise ConfigError("GitHub is not configured: set github_app.app_id and private_keys, or github_app.token")
    limiter = RateLimiter(
        writes_per_minute=settings.writes_per_minute,
        writes_per_hour=settings.writes_per_hour,
        max_wait_seconds=settings.max_rate_limit_wait_seconds,
        clock=clock,
        sleep=sleep,
    )
    return GitHubClient(
        http,
        settings.api_url,
        auth,
        installation_id=installation_id,
        limiter=limiter,
        clock=clock,
        sleep=sleep,
        max_response_bytes=settings.max_response_bytes,
    )
