"""`tfreview reconcile --spacelift` with Spacelift unreachable must fail the pass (run-the-service.md: exit 3,
"run it again"); one stack missing among several stays a per-stack error and the others go on."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests.fakes.spacelift import FakeSpacelift
from tfreview.core.errors import UpstreamError
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.plumbing.secret_references import SecretSource
from tfreview.service.spacelift_reconciler import SpaceliftReconciler, SpaceliftRunReconciler
from tfreview.worker.scheduler import run_reconciler

from .conftest import STACK, UnixClock
from .test_reconcile import setup


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_spacelift_unreachable_fails_the_reconcile_pass(clock: UnixClock, http: httpx.Client) -> None:
    services, _ = setup(clock)
    settings = SpaceliftApiSettings(
        account="acme",
        api_url=f"http://127.0.0.1:{closed_port()}/graphql",
        api_key_id="01HZZZZZZZZZZZZZZZZZZZZZZZ",
        api_key_secret="env:KEY",
        stacks=[STACK, "app-prod"],
    )
    client = SpaceliftClient(http, settings, clock.now, secret=SecretSource.from_env("KEY", environ={"KEY": "s"}))
    reconciler = SpaceliftReconciler(client, services, settings, clock=clock.now)

    with pytest.raises(UpstreamError, match="no stack could be scanned"):
        reconciler.run_once()
    outcome = run_reconciler(SpaceliftRunReconciler(reconciler, settings))
    assert outcome.catch_up is None  # what `tfreview reconcile` turns into exit 3


def test_one_unknown_stack_among_reachable_ones_is_not_an_outage(
    spacelift: FakeSpacelift, client: SpaceliftClient, clock: UnixClock
) -> None:
    services, _ = setup(clock)
    settings = SpaceliftApiSettings(account="acme", stacks=["gone", STACK])
    result = SpaceliftReconciler(client, services, settings, clock=clock.now).run_once()
    assert len(result.errors) == 1
