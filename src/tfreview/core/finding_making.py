"""A state or change rule's hit on a resource made into a `Finding`: what `review()` does ~13,000 times on a
10,000-resource plan, so what is the same for many findings is read once per review (ADR 0441).

Per review, not per finding: a rule's other names as one tuple (its `References` hashed through a generated
Python `__hash__` no more), the sensitive strings of a resource and change, and whether any mask exists at all
(most resources have none: the message is then the rule's scrubbed words, with no search for secrets).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Set as AbstractSet

from tfreview.core.evidence import (
    SCALARS,
    absent_evidence,
    evidence_of,
    message_of,
    scalar_evidence,
    scrubbed,
    secrets_of,
)
from tfreview.core.findings import Evidence, Finding, Status, new_finding
from tfreview.core.plan import ChangeKind, Location, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.redact import mask_text
from tfreview.core.rules import Hit, Resource, Rule
from tfreview.core.severity import Severity

_NO_SECRETS: frozenset[str] = frozenset()

# (the rule, id, long id, title, severity, provider, category, remediation, other names)
_RuleFacts = tuple[Rule, str, str, str, Severity, str, str, str, tuple[str, ...]]
# (the resource, the change at the address or None, its kind, location, type, whether masked, its condition)
_Place = tuple[Resource, ResourceChange | None, ChangeKind, Location | None, str, bool, tuple[str, ...]]


class FindingMaker:
    """Makes the findings of one review (`make`); holds what its findings share."""

    def __init__(self, by_address: dict[str, ResourceChange], policy: Policy) -> None:
        self._by_address = by_address
        self._policy = policy
        # rule id → (the rule, its fields every finding of it copies): the rule held
        self._rules: dict[str, _RuleFacts] = {}
        # blamed address → (the resource found on, what a finding on it copies from its change): the resource held
        self._places: dict[str, _Place] = {}
        # (values, mask, change) identities → (what they name, held so no identity is reused, the secrets)
        self._secrets: dict[tuple[int, int, int], tuple[object, object, object, AbstractSet[str]]] = {}

    def make(self, rule: Rule, address: str, hit: Hit, resource: Resource, status: Status) -> Finding:
        """The finding of `hit`, which `rule` found on `resource` and blames on `address`."""
        facts = self._rules.get(rule.id)
        if facts is None or facts[0] is not rule:
            facts = self._rule_facts(rule)
        place = self._places.get(address)
        if place is None or place[0] is not resource:
            place = self._place(address, resource)
        _, change, kind, location, resource_type, masked, condition = place
        found = hit.severity
        policy = self._policy
        severity = policy.severity_of(rule, found) if policy.severity_overrides else found or facts[4]
        references = facts[8]
        text = hit.message or facts[3]
        if not masked:
            message = scrubbed(text)
        else:
            message = message_of(text, resource, change, self._secrets_of(resource, change))
        path = hit.path
        evidence: Evidence | None = None
        if hit.value is None and path and not resource.sensitive:
            values, unknown = resource.values, resource.unknown
            if type(values) is dict and "." not in path and not path.isdigit() and not unknown:
                value = values.get(path)
                if value is None:
                    evidence = absent_evidence(path)
                elif type(value) in SCALARS:
                    evidence = scalar_evidence(path, value, False)
        return new_finding(
            facts[1],
            facts[2],
            facts[3],
            severity,
            facts[5],
            facts[6],
            address,
            resource_type,
            conditional(message, condition) if condition else message,
            facts[7],
            evidence_of(hit, resource) if evidence is None else evidence,
            status,
            kind,
            location,
            with_facets(references, hit.also) if hit.also else references,
        )

    def _rule_facts(self, rule: Rule) -> _RuleFacts:
        facts = self._rules[rule.id] = (
            rule,
            rule.id,
            rule.long_id,
            rule.title,
            rule.severity,
            rule.provider,
            rule.category,
            rule.remediation,
            tuple(rule.references),
        )
        return facts

    def _place(self, address: str, resource: Resource) -> _Place:
        change = self._by_address.get(address)
        if change is not None:
            place = (
                resource,
                change,
                change.kind,
                change.location or resource.location,
                change.type,
                bool(resource.sensitive or change.before_sensitive or change.after_sensitive),
                resource.condition if address == resource.address else change.condition,
            )
        else:
            place = (
                resource,
                None,
                ChangeKind.NOOP,
                resource.location,
                resource.type,
                bool(resource.sensitive),
                resource.condition if address == resource.address else (),
            )
        self._places[address] = place
        return place

    def _secrets_of(self, resource: Resource, change: ResourceChange | None) -> AbstractSet[str]:
        """`secrets_of`, read once per resource and change: every finding on them needs the same set."""
        key = (id(resource.values), id(resource.sensitive), id(change))
        held = self._secrets.get(key)
        if held is None:
            held = (resource.values, resource.sensitive, change, secrets_of(resource, change))
            self._secrets[key] = held
        return held[3]


def without_copies(findings: list[Finding], secrets: AbstractSet[str]) -> list[Finding]:
    """`findings` with no copy of `secrets` (a change set's `sensitive_values`: the sensitive root variables' values,
    ADRs 0472 and 0591) in a message or an evidence value: a copy the plan does not mark is not masked by the finding's
    own resource, and a report goes to the pull request, the check run and SARIF. A finding with none is kept as is."""
    if not secrets:
        return findings
    holds = re.compile("|".join(re.escape(secret) for secret in secrets)).search  # one pass finds the few to mask
    kept: list[Finding] = []
    for finding in findings:
        value = finding.evidence.value
        if not holds(finding.message) and (value is None or not holds(value)):
            kept.append(finding)
            continue
        shown = mask_text(value, secrets) if value is not None else None
        evidence = Evidence(finding.evidence.path, shown) if shown != value else finding.evidence
        kept.append(dataclasses.replace(finding, message=mask_text(finding.message, secrets), evidence=evidence))
    return kept


def conditional(message: str, condition: tuple[str, ...]) -> str:
    """A finding on a resource (or a block, ADR 0407) that exists only when a caller sets variables says so
    (ADR 0360)."""
    if not condition:
        return message
    names = " and ".join(condition)
    verb, its = ("is", "its default leaves") if len(condition) == 1 else ("are", "their defaults leave")
    return f"{message} (conditional: created only when {names} {verb} set; {its} it out)"


def with_facets(references: tuple[str, ...], also: tuple[str, ...]) -> tuple[str, ...]:
    """The rule's other names, then those of the rules its finding subsumed (one cause, one finding: the finding
    is also what Checkov reports under those ids)."""
    return references + tuple(name for name in also if name not in references) if also else references
