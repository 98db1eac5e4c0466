"""TFR-AZU-246's severity follows where the wildcard role can be assigned (session 12, rules12)."""

from __future__ import annotations

import pytest

from tests.rule_examples import Example, change_set_of, plan_of_hcl
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.rules import load_rules

RULE = next(rule for rule in load_rules() if rule.id == "TFR-AZU-246")

_ROLE = """
data "azurerm_subscription" "current" {{}}

resource "azurerm_resource_group" "team" {{
  name     = "rg-team"
  location = "westeurope"
}}

resource "azurerm_role_definition" "role" {{
  name  = "role"
  scope = {scope}
  permissions {{
    actions = ["*"]
  }}
  {assignable}
}}
"""
_GROUP = '"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-team"'
_SUBSCRIPTION = '"/subscriptions/00000000-0000-0000-0000-000000000000"'


def _severities(scope: str, assignable: str) -> list[Severity]:
    hcl = _ROLE.format(scope=scope, assignable=assignable)
    example = Example(RULE, "bad", 0, "scope", frozenset(), None, hcl, None)
    found: list[list[Severity]] = []
    for change_set in (change_set_of(example), plan_of_hcl(example)):
        found.append([finding.severity for finding in review(change_set, [RULE], Policy()).findings])
    assert found[0] == found[1]  # HCL mode and plan mode agree
    return found[0]


@pytest.mark.parametrize(
    ("scope", "assignable", "severity"),
    [
        (_GROUP, "", Severity.MEDIUM),  # assignable at its scope only, a resource group
        ("azurerm_resource_group.team.id", "", Severity.MEDIUM),
        (_SUBSCRIPTION, "assignable_scopes = [azurerm_resource_group.team.id]", Severity.MEDIUM),
        (_SUBSCRIPTION, "", Severity.HIGH),
        ("data.azurerm_subscription.current.id", "", Severity.HIGH),
        (_GROUP, f"assignable_scopes = [{_GROUP}, {_SUBSCRIPTION}]", Severity.HIGH),  # one wide scope is enough
        (_GROUP, 'assignable_scopes = ["/"]', Severity.HIGH),
        (_GROUP, "assignable_scopes = [var.scope]", Severity.HIGH),  # an expression naming no resource group
    ],
)
def test_wildcard_role_severity_follows_its_scopes(scope: str, assignable: str, severity: Severity) -> None:
    assert _severities(scope, assignable) == [severity]
