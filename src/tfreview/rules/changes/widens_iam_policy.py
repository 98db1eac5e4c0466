"""An update widens an IAM or resource policy: new actions, resources or principals, or a condition dropped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.rules import Hit, Resource, Rule
from tfreview.core.severity import Severity
from tfreview.core.values import holds_unknown, mask_under
from tfreview.rules.support.policy_documents import Statement, statements, wildcards_first

# type -> attributes holding a policy document; `inline_policy` is a list of blocks with a `policy` each
POLICY_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_user_policy": ("policy",),
    "aws_iam_group_policy": ("policy",),
    "aws_iam_role": ("assume_role_policy", "inline_policy"),
    "aws_s3_bucket_policy": ("policy",),
    "aws_kms_key": ("policy",),
    "aws_sqs_queue_policy": ("policy",),
    "aws_sns_topic_policy": ("policy",),
    "aws_ecr_repository_policy": ("policy",),
    "aws_secretsmanager_secret_policy": ("policy",),
}

Grant = tuple[str, str, str]  # (action, resource, principal); "" where the statement has none


@lru_cache(maxsize=1024)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text), re.DOTALL)


def _matches(pattern: str, value: str) -> bool:
    return pattern in (value, "*") or bool(_pattern(pattern).fullmatch(value))


def _grants(statement: Statement) -> Iterator[Grant]:
    written = statement.written[: len(statement.actions)] or statement.actions  # the user's spelling
    actions = ("*",) if statement.not_actions else written or ("",)
    resources = ("*",) if statement.not_resources else statement.resources or ("",)
    for action in actions:
        for resource in resources:
            for principal in statement.principals or ("",):
                yield action, resource, principal


def _covers(wide: Grant, narrow: Grant) -> bool:
    # IAM action names are case-insensitive; resource ARNs and principals are not
    return (
        _matches(wide[0].lower(), narrow[0].lower()) and _matches(wide[1], narrow[1]) and _matches(wide[2], narrow[2])
    )


def _same(index: int, wide: str, narrow: str) -> bool:
    return _matches(wide.lower(), narrow.lower()) if index == 0 else _matches(wide, narrow)


def _documents(resource: Resource, attribute: str) -> list[tuple[str, Any]]:
    if attribute == "inline_policy":
        return [
            (f"inline_policy.{i}.policy", block.get("policy")) for i, block in enumerate(resource.blocks(attribute))
        ]
    return [(attribute, resource.get(attribute))]


def _unknown_document(unknown: Any, attribute: str) -> bool:
    """A policy document at `attribute` (any of the blocks' for `inline_policy`) that the mask marks unknown."""
    if attribute != "inline_policy":
        return holds_unknown(mask_under(unknown, attribute))
    blocks = mask_under(unknown, attribute)
    if not isinstance(blocks, list):
        return blocks is True
    return any(holds_unknown(mask_under(block, "policy")) for block in blocks)


def _widening(old: list[Statement], new: list[Statement]) -> tuple[list[Grant], list[Grant], list[Grant]]:
    """(grants newly allowed, grants now allowed without the condition that limited them, grants no longer denied)."""
    old_allow = [(g, s.has_condition) for s in old if s.allows for g in _grants(s)]
    added: list[Grant] = []
    unconditioned: list[Grant] = []
    for statement in (s for s in new if s.allows):
        for grant in _grants(statement):
            covering = [cond for g, cond in old_allow if _covers(g, grant)]
            if not covering:
                added.append(grant)
            elif all(covering) and not statement.has_condition:
                unconditioned.append(grant)
    new_deny = [g for s in new if not s.allows for g in _grants(s)]
    undenied = [g for s in old if not s.allows for g in _grants(s) if not any(_covers(n, g) for n in new_deny)]
    return list(dict.fromkeys(added)), list(dict.fromkeys(unconditioned)), list(dict.fromkeys(undenied))


def _show(grant: Grant) -> str:
    action, resource, principal = grant
    text = " on ".join(p for p in (action, resource) if p)
    return f"{text} for {principal}" if principal else text


def _listed(grants: list[Grant], limit: int = 3) -> str:
    return ", ".join(_show(g) for g in grants[:limit]) + (", …" if len(grants) > limit else "")


def _describe(grants: list[Grant], old: list[Statement]) -> str:
    """The added actions, resources and principals by name; the combinations when no single one is new."""
    old_grants = [g for s in old if s.allows for g in _grants(s)]
    parts = []
    for index, label in enumerate(("actions", "resources", "principals")):
        fresh = wildcards_first(
            g[index] for g in grants if g[index] and not any(_same(index, o[index], g[index]) for o in old_grants)
        )
        if fresh:
            wild = any("*" in f for f in fresh)
            shown = ", ".join(fresh[:6]) + (", …" if len(fresh) > 6 else "")
            parts.append(f"{label} {shown}" + (" (wildcard)" if wild else ""))
    if parts:
        return "new " + "; new ".join(parts)
    return f"{_listed(grants)}, a combination no current statement allows"


def _unchanged(change: ResourceChange, attribute: str) -> bool:
    """The attribute holds the same known text before and after (most updates leave a policy alone)."""
    text = change.after.get(attribute)
    if type(text) is not str or text != change.before.get(attribute):
        return False
    masks = (change.after_unknown, change.before_unknown)
    return not any(mask and (type(mask) is not dict or mask.get(attribute) is not None) for mask in masks)


def check_change(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    if change.kind not in (ChangeKind.UPDATE, ChangeKind.REPLACE) or not change.before or not change.after:
        return
    before = Resource(change.address, change.type, change.name, change.before)
    after = Resource(change.address, change.type, change.name, change.after, change.after_unknown)
    # HCL's base side marks what it could not evaluate (ADR 0475; None in plan mode, the state is known): a base
    # document or ARN list nobody knows may have allowed anything the head states, so none is new (ADR 0488)
    unknown = change.before_unknown
    for attribute in POLICY_ATTRIBUTES.get(change.type, ()):
        if unknown and _unknown_document(unknown, attribute):
            continue
        if attribute != "inline_policy" and _unchanged(change, attribute):
            continue  # one document, the same text on both sides: each grant covers itself, nothing widens
        old = [s for _, text in _documents(before, attribute) for s in statements(text)]
        for path, text in _documents(after, attribute):
            new = statements(text)
            if not new:
                continue  # unknown until apply, absent, or not JSON: never a widening
            added, unconditioned, undenied = _widening(old, new)
            parts = []
            if added:
                parts.append(f"now allows {_describe(added, old)}")
            if unconditioned:
                parts.append(f"now allows {_listed(unconditioned)} without the condition that limited it")
            if undenied:
                parts.append(f"no longer denies {_listed(undenied)}")
            if parts:
                shown = [_show(g) for g in added + unconditioned] + [f"not denied: {_show(g)}" for g in undenied]
                yield Hit(path, "the policy " + "; it ".join(parts), shown)
    if change.type == "aws_iam_role":
        old_arns, new_arns = before.get("managed_policy_arns"), after.get("managed_policy_arns")
        if (
            isinstance(old_arns, list)
            and isinstance(new_arns, list)
            and not (unknown and holds_unknown(mask_under(unknown, "managed_policy_arns")))
        ):
            attached = sorted(a for a in new_arns if isinstance(a, str) and a not in old_arns)
            if attached:
                yield Hit(
                    "managed_policy_arns", f"the role now attaches managed policies {', '.join(attached)}", attached
                )


RULE = Rule(
    id="TFR-CHG-005",
    long_id="change-widens-iam-policy",
    title="The change widens an IAM or resource policy",
    severity=Severity.HIGH,
    provider="change",
    category="iam",
    resource_types=tuple(POLICY_ATTRIBUTES),
    remediation="Check that each newly allowed action, resource and principal is needed; prefer named actions "
    "and ARNs to wildcards, and keep the conditions (external id, OIDC subject, source account) that "
    "limited the old statement.",
    description="Compares the policy documents of an updated IAM policy, inline role/user/group policy, role trust "
    "policy, bucket, queue, topic, repository, secret or KMS key policy before and after: every "
    "(action, resource, principal) the new document allows must already be allowed by the old one, with IAM "
    "wildcards honoured. Names the added actions, resources and principals, flags a dropped condition and a "
    "removed Deny. A document known only after apply is never compared, nor, in an HCL diff, a document or a "
    "role's `managed_policy_arns` whose base tfreview cannot evaluate (a variable, a module input): it may have "
    "allowed as much.",
    check_change=check_change,
    change_kinds=(ChangeKind.UPDATE, ChangeKind.REPLACE),
)
