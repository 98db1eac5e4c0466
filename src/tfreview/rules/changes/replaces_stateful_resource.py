"""A change replaces a stateful resource: the new object starts empty, the old one is destroyed."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.listing import listed
from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.rules import Hit, Rule
from tfreview.core.severity import Severity
from tfreview.rules.support.stateful import creates_first, reason_text, render_path, stateful, stateful_type_names


def check_change(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    info = stateful(change.type)
    if info is None or change.kind is not ChangeKind.REPLACE:
        return
    if creates_first(change):
        order = "creates the new object before destroying the old one (create_before_destroy)"
    else:
        order = "destroys the old object first, then creates a new one"
    paths = [render_path(p) for p in change.replace_paths]
    reason = reason_text(change)
    if paths:
        why = "forced by " + listed([f"`{p}`" for p in paths]) + (f" because {reason}" if reason else "")
    elif reason:
        why = f"Terraform replaces it because {reason}"
    else:
        why = "the plan does not say which attribute forces it"
    message = f"replaces this {change.type}: {order}; at risk: {info.data}; the new object starts empty"
    yield Hit("", f"{message}. Why: {why}", paths or None, severity=info.severity)


RULE = Rule(
    id="TFR-CHG-002",
    long_id="change-replaces-stateful-resource",
    title="The change replaces a resource that holds data",
    severity=Severity.CRITICAL,
    provider="change",
    category="change",
    resource_types=stateful_type_names(),
    remediation="Change the attribute in a way the provider can update in place (or revert it), restore from a "
    "snapshot into the new object, or migrate the data first. `terraform plan` lists the forcing attributes "
    "as `# forces replacement`; `lifecycle { prevent_destroy = true }` makes such a plan fail.",
    description="Replacing a database, bucket, volume or key destroys the existing object: a delete-first "
    "replace loses the data before the new object exists, and even with `create_before_destroy` the new object "
    "starts empty. The message names the attributes that force the replacement (`replace_paths`) and "
    "Terraform's reason (cannot update in place, tainted, `-replace`, `replace_triggered_by`).",
    check_change=check_change,
    change_kinds=(ChangeKind.REPLACE,),
)
