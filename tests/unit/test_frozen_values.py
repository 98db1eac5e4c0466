"""The values a review travels in are frozen (docs/adr/0220): `review()` builds a new coverage and leaves
the change set it was given as it was; nothing downstream can change a review or the services container."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules
from tfreview.wiring import build_memory_services

PLAN = Path(__file__).parents[1] / "worker" / "data" / "plan_with_findings.json"


def test_review_leaves_its_input_coverage_as_it_was() -> None:
    change_set = load_plan(PLAN.read_bytes(), path="plan.json").with_notes(["a note of the source"])
    before = change_set.coverage
    result = review(change_set, load_rules(), Policy())
    assert change_set.coverage is before
    assert (before.resources_total, before.resources_reviewed, before.uncovered_types) == (0, 0, ())
    assert result.coverage.resources_reviewed > 0
    assert result.coverage.notes == ("a note of the source",)
    assert result.findings  # the fixture has findings: the review did run


def test_reviews_change_sets_and_coverage_refuse_assignment() -> None:
    change_set = load_plan(PLAN.read_bytes(), path="plan.json")
    result = review(change_set, load_rules(), Policy())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.advice = None  # type: ignore[misc]  # the point of the test
    with pytest.raises(dataclasses.FrozenInstanceError):
        change_set.label = "other"  # type: ignore[misc]  # the point of the test
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.coverage.notes = ()  # type: ignore[misc]  # the point of the test
    relabelled = dataclasses.replace(change_set, label="other")
    assert (relabelled.label, change_set.label) == ("other", "plan.json")


def test_the_services_container_is_built_once_and_swapped_by_replace() -> None:
    services = build_memory_services()
    try:
        with pytest.raises(dataclasses.FrozenInstanceError):
            services.advisor = None  # type: ignore[misc]  # the point of the test
        swapped = dataclasses.replace(services, sources={})
        assert swapped.sources == {}
        assert services.sources
        assert swapped.closers is services.closers  # one registry: closing either closes what both hold
    finally:
        services.close()
