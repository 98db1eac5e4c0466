"""A stateful resource is destroyed or replaced and its configuration has no `prevent_destroy`."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.rules import Hit, Rule
from tfreview.core.severity import Severity
from tfreview.rules.support.stateful import stateful, stateful_type_names


def check_change(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    info = stateful(change.type)
    # prevent_destroy is None when the configuration is not known (plan JSON does not carry lifecycle)
    if info is None or not change.kind.destroys or change.prevent_destroy is not False:
        return
    verb = "destroyed" if change.kind is ChangeKind.DELETE else "replaced"
    yield Hit(
        "",
        f"this {change.type} is {verb} and its configuration has no `lifecycle {{ prevent_destroy = true }}`: "
        f"nothing guards {info.data}",
    )


RULE = Rule(
    id="TFR-CHG-003",
    long_id="change-stateful-without-prevent-destroy",
    title="A destroyed or replaced stateful resource has no prevent_destroy guard",
    severity=Severity.MEDIUM,
    provider="change",
    category="change",
    resource_types=stateful_type_names(),
    remediation="Add `lifecycle { prevent_destroy = true }` to resources that hold data, so that a plan which "
    "would destroy them fails; remove the guard deliberately, in its own reviewed change, when the resource "
    "really must go.",
    description="`prevent_destroy` turns an accidental destroy or replace of a database, bucket or key into a "
    "plan error. Checked only where the configuration is known (HCL review, or a plan reviewed with its "
    "sources): plan JSON alone does not carry `lifecycle`, and the rule stays silent there.",
    check_change=check_change,
    change_kinds=(ChangeKind.DELETE, ChangeKind.REPLACE),
)
