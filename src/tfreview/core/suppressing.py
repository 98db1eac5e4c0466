"""Suppressions: inline comments, `.tfreview.toml` entries and the baseline, with their expiry.

A suppressed finding is kept apart with the reason it was suppressed; an expired suppression no
longer applies and says so once in the review's notices. So does an inline comment that suppresses nothing
whatever the findings: one no syntax reads (`tfreview:ignore TFR-AWS-001`), or one naming an id that no rule
of the review answers to (ADR 0746).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from operator import attrgetter

from tfreview.core.findings import Finding, Suppressed
from tfreview.core.plan import InlineSuppression, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.redact import scrub_text
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
            if inline.rule not in names or inline.syntax == UNREAD:
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


UNREAD = "unread"  # the syntax of a comment that looks like a suppression but that no syntax reads
_WRITTEN = {  # how each tool's suppression is written, for a notice about one it cannot read
    "tfreview": "tfreview:ignore=ID reason",
    "checkov": "checkov:skip=ID:reason",
    "bridgecrew": "checkov:skip=ID:reason",
    "cortex": "checkov:skip=ID:reason",
    "tfsec": "tfsec:ignore:ID",
    "trivy": "trivy:ignore:ID",
}
_PEERS_SHOWN = 5  # peer ids a notice names before "and N more"
# comments a review has a notice of each for; the rest are counted in one more (review24b): a tree of thousands made
# as many notices, each in the stored review, the JSON and SARIF reports and the dashboard's page (which lists all)
NOTICES_SHOWN = 50


def suppression_notices(changes: Iterable[ResourceChange], rules: Sequence[Rule]) -> list[str]:
    """Notices for the inline comments that suppress nothing whatever the findings (ADR 0746): each one no syntax
    reads, each tfreview id no rule of the review has (`rules`: those of the change's resource types, selected or
    not), and in one notice the Checkov, tfsec and Trivy ids that none of them maps."""
    written = sorted((s for change in changes for s in change.suppressions), key=_place)
    if not written:
        return []
    names: set[str] = set()
    for rule in rules:
        names.update(rule.names())
    notices: list[str] = []
    peers: dict[str, InlineSuppression] = {}
    seen: set[tuple[str, str]] = set()  # (rule, place): the instances of a resource share its comments
    hidden = 0
    for inline in written:
        key = (inline.rule, str(inline.location))
        if key in seen or inline.rule in names:
            continue
        seen.add(key)
        if inline.syntax not in (UNREAD, "tfreview"):  # a peer tool's id: one notice names them all
            peers.setdefault(inline.rule, inline)
            continue
        if len(notices) >= NOTICES_SHOWN:
            hidden += 1
            continue
        if inline.syntax == UNREAD:
            folded = inline.rule.casefold()
            form = next((form for tool, form in _WRITTEN.items() if folded.startswith(tool)), _WRITTEN["tfreview"])
            notices.append(
                f"the comment at {inline.location} looks like a suppression but is not one tfreview reads "
                f'("{inline.rule}"): it suppresses nothing; write "{form}"'
            )
        else:
            near = sorted(n for n in names if n.casefold() == inline.rule.casefold())
            hint = f" (did you mean {near[0]}?)" if near else " (a typo, or a removed rule?)"
            notices.append(  # an id that names no rule may be anything, a token pasted by mistake too (review24b)
                f"inline suppression of {scrub_text(inline.rule)} at {inline.location} names no rule of this review"
                f"{hint}: it suppresses nothing"
            )
    if hidden:
        notices.append(
            f"and {hidden:,} more inline comments that look like suppressions or name no rule of this review: they "
            "suppress nothing (not listed)"
        )
    if peers:
        shown = [f"{scrub_text(rule)} ({inline.location})" for rule, inline in list(peers.items())[:_PEERS_SHOWN]]
        more = f" and {len(peers) - _PEERS_SHOWN} more" if len(peers) > _PEERS_SHOWN else ""
        notices.append(
            "inline suppressions of Checkov, tfsec or Trivy ids that no rule of this review maps suppress nothing: "
            + ", ".join(shown)
            + more
        )
    return notices


def _place(inline: InlineSuppression) -> tuple[str, int]:
    return (inline.location.file, inline.location.line)
