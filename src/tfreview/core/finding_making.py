"""A state or change rule's hit on a resource made into a `Finding`: what `review()` does ~13,000 times on a
10,000-resource plan, so what is the same for many findings is read once per review (ADR 0441).

Per review, not per finding: a rule's other names as one tuple (its `References` hashed through a generated
Python `__hash__` no more), the sensitive strings of a resource and change, and whether any mask exists at all
(most resources have none: the message is then the rule's scrubbed words, with no search for secrets).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet

from tfreview.core.evidence import evidence_of, message_of, scrubbed, secrets_of
from tfreview.core.findings import Evidence, Finding, Status, new_finding
from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.redact import mask_text, sensitive_strings
from tfreview.core.rules import Hit, Resource, Rule
from tfreview.core.secret_search import SecretSearch

_NO_SECRETS: frozenset[str] = frozenset()


class FindingMaker:
    """Makes the findings of one review (`make`); holds what its findings share."""

    def __init__(self, by_address: dict[str, ResourceChange], policy: Policy) -> None:
        self._by_address = by_address
        self._policy = policy
        # rule id → (the rule, its other names): the rule held, so that a rule of the same id is not mistaken
        self._references: dict[str, tuple[Rule, tuple[str, ...]]] = {}
        # (values, mask, change) identities → (what they name, held so no identity is reused, the secrets)
        self._secrets: dict[tuple[int, int, int], tuple[object, object, object, AbstractSet[str]]] = {}

    def make(self, rule: Rule, address: str, hit: Hit, resource: Resource, status: Status) -> Finding:
        """The finding of `hit`, which `rule` found on `resource` and blames on `address`."""
        change = self._by_address.get(address)
        if change is not None:
            kind = change.kind
            location = change.location or resource.location
            resource_type = change.type
        else:
            kind = ChangeKind.NOOP
            location = resource.location
            resource_type = resource.type
        found = hit.severity
        policy = self._policy
        severity = policy.severity_of(rule, found) if policy.severity_overrides else found or rule.severity
        held = self._references.get(rule.id)
        if held is None or held[0] is not rule:
            held = self._references[rule.id] = (rule, tuple(rule.references))
        references = held[1]
        text = hit.message or rule.title
        evidence = evidence_of(hit, resource)
        if not resource.sensitive and (change is None or not (change.before_sensitive or change.after_sensitive)):
            message = scrubbed(text)  # no side has a sensitive mask: `message_of` with no secrets
        else:
            secrets = self._secrets_of(resource, change)
            message = message_of(text, resource, change, secrets)
            # a value the rule gave its hit, with a path that does not lead to it (`Hit("", …, value)`), is
            # masked as the message is: its mask was not found at the path
            if (
                evidence.value is not None
                and secrets
                and (shown := mask_text(evidence.value, secrets)) != evidence.value
            ):
                evidence = Evidence(evidence.path, shown)
        # a finding on the resource it was found on: its condition (a gated block's included, ADR 0407)
        condition = (
            resource.condition if address == resource.address else change.condition if change is not None else ()
        )
        return new_finding(
            rule.id,
            rule.long_id,
            rule.title,
            severity,
            rule.provider,
            rule.category,
            address,
            resource_type,
            conditional(message, condition) if condition else message,
            rule.remediation,
            evidence,
            status,
            kind,
            location,
            with_facets(references, hit.also) if hit.also else references,
        )

    def _secrets_of(self, resource: Resource, change: ResourceChange | None) -> AbstractSet[str]:
        """`secrets_of`, read once per resource and change: every finding on them needs the same set."""
        key = (id(resource.values), id(resource.sensitive), id(change))
        held = self._secrets.get(key)
        if held is None:
            held = (resource.values, resource.sensitive, change, secrets_of(resource, change))
            self._secrets[key] = held
        return held[3]


def plan_secrets_of(change_set: ChangeSet) -> frozenset[str]:
    """Every value the plan marks sensitive, wherever it is (changes, drift, outputs; strings, and numbers as they
    print), and its sensitive root variables' values (`sensitive_values`): a rule on one resource may quote a value
    of another (TFR-AWS-273 names the web ACL's rule override on the distribution), and only the finding's own
    resource's masks are read where the finding is made (ADR 0696)."""
    found = set(change_set.sensitive_values)
    for change in (*change_set.changes, *change_set.drift):
        if change.before_sensitive:
            found |= sensitive_strings(change.before, change.before_sensitive, numbers=True)
        if change.after_sensitive:
            found |= sensitive_strings(change.after, change.after_sensitive, numbers=True)
    for output in change_set.output_changes.values():
        if isinstance(output, Mapping):
            for side in ("before", "after"):
                found |= sensitive_strings(output.get(side), output.get(f"{side}_sensitive"), numbers=True)
    return frozenset(found)


def without_copies(findings: list[Finding], secrets: AbstractSet[str]) -> list[Finding]:
    """`findings` with no copy of `secrets` (`plan_secrets_of`: every sensitive value of the plan, ADRs 0472, 0591
    and 0696) in a message or an evidence value: a copy the plan does not mark, or a value marked in another
    resource, is not masked by the finding's own resource, and a report goes to the pull request, the check run and
    SARIF. A finding with none is kept as is."""
    if not secrets:
        return findings
    shown = _masker(secrets)
    kept: list[Finding] = []
    for finding in findings:
        value = finding.evidence.value
        message = shown(finding.message)
        masked = value if value is None else shown(value)
        if message == finding.message and masked == value:
            kept.append(finding)
            continue
        evidence = finding.evidence if masked == value else Evidence(finding.evidence.path, masked)
        kept.append(dataclasses.replace(finding, message=message, evidence=evidence))
    return kept


_FEW_SECRETS = 64  # up to this many, one regular expression (cheap to build) finds them; past it, `SecretSearch`


def _masker(secrets: AbstractSet[str]) -> Callable[[str], str]:
    """A text with every secret masked. A few secrets: one alternation searched in C, built in microseconds. Many
    (every resource holding a sensitive value): an alternation of 10,000 took 2.2 s to build, 100,000 19 s, so
    they are grouped once (`SecretSearch`, ADR 0606) and each distinct text searched once (findings share texts)."""
    if len(secrets) <= _FEW_SECRETS:
        holds = re.compile("|".join(re.escape(secret) for secret in secrets)).search
        return lambda text: mask_text(text, secrets) if holds(text) else text
    search = SecretSearch(secrets)
    masked: dict[str, str] = {}

    def shown(text: str) -> str:
        held = masked.get(text)
        if held is None:
            held = masked[text] = search.mask(text)
        return held

    return shown


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
