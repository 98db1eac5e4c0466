"""What a plan JSON holds besides its resource changes, said in the coverage notes (ADR 0517).

Newer Terraform and OpenTofu write sections tfreview does not review: changes deferred to a later plan
(`deferred_changes`, Terraform 1.9+ with deferral allowed), action invocations (`action_invocations`,
`deferred_action_invocations`, Terraform 1.14), top-level keys of a format still to come, and action strings
beyond the nine the format documents. None of them is an error; each is said once, so that a review never
passes over what it did not read. An errored plan (`errored: true`, Terraform 1.4+ / OpenTofu 1.6+) is refused:
Terraform stopped planning partway, so the document holds only part of the change (`errored_plan_problem`).

>>> unknown_key_notes({"format_version": "1.2", "resource_changes": [], "stacks": {}})
('the plan has a top-level key tfreview does not know, not reviewed: `stacks`',)
>>> note, = unknown_action_notes([("aws_s3_bucket.b", ("teleport",), "no-op")], "resource_changes")
>>> note.endswith('aws_s3_bucket.b ["teleport"] as no-op')
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from tfreview.core.redact import sensitive_strings

# every top-level key Terraform 1.2 to 1.14 (`internal/command/jsonplan/plan.go`) and OpenTofu 1.10 write in a plan
KNOWN_KEYS = frozenset(
    {
        "format_version",
        "terraform_version",
        "variables",
        "planned_values",
        "resource_drift",
        "resource_changes",
        "deferred_changes",
        "deferred_action_invocations",
        "output_changes",
        "action_invocations",
        "prior_state",
        "configuration",
        "relevant_attributes",
        "checks",
        "condition_results",  # Terraform 1.2 (format 1.1): the results `checks` holds since 1.3
        "timestamp",
        "applyable",
        "complete",
        "errored",
    }
)
# the action lists the format documents (`Change.Actions`); anything else is folded by its words (ChangeKind)
KNOWN_ACTIONS = frozenset(
    {
        ("no-op",),
        ("create",),
        ("read",),
        ("update",),
        ("delete", "create"),
        ("create", "delete"),
        ("delete",),
        ("forget",),
        ("create", "forget"),
    }
)
_LISTED = 5  # addresses named in one note; the rest counted
_FAILED = frozenset({"fail", "error"})  # a check's statuses (`jsonchecks`): pass, fail, error, unknown
_LONGEST = 200  # characters of one name from the document (an address, a reason, a key) a note repeats


def errored_plan_problem(document: Mapping[str, Any]) -> str | None:
    """The error message for a plan Terraform marked `errored`, else None."""
    if document.get("errored") is not True:
        return None
    changes = document.get("resource_changes")
    held = len(changes) if isinstance(changes, list) else 0
    return (
        "the plan errored (`errored: true`): Terraform stopped planning partway, so this JSON holds only part of "
        f"the change ({held} resource change{'s' if held != 1 else ''}) and cannot be applied; fix the errors "
        "`terraform plan` printed and scan the plan of a run that succeeds"
    )


def section_secrets(document: Mapping[str, Any]) -> set[str]:
    """The values marked sensitive in the sections not read as changes: deferred changes (`after_sensitive`…) and
    action invocations (`config_sensitive`). A copy of one elsewhere, unmarked, is hidden as a sensitive variable's
    is (`ChangeSet.sensitive_values`: the prompt, the findings)."""
    found: set[str] = set()
    for entry in _entries(document.get("deferred_changes")):
        change = entry.get("resource_change")
        change = change.get("change") if isinstance(change, Mapping) else None
        if isinstance(change, Mapping):
            for side in ("before", "after"):
                found |= sensitive_strings(change.get(side), change.get(f"{side}_sensitive"), numbers=True)
    invocations = _entries(document.get("action_invocations"))
    invocations += _entries([e.get("action_invocation") for e in _entries(document.get("deferred_action_invocations"))])
    for invocation in invocations:
        found |= sensitive_strings(invocation.get("config_values"), invocation.get("config_sensitive"), numbers=True)
    return found


def section_notes(document: Mapping[str, Any]) -> tuple[str, ...]:
    """Every note about the sections of `document` that are not reviewed."""
    return (*deferred_notes(document), *action_notes(document), *check_notes(document), *unknown_key_notes(document))


def check_notes(document: Mapping[str, Any]) -> tuple[str, ...]:
    """One note for the checks of the plan's own (`checks`, Terraform 1.5+: `check` blocks, preconditions,
    postconditions) whose status is `fail` or `error`: Terraform prints a failing `check` block as a warning and the
    plan goes on, so a plan that is not errored may hold them (ADR 0697). Their addresses, never their messages: an
    author's `error_message` may quote any value."""
    failed = [
        f"{_check_address(entry.get('address'))} ({entry['status']})"
        for entry in _entries(document.get("checks"))
        if entry.get("status") in _FAILED
    ]
    if not failed:
        return ()
    return (
        f"{_count(len(failed), 'check')} of the plan's own (`check` blocks, conditions) failed when Terraform planned; "
        f"Terraform printed them as warnings and went on, and tfreview does not judge them: {_listed(failed)}",
    )


def deferred_notes(document: Mapping[str, Any]) -> tuple[str, ...]:
    notes = []
    deferred = _entries(document.get("deferred_changes"))
    if deferred:
        named = [f"{_address(d.get('resource_change'))} ({_text(d.get('reason'), 'unknown')})" for d in deferred]
        notes.append(
            f"{_count(len(deferred), 'change')} Terraform deferred to a later plan {_was(len(deferred))} not reviewed "
            f"(it is not part of this apply): {_listed(named)}"
        )
    elif document.get("complete") is False and document.get("errored") is not True:
        notes.append(
            "the plan is not complete (`complete: false`): Terraform will need another plan and apply after this "
            "one (targeted or deferred changes), and what that one does is not reviewed here"
        )
    return tuple(notes)


def action_notes(document: Mapping[str, Any]) -> tuple[str, ...]:
    notes = []
    for key, what in (("action_invocations", "this apply"), ("deferred_action_invocations", "a later apply")):
        entries = _entries(document.get(key))
        invocations = _entries([e.get("action_invocation") for e in entries]) if key.startswith("deferred") else entries
        if invocations:
            named = [_invocation(i) for i in invocations]
            notes.append(
                f"{_count(len(invocations), 'action invocation')} (Terraform `action` blocks) that {what} runs "
                f"{_was(len(invocations))} not reviewed: {_listed(named)}"
            )
    return tuple(notes)


def unknown_key_notes(document: Mapping[str, Any]) -> tuple[str, ...]:
    unknown = sorted(_text(str(k), "(empty)") for k in document if k not in KNOWN_KEYS)
    if not unknown:
        return ()
    keys = _listed([f"`{k}`" for k in unknown])
    which = "a top-level key" if len(unknown) == 1 else "top-level keys"
    return (f"the plan has {which} tfreview does not know, not reviewed: {keys}",)


def unknown_action_notes(odd: Iterable[tuple[str, tuple[str, ...], str]], section: str) -> tuple[str, ...]:
    """One note for the changes of `section` whose actions are none the format documents: (address, actions,
    the kind they were reviewed as)."""
    found = list(odd)
    if not found:
        return ()
    named = [
        f"{_text(address, '(no address)')} {_text(json.dumps(list(actions)), '[]')} as {kind}"
        for address, actions, kind in found
    ]
    return (
        f"{section}: {_count(len(found), 'change')} with actions tfreview does not know, reviewed as the actions "
        f"it holds suggest: {_listed(named)}",
    )


def _invocation(invocation: Mapping[str, Any]) -> str:
    address = _address(invocation)
    trigger = invocation.get("lifecycle_action_trigger")
    if isinstance(trigger, Mapping):
        event = _text(trigger.get("action_trigger_event"), "a lifecycle event")
        return f"{address} ({event} of {_text(trigger.get('triggering_resource_address'), 'a resource')})"
    if "invoke_action_trigger" in invocation:
        return f"{address} (invoked with `terraform apply -invoke`)"
    return address


def _check_address(address: Any) -> str:
    return _text(address.get("to_display") if isinstance(address, Mapping) else None, "(no address)")


def _entries(value: Any) -> list[Mapping[str, Any]]:
    return [e for e in value if isinstance(e, Mapping)] if isinstance(value, list) else []


def _address(value: Any) -> str:
    return _text(value.get("address") if isinstance(value, Mapping) else None, "(no address)")


def _text(value: Any, default: str) -> str:
    if not isinstance(value, str) or not value:
        return default
    return value if len(value) <= _LONGEST else value[: _LONGEST - 1] + "…"


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _was(count: int) -> str:
    return "was" if count == 1 else "were"


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")
