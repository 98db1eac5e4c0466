"""An upload whose delivery is not accepted deletes its plan — unless the delivery may still be, or was, stored
(ADR 0612): a queued write the database has not answered yet (StoreUnanswered) may commit later, and an error on the
way back from a commit leaves a review that reads this plan."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.errors import StoreUnanswered, StoreUnavailable
from tfreview.ports.records import SourceInfo
from tfreview.service.container import Services
from tfreview.service.uploads import SOURCE, accept_upload, upload_key
from tfreview.wiring import build_memory_services

PLAN = (Path(__file__).parents[1] / "data" / "plans" / "tfjson__actions__plan.json").read_bytes()
TENANT = "spacelift:acme"
METADATA = {"source": "spacelift", "stack_id": "demo", "run_id": "01RUN"}
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _attempt(services: Services, accept: Any) -> tuple[str, BaseException]:
    stored: list[str] = []
    put = services.plans.put

    def remembering_put(*args: Any, **kwargs: Any) -> str:
        stored.append(put(*args, **kwargs))
        return stored[-1]

    services.plans.put = remembering_put  # type: ignore[method-assign]
    services.intake.accept = accept  # type: ignore[method-assign]
    info = SourceInfo(kind="spacelift", stack_id="demo", run_id="01RUN")
    with pytest.raises(StoreUnavailable) as raised:
        accept_upload(services, TENANT, PLAN, "plan", dict(METADATA), info, NOW)
    return stored[0], raised.value


def test_a_refused_delivery_deletes_its_plan() -> None:
    services = build_memory_services()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise StoreUnavailable("database unavailable: disk is full")

    plan_id, _ = _attempt(services, refuse)
    assert services.plans.get(plan_id) is None


def test_an_unanswered_delivery_keeps_its_plan() -> None:
    services = build_memory_services()

    def unanswered(*args: Any, **kwargs: Any) -> Any:
        raise StoreUnanswered("database unavailable: no answer from the database (waited 5000 ms)")

    plan_id, _ = _attempt(services, unanswered)
    assert services.plans.get(plan_id) is not None  # its delivery may still commit, and its review reads it


def test_a_delivery_stored_before_the_error_keeps_its_plan() -> None:
    services = build_memory_services()
    accept = services.intake.accept

    def stored_then_lost(*args: Any, **kwargs: Any) -> Any:
        accept(*args, **kwargs)
        raise StoreUnavailable("database unavailable: server closed the connection unexpectedly")

    plan_id, _ = _attempt(services, stored_then_lost)
    assert services.intake.find(SOURCE, upload_key(TENANT, PLAN, "plan", METADATA)) is not None
    assert services.plans.get(plan_id) is not None
