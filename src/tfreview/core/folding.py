"""From a rule's hits on one resource to findings: one cause, one finding, every offending item in it.

Two steps, per resource and per side of a change:

* **subsume** — a rule may declare `subsumes` (other rule ids): where it reports an item (the block or
  resource a hit's path belongs to: `ingress.0` for `ingress.0.cidr_blocks`, the resource itself for a
  top-level attribute), the hits of those rules on the same item are dropped and their messages become
  facets of its own ("every port is open … — also TFR-AWS-012: SSH (port 22) is open …"). A security
  group rule open to the world on every port is then one critical finding, not five. The finding's
  `references` name the subsumed rules' Checkov and Trivy ids too: it is also what those tools report.
  A hit about several parts of its item (a policy document's statements) says apart what it says of the parts the
  subsuming rule reports (`Hit.apart`): only those words become a facet, the rest stays a finding of its own (a
  policy's `"*"` on `"*"` statement is one TFR-AWS-030 finding; its other statements keep theirs, ADR 0730).
* **fold** — hits of one rule on one resource whose paths differ only by list indexes
  (`ingress.0.description`, `ingress.3.description`) are one finding (its fingerprint ignores indexes),
  the first one as evidence; the message names every offending item, not only the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from tfreview.core.rules import Hit, Resource, Rule

MAX_LISTED = 10  # items named in one message; the rest are counted


@dataclass(slots=True)
class Folded:
    """One finding-to-be: the first hit, the resource it was found on, and every item it stands for."""

    hit: Hit
    resource: Resource
    paths: list[str] = field(default_factory=list)  # concrete paths folded in, the first hit's first

    def final_hit(self, title: str) -> Hit:
        """The hit to report: its message names every folded item when there are several."""
        if len(self.paths) < 2:
            return self.hit  # the common case: one item
        distinct = list(dict.fromkeys(self.paths))
        if len(distinct) < 2:
            return self.hit
        shown = ", ".join(f"`{path}`" for path in distinct[:MAX_LISTED])
        more = f" and {len(distinct) - MAX_LISTED} more" if len(distinct) > MAX_LISTED else ""
        return replace(self.hit, message=f"{self.hit.message or title} ({len(distinct)} in all: {shown}{more})")


def item_of(path: str) -> str:
    """The block or resource a hit's path belongs to: `ingress.0.cidr_blocks` → `ingress.0`; `description` → ``."""
    return path.rpartition(".")[0]


def subsume(found: dict[str, list[Hit]], rules: Mapping[str, Rule]) -> None:
    """Drop, in place, the hits that a subsuming rule's hit on the same item covers, and name them in it.

    A subsumed hit with an `apart` entry for the subsuming rule is about several parts of the item (a policy's
    statements), of which the subsuming hit covers some: only its words about those become a facet, and what remains
    of it stays a hit of its own (ADR 0730). Rules that no other rule subsumes go first, so that the leading rule
    takes its part of every hit before a rule it subsumes takes what remains."""
    leading = [rule_id for rule_id in found if rules[rule_id].subsumes]
    if len(leading) > 1:  # a leader before the rules it leads (most resources have one subsuming rule)
        leading.sort(key=lambda name: _depth(name, leading, rules))
    for rule_id in leading:
        others = rules[rule_id].subsumes
        hits = found[rule_id]
        if not hits:
            continue
        for index, hit in enumerate(hits):
            if hit.address is not None:
                continue  # a hit blaming another resource is not about an item of this one
            item = item_of(hit.path)
            facets: list[str] = []
            also: list[str] = list(hit.also)
            for other_id in others:
                theirs = found.get(other_id)
                if not theirs:
                    continue
                kept: list[Hit] = []
                for other in theirs:
                    if other.address is not None or item_of(other.path) != item:
                        kept.append(other)
                        continue
                    words, rest = _part_for(rule_id, other)
                    if words is not None:
                        facets.append(f"{other_id}: {words or rules[other_id].title}")
                        also.extend((*rules[other_id].references, *other.also))
                    if rest is not None:
                        kept.append(rest)
                found[other_id] = kept
            if facets:
                message = f"{hit.message or rules[rule_id].title} — also {'; '.join(dict.fromkeys(facets))}"
                hits[index] = replace(hit, message=message, also=tuple(dict.fromkeys(also)))


def _depth(rule_id: str, leading: list[str], rules: Mapping[str, Rule], seen: frozenset[str] = frozenset()) -> int:
    """How many of the subsuming rules with hits here lead, one through another, to `rule_id` (0: none subsumes it):
    a leader takes its part of a hit before the rule it leads takes its own (TFR-AWS-030, TFR-AWS-031, TFR-AWS-253)."""
    leaders = [
        other for other in leading if other not in seen and other != rule_id and rule_id in rules[other].subsumes
    ]
    return 1 + max(_depth(other, leading, rules, seen | {rule_id}) for other in leaders) if leaders else 0


def _part_for(rule_id: str, other: Hit) -> tuple[str | None, Hit | None]:
    """What of `other` a hit of `rule_id` on the same item takes as a facet (its words, None: nothing) and what of
    it remains a hit of its own (None: nothing): all of it and nothing, unless `other` says otherwise (`Hit.apart`)."""
    for leader, words, rest in other.apart:
        if leader == rule_id:
            return words, rest
    return other.message or "", None
