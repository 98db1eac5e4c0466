"""The built-in reviewer: offline, deterministic, and honest about not being a language model.

It writes what a careful colleague would say first: what changes (counts by kind), what is
destroyed or replaced and why Terraform says so, the riskiest parts and why (stateful destroys,
IAM and network widening, public exposure, from the plan and the rule findings), and a risk
level derived from the same facts. Same input, same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tfreview.advisor.risk import is_iam, is_network
from tfreview.core.findings import Advice, Concern, Finding, Status
from tfreview.core.listing import listed
from tfreview.core.plan import ChangeKind, ResourceChange
from tfreview.core.ports import AdviceContext
from tfreview.core.severity import Severity
from tfreview.rules.support.stateful import reason_text, render_path, stateful

LABEL = "Written by tfreview's built-in reviewer, not a language model."
_LIST_MAX = 10  # names listed per group; the rest are counted
_RISKY_MAX = 12
_VERBS = (
    (ChangeKind.CREATE, "creates"),
    (ChangeKind.UPDATE, "updates"),
    (ChangeKind.REPLACE, "replaces"),
    (ChangeKind.DELETE, "destroys"),
    (ChangeKind.FORGET, "forgets"),
)


@dataclass(frozen=True, slots=True)
class _Risky:
    severity: Severity
    address: str
    why: str


class BuiltinAdvisor:
    """The default advisor: no network, no keys, no model."""

    name = "builtin"

    def advise(self, context: AdviceContext) -> Advice:
        changes = [c for c in context.change_set.changes if c.kind not in (ChangeKind.NOOP, ChangeKind.READ)]
        changes.sort(key=lambda c: c.address)
        findings = sorted(context.findings, key=lambda f: (-f.severity.rank, f.address, f.rule_id))
        risky = _risky_parts(changes, findings)
        risk, because = _risk(changes, findings, risky)
        paragraphs = [LABEL, _what_changes(changes, len(context.change_set.drift))]
        paragraphs += [p for p in (_named(changes, ChangeKind.DELETE), _named(changes, ChangeKind.REPLACE)) if p]
        if risky:
            lines = [f"- {r.address}: {r.why}" for r in risky[:_RISKY_MAX]]
            if len(risky) > _RISKY_MAX:
                lines.append(f"- and {len(risky) - _RISKY_MAX:,} more")
            paragraphs.append("Riskiest parts:\n" + "\n".join(lines))
        paragraphs.append(f"Risk: {risk.value} — {because}.")
        return Advice(
            summary="\n\n".join(paragraphs),
            risk=risk,
            concerns=_concerns(changes, findings),
            source="builtin",
            is_llm=False,
        )


def _what_changes(changes: Sequence[ResourceChange], drifted: int) -> str:
    if not changes:
        text = "This change leaves every resource as it is."
    else:
        counts = {kind: sum(1 for c in changes if c.kind is kind) for kind, _ in _VERBS}
        parts = [f"{verb} {counts[kind]:,}" for kind, verb in _VERBS if counts[kind]]
        text = f"This change {_join(parts)} resource{'s' if len(changes) > 1 else ''} ({len(changes):,} in all)."
    if drifted:
        text += f" {_plural(drifted, 'resource')} drifted outside Terraform; drift is not part of this change."
    return text


def _named(changes: Sequence[ResourceChange], kind: ChangeKind) -> str:
    chosen = [c for c in changes if c.kind is kind]
    if not chosen:
        return ""
    title = "Destroyed" if kind is ChangeKind.DELETE else "Replaced"
    lines = [f"- {c.address}{_reason(c)}" for c in chosen[:_LIST_MAX]]
    if len(chosen) > _LIST_MAX:
        lines.append(f"- and {len(chosen) - _LIST_MAX:,} more")
    return f"{title}:\n" + "\n".join(lines)


def _reason(change: ResourceChange) -> str:
    words = reason_text(change)
    forced = listed([render_path(p) for p in change.replace_paths])
    text = f", because {words}" if words else ""
    if change.deposed is not None:  # the old object of an unfinished replace, not the current one (ADR 0616)
        text = f", {_deposed(change)}{text}"
    if forced:
        text += f" (forced by {forced})"
    return text


def _risky_parts(changes: Sequence[ResourceChange], findings: Sequence[Finding]) -> list[_Risky]:
    out: list[_Risky] = []
    for change in changes:
        held = stateful(change.type)
        if change.kind.destroys and held is not None:
            verb = "destroying" if change.kind is ChangeKind.DELETE else "replacing"
            guard = "" if change.prevent_destroy else "; nothing in the configuration prevents it"
            if change.deposed is not None:
                why = f"destroying its {_deposed(change)} loses what that old object holds of {held.data}"
                out.append(_Risky(held.severity, change.address, why))
                continue
            out.append(_Risky(held.severity, change.address, f"{verb} it loses {held.data}{guard}"))
    for finding in findings:
        if finding.status is not Status.INTRODUCED:
            continue
        why = f"{_theme(finding)}: {finding.title} ({finding.rule_id}, {finding.severity.value})"
        out.append(_Risky(finding.severity, finding.address, why))
    flagged = {f.address for f in findings}
    for change in changes:
        if change.address in flagged or change.kind.destroys:
            continue
        if is_iam(change.type):
            out.append(
                _Risky(Severity.LOW, change.address, f"{change.kind.value}s IAM ({change.type}); no rule objects")
            )
        elif is_network(change.type) and change.kind is not ChangeKind.CREATE:
            out.append(_Risky(Severity.LOW, change.address, f"{change.kind.value}s network settings ({change.type})"))
    out.sort(key=lambda r: (-r.severity.rank, r.address, r.why))
    return out


_FORGETS = "TFR-CHG-006"  # rules/changes/forgets_resource.py


def _theme(finding: Finding) -> str:
    if finding.category == "iam":
        return "IAM widening"
    if finding.category == "networking":
        return "public exposure" if "public" in (finding.title + finding.message).lower() else "network widening"
    if finding.category == "change":
        # a forget (TFR-CHG-006) keeps the object: Terraform only stops managing it (ADR 0518)
        return "state change, nothing destroyed" if finding.rule_id == _FORGETS else "destructive change"
    return finding.category


def _risk(
    changes: Sequence[ResourceChange], findings: Sequence[Finding], risky: Sequence[_Risky]
) -> tuple[Severity, str]:
    """The level and its reasons, worst first."""
    reasons: list[tuple[Severity, str]] = []
    introduced = [f for f in findings if f.status is Status.INTRODUCED]
    if introduced:
        worst = max(f.severity for f in introduced)
        count = sum(1 for f in introduced if f.severity is worst)
        reasons.append((worst, f"{count:,} {worst.value} finding{'s' if count > 1 else ''} introduced"))
    existing = [f for f in findings if f.status is Status.EXISTING]
    if existing:
        reasons.append(
            (min(max(f.severity for f in existing), Severity.MEDIUM), f"{len(existing):,} existing findings")
        )
    stateful_losses = [r for r in risky if "loses" in r.why]
    if stateful_losses:
        worst = max(r.severity for r in stateful_losses)
        reasons.append((worst, f"{_plural(len(stateful_losses), 'stateful resource')} destroyed or replaced"))
    destroys = sum(1 for c in changes if c.kind.destroys)
    if destroys:
        reasons.append(
            (
                Severity.MEDIUM,
                f"{destroys:,} destroy{'s' if destroys > 1 else ''} or replace{'s' if destroys > 1 else ''}",
            )
        )
    access = [c for c in changes if not c.kind.destroys and (is_iam(c.type) or is_network(c.type))]
    if access:
        level = Severity.MEDIUM if any(c.kind is ChangeKind.UPDATE for c in access) else Severity.LOW
        reasons.append((level, f"{len(access):,} IAM or network resource{'s' if len(access) > 1 else ''} change"))
    if not reasons:
        return Severity.LOW, "no finding, no destroy" if changes else "nothing changes"
    reasons.sort(key=lambda r: -r[0].rank)
    level = max(reasons[0][0], Severity.LOW)
    return level, "; ".join(text for _, text in reasons[:3])


def _concerns(changes: Iterable[ResourceChange], findings: Sequence[Finding]) -> tuple[Concern, ...]:
    """Stateful destroys that no rule finding already names (a rule may be disabled)."""
    named = {f.address for f in findings if f.category == "change"}
    out: list[Concern] = []
    for change in changes:
        held = stateful(change.type)
        if change.kind.destroys and held is not None and change.address not in named:
            verb = "Destroying" if change.kind is ChangeKind.DELETE else "Replacing"
            said = f"{verb} it loses {held.data}."
            if change.deposed is not None:
                said = f"Destroying its {_deposed(change)} loses what that old object holds of {held.data}."
            out.append(Concern(change.address, "data-loss", said, held.severity))
    return tuple(out)


def _deposed(change: ResourceChange) -> str:
    """The old object an unfinished create-before-destroy replace left behind, said as such."""
    left = "left by an unfinished create-before-destroy replace; the current object stays"
    return f"deposed object {change.deposed} ({left})"


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"
