"""Suppressions: inline comments, `.tfreview.toml` entries and the baseline, with their expiry.

A suppressed finding is kept apart with the reason it was suppressed; an expired suppression no
longer applies and says so once in the review's notices.
"""

from __future__ import annotations

from dataclasses import replace
from operator import attrgetter

from tfreview.core.findings import Finding, Suppressed
from tfreview.core.plan import ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.rules import Rule


def apply_suppressions(
    findings: list[Finding],
    rules: dict[str, Rule],
    by_address: dict[str, ResourceChange],
    policy: Policy,
    notices: list[str],
) -> tuple[list[Finding], list[Finding]]:
    """(counted, suppressed): each finding, unless a suppression that has not expired covers it."""
    if not policy.suppressions and not policy.baseline and not any(map(_INLINE, by_address.values())):
        return list(findings), []  # the common case: nothing could suppress any finding (no call per finding)
    counted: list[Finding] = []
    suppressed: list[Finding] = []
    today = policy.today.isoformat()
    expired_seen: set[str] = set()
    names_of = {rule_id: rule.names() for rule_id, rule in rules.items()}
    for finding in findings:
        change = by_address.get(finding.address)
        inline_here = change.suppressions if change is not None else ()
        if not inline_here and not policy.suppressions and not policy.baseline:
            counted.append(finding)  # the common case: nothing could suppress it
            continue
        rule = rules[finding.rule_id]
        names = names_of[finding.rule_id]
        reason: Suppressed | None = None
        for inline in inline_here:
            if inline.rule not in names:
                continue
            if inline.attribute and finding.evidence.path and not _under(finding.evidence.path, inline.attribute):
                continue
            if inline.expires and inline.expires < today:
                _expired(
                    notices,
                    expired_seen,
                    f"inline suppression of {inline.rule} at {inline.location} "
                    f"expired on {inline.expires}; {finding.address} is reported again",
                )
                continue
            reason = Suppressed("inline", inline.reason, str(inline.location), inline.expires)
            break
        if reason is None:
            for entry in policy.suppressions:
                if not entry.matches(rule, finding.address):
                    continue
                if entry.expires is not None and entry.expires < policy.today:
                    _expired(
                        notices,
                        expired_seen,
                        f"suppression of {entry.rule} for {entry.address} in "
                        f"{entry.source} expired on {entry.expires.isoformat()}; it no longer applies",
                    )
                    continue
                reason = Suppressed(
                    "config", entry.reason, entry.source, entry.expires.isoformat() if entry.expires else None
                )
                break
        if reason is None and policy.baseline and finding.fingerprint in policy.baseline:
            reason = Suppressed("baseline", "recorded in the baseline", policy.baseline_source)
        if reason is None:
            counted.append(finding)
        else:
            suppressed.append(replace(finding, suppressed=reason))
    return counted, suppressed


_INLINE = attrgetter("suppressions")  # a change's inline suppression comments


def _under(path: str, attribute: str) -> bool:
    """`ingress.0.cidr_blocks` is under `ingress`; `tags_all` is not under `tags`."""
    return path == attribute or path.startswith(f"{attribute}.")


def _expired(notices: list[str], seen: set[str], text: str) -> None:
    if text not in seen:
        seen.add(text)
        notices.append(text)
