"""A change destroys a stateful resource (database, bucket, volume, key, DNS zone, queue …)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.rules import Hit, Rule
from tfreview.core.severity import Severity
from tfreview.rules.support.stateful import reason_text, stateful, stateful_type_names


def check_change(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    info = stateful(change.type)
    if info is None or change.kind is not ChangeKind.DELETE:
        return
    reason = reason_text(change)
    if change.deposed is not None:  # the old object of a replace that did not finish, not the current one
        yield Hit(
            # its own identity: a baseline or fingerprint that accepts this destroy must not accept the current
            # object's (ADR 0607); one segment, so that an all-digit key is not read as a list index
            f"deposed:{change.deposed}",
            f"destroys a deposed object of this {change.type} (key {change.deposed}), the old object an earlier "
            f"create-before-destroy replace left behind; at risk: {info.data}, as far as that old object still "
            "holds them. The current object at this address stays.",
            severity=info.severity,
        )
        return
    if reason is not None:
        why = f"Terraform destroys it because {reason}."
    elif change_set.source == "hcl":
        why = "Its resource block is gone from the configuration."
    else:
        why = "The plan gives no reason (a destroy plan?)."
    yield Hit("", f"destroys this {change.type}; at risk: {info.data}. {why}", severity=info.severity)


RULE = Rule(
    id="TFR-CHG-001",
    long_id="change-destroys-stateful-resource",
    title="The change destroys a resource that holds data",
    severity=Severity.CRITICAL,
    provider="change",
    category="change",
    resource_types=stateful_type_names(),
    remediation="If the data must survive, do not apply: restore the resource block (or its count/for_each key), "
    "or use a `removed { lifecycle { destroy = false } }` block to stop managing it without destroying it. "
    "If it must go, take a final snapshot or backup first and say so in the change description.",
    description="A plan that deletes a database, bucket, volume, key, DNS zone or queue loses data that no "
    "re-apply brings back. The message says what is at risk and why Terraform destroys it (`action_reason`: "
    "removed from the configuration, a `count` or `for_each` key gone, a module removed). The table of "
    "stateful types is data (`rules/support/stateful_types.toml`); keys and databases are the worst case.",
    check_change=check_change,
    change_kinds=(ChangeKind.DELETE,),
)
