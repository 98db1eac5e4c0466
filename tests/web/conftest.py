"""Fixtures of the web tests: the app over in-memory services, a fixed clock, tokens per tenant."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from tests.web.asgi_client import TestClient
from tests.web.deliveries import GITHUB_SECRET, NOW, SPACELIFT_SECRET
from tfreview.ports.records import Scope
from tfreview.service.container import Services
from tfreview.settings import GitHubSettings, SecretVersion, Settings, SpaceliftSettings
from tfreview.web.app import create_app
from tfreview.wiring import build_memory_services

TENANT_A = "github:1"  # the installation of the octokit pull_request examples
TENANT_B = "spacelift:other-account"


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def web_settings(**overrides: object) -> Settings:
    return Settings(
        github=GitHubSettings(webhook_secrets=[SecretVersion(value=SecretStr(GITHUB_SECRET))]),
        spacelift=SpaceliftSettings(webhook_secrets=[SecretVersion(value=SecretStr(SPACELIFT_SECRET))]),
        **overrides,  # type: ignore[arg-type]  # test-only pass-through of nested settings
    )


@dataclass
class Web:
    services: Services
    client: TestClient
    clock: FixedClock

    def swap(self, **changes: Any) -> Services:
        """The container with `changes` (it is frozen: a new one), mounted on the running app and its dashboard."""
        self.services = replace(self.services, **changes)
        state = self.client.app.state
        state.services = self.services
        if hasattr(state, "dashboard"):  # the dashboard keeps the services it was installed with
            state.dashboard = replace(state.dashboard, services=self.services)
        return self.services

    def token(self, tenant_id: str, scope: Scope) -> dict[str, str]:
        """Authorization headers of a fresh API token of `tenant_id` with `scope`."""
        _, secret = self.services.tokens.create(tenant_id, scope, f"test-{scope}", None)
        return {"Authorization": f"Bearer {secret}"}


def make_web(services: Services | None = None, *, settings: Settings | None = None) -> Iterator[Web]:
    clock = FixedClock(datetime.fromtimestamp(NOW, UTC))
    services = services or build_memory_services(settings or web_settings(), clock=clock)
    with TestClient(create_app(services, clock=clock), raise_server_exceptions=False) as client:
        yield Web(services, client, clock)


@pytest.fixture
def web() -> Iterator[Web]:
    yield from make_web()
