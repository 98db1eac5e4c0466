"""POST /webhooks/spacelift: shapes, W6 (out of order, replays, stale), W14 (4xx vs 5xx on every path)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from tests.web import deliveries
from tests.web.conftest import Web, make_web
from tfreview.core.errors import StoreUnavailable
from tfreview.service.container import Services
from tfreview.store.memory_intake import MemoryIntake

RUN = "01EF9PFPNFFM2MQXTJKHK1B869"


def post(web: Web, payload: dict[str, Any] | bytes) -> httpx.Response:
    signed = deliveries.spacelift(payload)
    return web.client.post("/webhooks/spacelift", content=signed.body, headers=signed.headers)


def test_default_payload_of_a_finished_run_queues_one_job(web: Web) -> None:
    answer = post(web, deliveries.fixture_bytes("spacelift.run-finished-tracked.json"))
    assert answer.status_code == 202, answer.text
    [delivery] = web.services.intake.list().items
    assert delivery.key == f"spacelift-io:{RUN}:FINISHED:4"
    assert delivery.tenant_id == "spacelift:spacelift-io"
    assert delivery.event == "run_state.FINISHED"
    job = web.services.queue.get(delivery.job_id or 0)
    assert job is not None
    assert job.kind == "spacelift_run"
    assert job.idempotency_key == f"spacelift_run:spacelift:spacelift-io:spacelift-demo:{RUN}"
    assert {k: job.payload[k] for k in ("stack_id", "run_id", "account", "state")} == {
        "stack_id": "spacelift-demo",
        "run_id": RUN,
        "account": "spacelift-io",
        "state": "FINISHED",
    }
    review = web.services.reviews.get(answer.json()["review"], "spacelift:spacelift-io")
    assert review is not None
    assert review.source.stack_id == "spacelift-demo"


def test_policy_input_payload_is_read(web: Web) -> None:
    payload = deliveries.policy_input("UNCONFIRMED", deliveries.NOW * 10**9)
    answer = post(web, payload)
    assert answer.status_code == 202, answer.text
    assert web.services.queue.depth() == 1


@pytest.mark.parametrize("state", ["QUEUED", "PLANNING", "FAILED", "DISCARDED", "CANCELED"])
def test_states_without_a_plan_are_stored_without_a_job(web: Web, state: str) -> None:
    answer = post(web, deliveries.run_state(state, 2))
    assert answer.status_code == 200
    assert answer.json()["status"] == "ignored"
    assert web.services.queue.depth() == 0
    assert len(web.services.intake.list().items) == 1


def test_internal_error_notifications_are_stored_and_ignored(web: Web) -> None:
    answer = post(web, deliveries.fixture_bytes("spacelift.internal-error.json"))
    assert answer.status_code == 200
    assert web.services.intake.list().items[0].event == "internal_error"


def test_w6_shuffled_replayed_states_keep_the_highest_version_and_one_job(web: Web) -> None:
    states = ["QUEUED", "PREPARING", "INITIALIZING", "PLANNING", "UNCONFIRMED", "CONFIRMED", "APPLYING", "FINISHED"]
    notifications = [deliveries.run_state(states[v % len(states)], v) for v in range(1, 101)]
    sends = notifications * 2
    random.Random(7).shuffle(sends)
    statuses = [post(web, n).status_code for n in sends]
    assert statuses.count(202) + statuses.count(200) == 200
    intake = web.services.intake
    assert isinstance(intake, MemoryIntake)
    assert intake.spacelift_state("spacelift:spacelift-io", RUN, "X", 100) is False  # 100 already recorded
    assert intake.spacelift_state("spacelift:spacelift-io", RUN, "X", 101) is True
    assert web.services.queue.depth() == 1  # one job per run, whatever the order
    assert len(intake.list(limit=500).items) == 100  # each replay: 200 duplicate, nothing written


def test_w6_a_day_old_copy_is_refused_as_stale(web: Web) -> None:
    answer = post(web, deliveries.run_state("FINISHED", 4, timestamp=deliveries.NOW - 86_400))
    assert answer.status_code == 400
    assert "stale" in answer.json()["detail"]
    future = post(web, deliveries.run_state("FINISHED", 5, timestamp=deliveries.NOW + 3_600))
    assert future.status_code == 400
    assert web.services.intake.list().items == []


# --- W14: the status class of every path (Spacelift retries 5xx only) -------------------------------


class Boom(RuntimeError):
    """An unexpected internal failure (a bug)."""


def _failing(services: Services, port: str, method: str, error: Exception) -> Services:
    target = getattr(services, port)

    class Failing:
        def __getattr__(self, name: str) -> Any:
            if name == method:

                def fail(*args: object, **kwargs: object) -> Any:
                    raise error

                return fail
            if name == f"{method}_async":  # the same write, awaited on the event loop (the webhook routes' entry)

                async def fail_async(*args: object, **kwargs: object) -> Any:
                    raise error

                return fail_async
            return getattr(target, name)

    return replace(services, **{port: Failing()})


_INTERNAL: list[tuple[str, str, Callable[[], Exception]]] = [
    (port, method, make)
    for port, method in [("intake", "accept")]  # tenant, run state, delivery, job, review: that one write
    for make in (lambda: StoreUnavailable("database is locked"), lambda: Boom("kaput"))
]


@pytest.mark.parametrize(("port", "method", "make"), _INTERNAL)
def test_w14_our_faults_answer_5xx(port: str, method: str, make: Callable[[], Exception]) -> None:
    for web in make_web():
        web.client.app.state.services = _failing(web.services, port, method, make())
        answer = post(web, deliveries.fixture_bytes("spacelift.run-finished-tracked.json"))
        assert 500 <= answer.status_code < 600, (port, method, answer.status_code)
        assert answer.headers["content-type"] == "application/problem+json"
        assert "kaput" not in answer.text
        assert "Traceback" not in answer.text
        if isinstance(make(), StoreUnavailable):
            assert answer.status_code == 503
            assert answer.headers["retry-after"]


def test_a_delivery_not_stored_leaves_no_run_state_and_no_tenant() -> None:
    for web in make_web():
        services = web.services
        web.client.app.state.services = _failing(services, "intake", "accept", StoreUnavailable("database is locked"))
        answer = post(web, deliveries.fixture_bytes("spacelift.run-finished-tracked.json"))
        assert answer.status_code == 503
        assert services.tenants.get("spacelift:spacelift-io") is None
        # no state was kept for the run: the lowest version is still news
        assert services.intake.spacelift_state("spacelift:spacelift-io", RUN, "QUEUED", 1) is True
        web.client.app.state.services = services
        assert post(web, deliveries.fixture_bytes("spacelift.run-finished-tracked.json")).status_code == 202
        assert services.tenants.get("spacelift:spacelift-io") is not None
        assert services.intake.spacelift_state("spacelift:spacelift-io", RUN, "X", 4) is False  # FINISHED is 4


def _client_faults() -> list[tuple[str, bytes, dict[str, str]]]:
    good = deliveries.spacelift(deliveries.fixture_bytes("spacelift.run-finished-tracked.json"))
    stale = deliveries.spacelift(deliveries.run_state("FINISHED", 9, timestamp=0))
    no_run = deliveries.spacelift({"account": "a", "state": "FINISHED", "stateVersion": 1, "timestamp": deliveries.NOW})
    return [
        ("bad signature", good.body, {**good.headers, "X-Signature-256": "sha256=" + "0" * 64}),
        ("no signature", good.body, {"Content-Type": "application/json"}),
        ("media type", good.body, {**good.headers, "Content-Type": "text/plain"}),
        ("not json", *_signed(b"{oops")),
        ("no run", no_run.body, no_run.headers),
        ("stale", stale.body, stale.headers),
        ("too large", *_signed(b" " * (2 * 1024 * 1024))),
    ]


def _signed(body: bytes) -> tuple[bytes, dict[str, str]]:
    signed = deliveries.spacelift(body)
    return signed.body, signed.headers


@pytest.mark.parametrize(("name", "body", "headers"), _client_faults(), ids=lambda v: v if isinstance(v, str) else "")
def test_w14_client_faults_answer_4xx(web: Web, name: str, body: bytes, headers: dict[str, str]) -> None:
    answer = web.client.post("/webhooks/spacelift", content=body, headers=headers)
    assert 400 <= answer.status_code < 500, (name, answer.status_code)
    assert web.services.intake.list().items == []


def test_spacelift_payload_with_reordered_keys_still_verifies(web: Web) -> None:
    document = json.loads(deliveries.fixture_bytes("spacelift.run-finished-tracked.json"))
    raw = json.dumps(dict(sorted(document.items())), indent=3).encode()
    assert post(web, raw).status_code == 202
