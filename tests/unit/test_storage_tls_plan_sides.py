"""TFR-AZU-002 judges a plan's before side as its after side (ADR 0489).

The plan is real: Terraform 0.12.25 with an azurerm provider that predates `min_tls_version` (the attribute is in
neither `after` nor `after_unknown`), from tests/data/plans/corpus. Its storage account is created; the other
shapes are that account a run later, as Terraform writes them: `before` is the state (every attribute of the same
schema, computed ones known, `id` among them), `after` the planned object. Before ADR 0489 only the after side
read the absence (through the plan's `configuration`), so a no-op account read as *introduced*.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.findings import Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import plan_from_document
from tfreview.rules.azure import storage_min_tls_1_2

PLAN = Path(__file__).parents[1] / "data" / "plans" / "corpus" / "tfcompliance__test_any_match_regex.json"
ADDRESS = "azurerm_storage_account.example"
_NOT_KNOWN_TILL_APPLY = ("identity", "blob_properties", "queue_properties")


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(PLAN.read_text(encoding="utf-8"))
    document["resource_changes"] = [rc for rc in document["resource_changes"] if rc["address"] == ADDRESS]
    return document


def _state(created: dict[str, Any]) -> dict[str, Any]:
    """The account as the state holds it once created: the planned values, and each computed one known."""
    change = created["change"]
    state = dict(change["after"])
    for key, unknown in change["after_unknown"].items():
        if unknown is True:
            state[key] = [] if key in _NOT_KNOWN_TILL_APPLY else f"known-{key}"
    state["id"] = f"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/{state['name']}"
    state["access_tier"] = "Hot"
    return state


def _statuses(actions: list[str] | None) -> list[Status]:
    document = _document()
    if actions is not None:
        [created] = document["resource_changes"]
        state = _state(created)
        after = copy.deepcopy(state) if actions != ["delete"] else None
        if actions == ["update"] and after is not None:
            after["tags"] = {"team": "storage"}
        created["change"] = {"actions": actions, "before": state, "after": after, "after_unknown": {}}
    change_set = plan_from_document(document, PLAN.name)
    result = review(change_set, [storage_min_tls_1_2.RULE], Policy())
    assert not result.diagnostics, result.diagnostics
    assert {f.address for f in result.findings} <= {ADDRESS}
    return [f.status for f in result.findings]


def test_the_real_plan_shape_lacks_the_attribute() -> None:
    [created] = _document()["resource_changes"]
    assert "min_tls_version" not in created["change"]["after"]
    assert "min_tls_version" not in created["change"]["after_unknown"]
    assert created["change"]["after_unknown"]["id"] is True


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        (None, [Status.INTRODUCED]),  # the real plan: the account is created by this change
        (["no-op"], [Status.EXISTING]),  # it was there, and stays: nothing introduced
        (["update"], [Status.EXISTING]),  # tags edited: the provider still sends no minimum
        (["delete"], [Status.RESOLVED]),  # the account is gone, with its TLS 1.0
    ],
    ids=["create", "no-op", "update", "delete"],
)
def test_each_side_reads_the_absence(actions: list[str] | None, expected: list[Status]) -> None:
    assert _statuses(actions) == expected


def test_the_plan_s_configuration_is_not_needed() -> None:
    """The absence is read from the provider's object (it holds `id`), not from the `configuration` section, so a
    plan without one is judged the same."""
    document = _document()
    del document["configuration"]
    result = review(plan_from_document(document, PLAN.name), [storage_min_tls_1_2.RULE], Policy())
    assert [(f.address, f.status) for f in result.findings] == [(ADDRESS, Status.INTRODUCED)]


def test_hcl_values_are_never_read_as_a_schema() -> None:
    """HCL holds what the user wrote: an unset `min_tls_version` takes the TLS1_2 default of azurerm v3 and v4."""
    from tfreview.parsing.hcl import changeset_from_sources

    storage = """
resource "azurerm_storage_account" "s" {
  name                     = "files"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
"""
    for base in (None, {"main.tf": storage}):
        change_set = changeset_from_sources({"main.tf": storage}, base=base)
        assert review(change_set, [storage_min_tls_1_2.RULE], Policy()).findings == []
