"""The stack the browser tests drive: tfreview over real HTTP on 127.0.0.1 (SQLite, embedded workers),
wired by `build_services` to a FakeGitHub (the real GitHub source and publisher) and to the fake OIDC
issuer for sign-in; one chromium for the module."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import CHROMIUM, CHROMIUM_FLAGS, require_chromium
from tests.fakes.github import FakeGitHub
from tests.fakes.oidc import FakeOidcIssuer
from tests.integrations.live_stack import (
    INSTALLATION,
    MAIN_TF,
    OWNER,
    REPO,
    LiveStack,
    github_app_settings,
    live_stack,
    stack_settings,
)
from tfreview.ports.records import Scope
from tfreview.store.queue_settings import WorkerSettings

TENANT = f"github:{INSTALLATION}"


@dataclass
class Site:
    stack: LiveStack
    github: FakeGitHub
    issuer: FakeOidcIssuer

    @property
    def url(self) -> str:
        return self.stack.url

    def token(self, scope: Scope, tenant_id: str = TENANT) -> str:
        _, secret = self.stack.services.tokens.create(tenant_id, scope, f"e2e-{scope}", None)
        return secret


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp_path = tmp_path_factory.mktemp("e2e")
    with FakeGitHub() as github, FakeOidcIssuer(lifetime=3600) as issuer:
        github.add_installation(INSTALLATION, OWNER, repos=[REPO])
        github.add_commit(REPO, "main", {"main.tf": MAIN_TF})
        secret = f"whsec-{uuid.uuid4().hex}"
        settings = stack_settings(tmp_path, webhook_secret=secret, github_app=github_app_settings(github, tmp_path))
        settings.auth = issuer.auth_settings()
        settings.worker = WorkerSettings(
            concurrency=2, poll_interval_seconds=0.05, reaper_interval_seconds=1.0, max_attempts=1
        )
        with live_stack(settings, reconcilers=()) as stack:
            settings.server.public_url = stack.url  # links in comments and the OIDC callback point here
            github.webhook_url = f"{stack.url}/webhooks/github"
            github.webhook_secret = secret
            yield Site(stack, github, issuer)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh browser profile (no cookies) per test; CSP bypassed only so axe-core can be injected."""
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1366, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def tmp_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
