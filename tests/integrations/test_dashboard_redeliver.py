"""Redeliver from the dashboard's deliveries page: the GitHub App's redeliver API on a FakeGitHub on
127.0.0.1, as the delivery reconciler calls it (the latest attempt of the delivery's guid)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.integrations.live_stack import (
    INSTALLATION,
    MAIN_TF,
    OWNER,
    REPO,
    github_app_settings,
    open_terraform_pull_request,
    pull_request_event,
)
from tests.integrations.test_reconcile_github import store_delivery
from tests.web.conftest import make_web, web_settings
from tests.web.dashboard_helpers import browser, csrf_of, sign_in
from tfreview.ports.records import Scope
from tfreview.wiring import build_memory_services


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(on_redeliver=lambda _delivery: 200) as fake:
        fake.add_installation(INSTALLATION, OWNER, repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": MAIN_TF})
        yield fake


def test_an_admin_redelivers_a_github_delivery_through_the_app(github: FakeGitHub, tmp_path: Path) -> None:
    number = open_terraform_pull_request(github, REPO, "feature")
    event = pull_request_event(github, REPO, number, "opened")
    first = github.add_delivery("pull_request", event, status_code=502, installation_id=INSTALLATION)
    latest = github.add_delivery(
        "pull_request", event, status_code=502, guid=str(first["guid"]), redelivery=True, installation_id=INSTALLATION
    )
    services = build_memory_services(web_settings(github_app=github_app_settings(github, tmp_path)))
    store_delivery(services, str(first["guid"]), event)
    tenant = f"github:{INSTALLATION}"
    for web in make_web(services):
        with browser(web.client) as client:
            sign_in(client, services, tenant, Scope.ADMIN)
            page = client.get("/ops/deliveries")
            assert page.status_code == 200
            assert "Redeliver" in page.text
            delivery = services.intake.list(tenant_id=tenant).items[0]
            forged = client.post(f"/ops/deliveries/{delivery.id}/redeliver", data={"csrf": "forged"})
            assert forged.status_code == 403
            assert github.redelivery_requests == []
            done = client.post(f"/ops/deliveries/{delivery.id}/redeliver", data={"csrf": csrf_of(page.text)})
            assert done.status_code == 200
            assert "asked to send delivery" in done.text
            assert github.redelivery_requests == [latest["id"]]  # the guid's latest attempt
            assert client.post("/ops/deliveries/999/redeliver", data={"csrf": csrf_of(page.text)}).status_code == 404


def test_without_a_github_app_the_page_offers_no_redelivery(tmp_path: Path) -> None:
    for web in make_web():
        with browser(web.client) as client:
            sign_in(client, web.services, "github:1", Scope.ADMIN)
            page = client.get("/ops/deliveries")
            assert "Redeliver" not in page.text
