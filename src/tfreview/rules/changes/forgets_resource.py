"""A resource is removed from the state but kept: Terraform stops managing it."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.rules import Hit, Rule
from tfreview.core.severity import Severity


def check_change(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    if change.kind is ChangeKind.FORGET:
        yield Hit(
            "",
            f"this {change.type} is removed from the state and kept: it still exists (and still costs) "
            "but Terraform no longer manages, updates or destroys it",
        )


RULE = Rule(
    id="TFR-CHG-006",
    long_id="change-forgets-resource",
    title="The change removes a resource from Terraform state without destroying it",
    severity=Severity.LOW,
    provider="change",
    category="change",
    resource_types=(),
    remediation="Intended when handing a resource over to another configuration or to manual management "
    "(a `removed` block with `destroy = false`); otherwise restore the resource block. Record who owns the "
    "object now, or it is easily orphaned.",
    description="A `removed { lifecycle { destroy = false } }` block (Terraform 1.7+, OpenTofu) makes the plan "
    "`forget` the object: nothing is deleted, but drift, cost and security of the object are no longer "
    'Terraform\'s business. A forget paired with a create (`["create", "forget"]`) is not reported here.',
    check_change=check_change,
    change_kinds=(ChangeKind.FORGET,),
)
