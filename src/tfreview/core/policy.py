"""Policy: which rules run, at what severity, what is suppressed, and when a review fails.

Pure data and pure functions; reading `.tfreview.toml` happens in `tfreview.config`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from tfreview.core.findings import Finding, Status, Verdict, counts_for_fail
from tfreview.core.rules import Rule
from tfreview.core.severity import Severity


@dataclass(frozen=True, slots=True)
class Suppression:
    """A suppression from the configuration file."""

    rule: str  # any name of the rule, or `*`
    reason: str
    address: str = "*"  # glob over resource addresses: `*` any run, `?` one character, all else literal
    expires: date | None = None
    source: str = ".tfreview.toml"

    def matches(self, rule: Rule, address: str) -> bool:
        rule_ok = self.rule == "*" or self.rule in rule.names()
        return rule_ok and _address_glob(self.address).fullmatch(address) is not None


@lru_cache(maxsize=1024)
def _address_glob(pattern: str) -> re.Pattern[str]:
    """An address glob as a regex: `*` and `?` are wildcards and nothing else is, since every instance address
    holds brackets (`aws_s3_bucket.b[0]`, `module.m["a"]`), which `fnmatch` would read as a character class
    matching `aws_s3_bucket.b0` (ADR 0385)."""
    parts = ("." if char == "?" else ".*" if char == "*" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True, slots=True)
class Policy:
    fail_on: Severity = Severity.HIGH
    fail_on_existing: bool = False  # existing findings warn; only introduced ones fail by default
    fail_on_uncovered: bool = False  # fail when a changed resource is of a type no selected rule checks
    only_rules: frozenset[str] | None = None  # when set, only these rules (any of their names)
    disabled_rules: frozenset[str] = frozenset()
    only_providers: frozenset[str] | None = None
    disabled_providers: frozenset[str] = frozenset()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()
    baseline: frozenset[str] = frozenset()  # finding fingerprints recorded earlier
    baseline_source: str = ""
    today: date = field(default_factory=date.today)

    def selects(self, rule: Rule) -> bool:
        names = rule.names()
        if self.only_rules is not None and not names & self.only_rules:
            return False
        if names & self.disabled_rules:
            return False
        if self.only_providers is not None and rule.provider not in self.only_providers:
            return False
        return rule.provider not in self.disabled_providers

    def select(self, rules: Iterable[Rule]) -> list[Rule]:
        return [rule for rule in rules if self.selects(rule)]

    def severity_of(self, rule: Rule, found: Severity | None = None) -> Severity:
        """The configured override, else the severity the rule found (`found`), else the rule's."""
        if not self.severity_overrides:  # the common case, once per finding
            return found or rule.severity
        for name in (rule.id, rule.long_id, *rule.references):
            if name in self.severity_overrides:
                return self.severity_overrides[name]
        return found or rule.severity


def unknown_rule_names(policy: Policy, rules: Iterable[Rule]) -> dict[str, list[str]]:
    """The rule names each setting uses that no rule answers to (`rules.disable`, `rules.only`, `severity`,
    `suppress`): a typo there must be refused, not silently match nothing."""
    known: set[str] = set()
    for rule in rules:
        known |= rule.names()
    named = {
        "rules.disable": set(policy.disabled_rules),
        "rules.only": set(policy.only_rules or ()),
        "severity": set(policy.severity_overrides),
        "suppress": {s.rule for s in policy.suppressions if s.rule != "*"},
    }
    return {where: sorted(names - known) for where, names in named.items() if names - known}


def verdict(findings: Iterable[Finding], policy: Policy) -> Verdict:
    """Fail on a counted finding at or above the threshold; warn on any other counted finding."""
    result = Verdict.PASS
    for finding in findings:
        if finding.status is Status.RESOLVED:
            continue
        if counts_for_fail(finding, policy.fail_on, fail_on_existing=policy.fail_on_existing):
            return Verdict.FAIL
        result = Verdict.WARN
    return result
