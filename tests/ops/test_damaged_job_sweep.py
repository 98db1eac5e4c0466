"""A dead damaged job (store/damaged_jobs.py, ADR 0592) in a running service, seen from the outside: the reaper's
sweep at its review's deadline listed the tenant's jobs to find the review's first one, the list read the damaged
row, and the whole sweep failed — every interval, for every review of every tenant (none re-queued or failed past
its deadline again), logging the stored payload. The jobs list the API reads failed the same way (ADR 0611)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.ops.scenario_injections import a_worker_claims, one_damaged_job
from tests.ops.stack import scenario_stack
from tfreview.ports.records import ReviewStatus
from tfreview.worker.reaper import Reaper


def test_the_reaper_sweeps_past_a_dead_damaged_job(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with scenario_stack(tmp_path) as stack:
        one_damaged_job(stack)
        a_worker_claims(stack)  # the damaged job is dead; its review waits for its deadline
        (review,) = stack.services.reviews.list(None, filters={}, limit=10).items
        listed = stack.services.queue.list(tenant_id=review.tenant_id)
        assert listed.items == []  # the dead damaged job is left out, and the list answers
        stack.clock.advance(stack.settings.worker.review_deadline_seconds + 60)
        with caplog.at_level(logging.WARNING):
            sweep = Reaper(stack.services, clock=stack.clock).run_once()
        assert sweep.requeued == 1  # the review gets its one more job (its first job's input does not read back)
        assert "left out of a jobs list: its stored row is damaged" in caplog.text
        assert "base_sha" not in caplog.text  # the reason, never the stored payload
        stored = stack.services.reviews.get(review.id)
        assert stored is not None
        assert stored.status is ReviewStatus.QUEUED
