"""The one use case: review a change set with rules under a policy, optionally with an advisor.

Every entry point — the CLI, the service worker, tests — calls `review()` and nothing else.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from tfreview.core.blast import BlastRadius, blast_radius
from tfreview.core.errors import RuleError
from tfreview.core.evidence import message_of
from tfreview.core.finding_making import FindingMaker, plan_secrets_of, without_copies
from tfreview.core.findings import (
    ChangeEntry,
    Finding,
    Review,
    Status,
    Verdict,
    fingerprint,
    new_change_entry,
    normalised_path,
)
from tfreview.core.folding import Folded, subsume
from tfreview.core.module_calls import MODULE_CALL_TYPE, is_module_call
from tfreview.core.open_renderings import renderings
from tfreview.core.plan import ChangeKind, ChangeSet, Coverage, OpenBlock, ResourceChange, is_provider_configuration
from tfreview.core.policy import Policy, verdict
from tfreview.core.rules import Hit, Resource, Rule, Setting, Snapshot, StateCheck, resource_of
from tfreview.core.severity import Severity
from tfreview.core.suppressing import apply_suppressions, suppression_notices
from tfreview.core.values import UNKNOWN, holds_unknown, lookup, mask_under

if TYPE_CHECKING:  # the ports (and the service records they name) are imported only with an advisor
    from tfreview.core.ports import Advisor

_STATUS_ORDER = {Status.INTRODUCED: 0, Status.EXISTING: 1, Status.RESOLVED: 2}
_SEVERITY_ORDER = {severity: -severity.rank for severity in Severity}  # worst first
_NOT_CHANGES = frozenset({ChangeKind.NOOP, ChangeKind.READ})

# (rule id, blamed address, normalised path) -> (hit, resource it was found on)
_HitMap = dict[tuple[str, str, str], Folded]
# address -> rule id -> the hits its check yielded there (ADR 0648)
_Kept = dict[str, dict[str, list[Hit]]]


def review(
    change_set: ChangeSet,
    rules: Sequence[Rule],
    policy: Policy,
    advisor: Advisor | None = None,
    *,
    keep: list[object] | None = None,
) -> Review:
    """Evaluate `rules` on both sides of `change_set` and say what the change introduces. `keep` receives the
    review's working data (both sides' resources, their folded hits), for a process that leaves without freeing
    it (cli, ADRs 0315 and 0466): otherwise it is freed object by object as this returns."""
    selected = policy.select(rules)
    state_rules = [r for r in selected if r.check is not None]
    change_rules = [r for r in selected if r.check_change is not None]
    diagnostics: list[str] = []

    plan_mode = change_set.source != "hcl"
    managed, before_side, after_side, unchecked, unchanged = _sides(change_set, state_rules, plan_mode)
    by_address = {c.address: c for c in managed if c.deposed is None}  # an address is its current object's
    if len(by_address) < len(managed):  # deposed objects, or (not a plan Terraform writes) an address held twice
        if unchanged:
            unchanged -= _held_twice(managed)
        for c in managed:
            by_address.setdefault(c.address, c)  # a deposed object alone at its address

    after_hits, before_hits, may_fail = _state_hits(
        state_rules, after_side, before_side, by_address, diagnostics, not plan_mode, unchecked, unchanged
    )

    rules_by_id = {r.id: r for r in selected}
    maker = FindingMaker(by_address, policy)
    findings = _state_findings(
        after_hits, before_hits, may_fail, rules_by_id, after_side, maker, change_set.source, by_address
    )

    findings.extend(_run_change_rules(change_rules, managed, change_set, diagnostics, maker))
    findings = without_copies(findings, plan_secrets_of(change_set))  # copies, and values of other resources (S2)

    notices: list[str] = []
    counted, suppressed = apply_suppressions(findings, rules_by_id, by_address, policy, notices)
    notices.extend(suppression_notices(by_address.values(), rules))
    counted.sort(key=_sort_key)
    suppressed.sort(key=_sort_key)

    changes = _change_entries(change_set, blast_radius(change_set))
    drift = [_entry(c) for c in change_set.drift]
    coverage = _cover(change_set.coverage, change_set, managed, selected)  # a new value: the input is not touched
    outcome = verdict(counted, policy)
    if policy.fail_on_uncovered and coverage.uncovered_types:
        outcome = Verdict.FAIL
    if outcome is Verdict.PASS and coverage.files_skipped:
        outcome = Verdict.WARN  # ADR 0556: a file nobody read is no pass (a neutral check, never a green one)

    advice = None
    if advisor is not None:
        from tfreview.core.ports import AdviceContext

        advice = advisor.advise(AdviceContext(change_set, tuple(counted), coverage))
    if keep is not None:
        keep.extend((after_hits, before_hits, after_side, before_side, by_address, findings, maker))
    return Review(
        findings=counted,
        suppressed=suppressed,
        changes=changes,
        drift=drift,
        coverage=coverage,
        verdict=outcome,
        fail_on=policy.fail_on,
        source=change_set.source,
        label=change_set.label,
        terraform_version=change_set.terraform_version,
        diagnostics=diagnostics,
        notices=notices,
        counts=_counts(counted, suppressed, change_set),
        fail_on_existing=policy.fail_on_existing,
        advice=advice,
    )


def _state_findings(
    after_hits: _HitMap,
    before_hits: _HitMap,
    may_fail: set[tuple[str, str]],
    rules_by_id: dict[str, Rule],
    after_side: list[Resource],
    maker: FindingMaker,
    source: str,
    by_address: dict[str, ResourceChange],
) -> list[Finding]:
    """The state rules' findings: each after-side hit, introduced or existing (the before side has it too), then
    each before-side hit the change resolves: not one on an object the change forgets (`removed` with
    `destroy = false`), which keeps what it had."""
    findings: list[Finding] = []
    for key, folded in after_hits.items():
        status = Status.EXISTING if key in before_hits else Status.INTRODUCED
        rule = rules_by_id[key[0]]
        hit = folded.hit if len(folded.paths) < 2 else folded.final_hit(rule.title)  # one item: the hit as it is
        findings.append(maker.make(rule, key[1], hit, folded.resource, status))
    after_by_address = {r.address: r for r in after_side}
    for key, folded in before_hits.items():
        if key in after_hits:
            continue
        after = after_by_address.get(folded.resource.address)
        change = by_address.get(folded.resource.address)
        if change is not None and change.kind is ChangeKind.FORGET:
            continue  # ADR 0518: a forgotten object still exists as it was; Terraform only stops managing it
        if (after is not None and _unknown_after(after, folded.resource, folded.hit.path, source == "hcl")) or (
            key[0],
            key[1],
        ) in may_fail:
            continue  # known only after apply, or an open `dynamic` block may render it (ADR 0452): the change
            # may keep the problem, so it is not "resolved"
        rule = rules_by_id[key[0]]
        hit = folded.final_hit(rule.title)
        findings.append(maker.make(rule, key[1], hit, folded.resource, Status.RESOLVED))
    return findings


def _cover(coverage: Coverage, change_set: ChangeSet, managed: list[ResourceChange], rules: list[Rule]) -> Coverage:
    """How many resources the rules saw, and how many of them some rule checks: a PASS on types no rule
    knows says nothing, so their types are listed. Provider configurations and module calls are not resources."""
    checked = {t for rule in rules for t in rule.resource_types}
    # resources counted by type in C; only the changes of a type a pseudo resource may have are looked at one by
    # one (provider configurations, module calls: a handful), each type tested first as the tests themselves do
    by_type = Counter(map(_TYPE, managed))
    pseudo_types = {t for t in by_type if t.endswith("_provider") or t == MODULE_CALL_TYPE}
    for c in compress(managed, map(pseudo_types.__contains__, map(_TYPE, managed))) if pseudo_types else ():
        if is_provider_configuration(c) or is_module_call(c):
            by_type[c.type] -= 1
    deposed = list(compress(managed, map(_DEPOSED, managed)))  # an old object of a resource, not one more (0635)
    for c in deposed:
        by_type[c.type] -= 1
    configurations = len(managed) - len(deposed) - by_type.total()  # pseudo resources are all `managed`
    return replace(
        coverage,
        resources_total=len(change_set.changes) - configurations - len(deposed),
        resources_reviewed=len(managed) - configurations - len(deposed),
        resources_covered=sum(count for t, count in by_type.items() if t in checked),
        uncovered_types=tuple(sorted(t for t, count in by_type.items() if count and t not in checked)),
    )


_TYPE = attrgetter("type")
_DEPOSED = attrgetter("deposed")
_resource = resource_of  # a change as a Resource on one side (core/rules.py)


_Sides = tuple[list[ResourceChange], list[Resource], list[Resource], "_Unchecked", set[str]]


def _sides(change_set: ChangeSet, state_rules: list[Rule], plan_mode: bool) -> _Sides:
    """The managed changes (provider configurations included: rules read their credentials), the before and after
    sides' resources, the changes of types no state rule checks, and (plan mode) the addresses whose two sides are
    one object to the rules (`_same_sides`, ADR 0648)."""
    managed: list[ResourceChange] = []
    before_side: list[Resource] = []
    after_side: list[Resource] = []
    # plan mode: a resource of a type no state rule checks is built only if a rule asks the snapshot for its type
    # (ADR 0502); HCL mode builds every one, its conditional and open blocks are judged among whole sides
    checked = _checked_types(state_rules) if plan_mode else None
    unchecked = _Unchecked()
    unchanged: set[str] = set()
    for c in change_set.changes:
        if c.mode != "managed":
            continue
        managed.append(c)
        if checked is not None and c.type not in checked:
            unchecked.add(c)
            continue
        kind = c.kind
        # a deposed object (the old object of an unfinished create-before-destroy replace) is not a before side of
        # its address: the replace that made it already resolved what it had, and the current object is that
        # address's before; its delete is judged by the change rules (TFR-CHG-001) alone (ADR 0635)
        if c.before is not None and kind is not ChangeKind.CREATE and c.deposed is None:
            before_side.append(_resource(c, "before"))
            if kind is ChangeKind.NOOP and plan_mode and _same_sides(c):  # both sides (an update changes one)
                unchanged.add(c.address)
        if c.after is not None and kind is not ChangeKind.DELETE:
            after_side.append(_resource(c, "after"))
    return managed, before_side, after_side, unchecked, unchanged


def _held_twice(managed: list[ResourceChange]) -> set[str]:
    """The addresses more than one current (not deposed) object holds: the hits kept by address for a no-op's
    before side would stand for another change's before side there (review19b), so such an address is checked on
    both sides (ADR 0648)."""
    seen: set[str] = set()
    twice: set[str] = set()
    for c in managed:
        if c.deposed is None:
            (twice if c.address in seen else seen).add(c.address)
    return twice


def _same_sides(change: ResourceChange) -> bool:
    """True when a plan's change leaves its resource as it was for every rule that reads no configuration: the
    same values, no value unknown, the same sensitive mask (a no-op; the location, references, provider and
    module of both sides are the change's). Such a resource's before side gets the hits its after side got, when
    the checks read nothing else of the side (ADR 0648)."""
    return (
        not change.after_unknown
        and not change.before_unknown
        and not change.known_prefixes
        and not change.before_known_prefixes
        and change.before == change.after
        and change.before_sensitive == change.after_sensitive
    )


def _checked_types(rules: list[Rule]) -> frozenset[str] | None:
    """The resource types some state rule checks; None when a rule checks every type."""
    checked: set[str] = set()
    for rule in rules:
        if not rule.resource_types:
            return None
        checked.update(rule.resource_types)
    return frozenset(checked)


class _Unchecked:
    """The managed changes of types no state rule checks, by type: each side's resources of a type are built when a
    rule first reads that type through the snapshot (`Snapshot(…, unbuilt)`), in the order of the change set."""

    __slots__ = ("by_type",)

    def __init__(self) -> None:
        self.by_type: dict[str, list[ResourceChange]] = {}

    def add(self, change: ResourceChange) -> None:
        changes = self.by_type.get(change.type)
        if changes is None:
            self.by_type[change.type] = [change]
        else:
            changes.append(change)

    def after(self, type_name: str) -> list[Resource]:
        return [
            _resource(c, "after")
            for c in self.by_type.get(type_name, ())
            if c.after is not None and c.kind is not ChangeKind.DELETE
        ]

    def before(self, type_name: str) -> list[Resource]:
        return [
            _resource(c, "before")
            for c in self.by_type.get(type_name, ())
            if c.before is not None and c.kind is not ChangeKind.CREATE
        ]


def _unknown_after(after: Resource, before: Resource, path: str, hcl: bool) -> bool:
    """True when the value a before-side hit points at is unknown on the after side, or holds an unknown value
    the before side did not hold there (a block whose `sse_algorithm = var.x`): the rule's silence on the head side
    is then no evidence of a fix. A hit on the whole resource (no path) in HCL mode: when the after side holds an
    unknown value where the before side held a known one (ADR 0465; ADR 0475 gave the base side its own mask, so an
    unknown both sides share, which did not keep the rule from firing on the base, no longer blocks it). In plan
    mode the before side is state, known in full, and values known only after apply (ids, ARNs) are the
    provider's, not the user's."""
    unknown = after.unknown
    if unknown is True:
        return True
    if not unknown:
        return False
    if not path:
        return hcl and _unknown_beyond(unknown, before.unknown)
    return lookup(after.values, unknown, path) is UNKNOWN or _unknown_beyond(
        mask_under(unknown, path), mask_under(before.unknown, path) if before.unknown else None
    )


def _unknown_beyond(mask: Any, other: Any) -> bool:
    """True when `mask` marks a value unknown where `other` (the same shape's mask, or None) does not."""
    if not mask or other is True:
        return False
    if mask is True:
        return True
    if not other:
        return holds_unknown(mask)
    if isinstance(mask, dict):
        theirs = other if isinstance(other, dict) else {}
        return any(_unknown_beyond(child, theirs.get(key)) for key, child in mask.items())
    if isinstance(mask, list):
        theirs_list = other if isinstance(other, list) else []
        return any(
            _unknown_beyond(child, theirs_list[index] if index < len(theirs_list) else None)
            for index, child in enumerate(mask)
        )
    return False


def _index(rules: Iterable[Rule]) -> tuple[dict[str, list[Rule]], list[Rule]]:
    by_type: dict[str, list[Rule]] = {}
    generic: list[Rule] = []
    for rule in rules:
        if not rule.resource_types:
            generic.append(rule)
        for type_name in rule.resource_types:
            by_type.setdefault(type_name, []).append(rule)
    return by_type, generic


def _run_state_rules(
    rules: list[Rule],
    resources: list[Resource],
    diagnostics: list[str],
    *,
    check_unknown: bool,
    snapshot: Snapshot | None = None,
    unbuilt: Callable[[str], list[Resource]] | None = None,
    record: _Kept | None = None,
    unchanged: set[str] | frozenset[str] = frozenset(),
    replay: _Kept | None = None,
) -> _HitMap:
    """The hits of `rules` on `resources`; `snapshot`: the side they are read among (default: `resources`, and
    the side's resources of the types they leave out that `unbuilt` builds, ADR 0502). `record`: filled with the
    hits the checks yield (before `check_unknown` drops any) on each resource whose address is `unchanged`, by
    rule, when they read nothing of the side but that resource and none fails; `replay`: such hits, taken for
    what the checks would yield on the resource of that address, but for a rule that reads the configuration
    (ADR 0648)."""
    for_type, generic_plan, subsuming, by_id, own = _run_plan(rules)
    snapshot = Snapshot(resources, unbuilt) if snapshot is None else snapshot
    hits: _HitMap = {}
    paths: dict[str, tuple[str, str | None]] = {}  # a hit's path → `_path_facts`
    for resource in resources:
        applicable, gathered = for_type.get(resource.type, generic_plan)
        if not applicable:
            continue
        found: dict[str, list[Hit]] = {}
        kept = replay.get(resource.address) if replay else None
        # an unchanged resource: what each check yields, kept for its before side when the check read it alone
        kept_here: dict[str, list[Hit]] | None = {} if record is not None and resource.address in unchanged else None
        for rule_id, check in applicable:
            if kept_here is not None:
                snapshot.read, yielded = False, []
            try:
                got = kept.get(rule_id) if kept is not None else None
                for hit in check(resource, snapshot) if got is None else got:
                    if kept_here is not None:
                        yielded.append(hit)
                    path = hit.path
                    facts = paths.get(path)
                    if facts is None:
                        facts = paths[path] = _path_facts(path)
                    if check_unknown and path:
                        # `resource.get(path) is UNKNOWN`, its top-level case (`facts[1]`, the name) without its call
                        top, values, unknown = facts[1], resource.values, resource.unknown
                        if top is not None and type(values) is dict and (not unknown or type(unknown) is dict):
                            unknown_here = (unknown and unknown.get(top) is True) or values.get(top) is UNKNOWN
                        else:
                            unknown_here = resource.get(path) is UNKNOWN
                        if unknown_here and not (hit.unset and resource.setting(path) is Setting.UNSET):
                            continue  # never fire on an expression Terraform does not know yet
                    if gathered:
                        found.setdefault(rule_id, []).append(hit)
                    else:  # no rule here subsumes another: folded as it comes, in the same order (`_fold`)
                        key = (rule_id, hit.address or resource.address, facts[0])
                        folded = hits.get(key)
                        if folded is None:
                            hits[key] = Folded(hit, resource, [path])
                        else:
                            folded.paths.append(path)
            except Exception as exc:  # a failing rule becomes a diagnostic; the review goes on
                diagnostics.append(str(RuleError(rule_id, resource.address, exc)))
                continue  # each side says it: the before side runs it again
            if kept_here is not None and not snapshot.read and rule_id not in own:
                kept_here[rule_id] = yielded  # it read this resource alone: the before side's hits too
        if kept_here and record is not None:
            record[resource.address] = kept_here
        if not found:
            continue
        if len(found) > 1 and not subsuming.isdisjoint(found):
            subsume(found, by_id)
        for rule_id, rule_hits in found.items():
            for hit in rule_hits:
                _fold(hits, rule_id, hit, resource, paths)
    return hits


_Entries = list[tuple[str, StateCheck]]


def _run_plan(
    rules: list[Rule],
) -> tuple[dict[str, tuple[_Entries, bool]], tuple[_Entries, bool], frozenset[str], dict[str, Rule], frozenset[str]]:
    """Per type: its rules, generic ones after (as the engine always ran them), as (id, check) built once, and
    whether one of them subsumes others (only then are a resource's hits gathered before they are folded); the
    same for a type no rule names; the ids of the rules that subsume others; the rules by id; the ids of the
    rules that read the configuration (ADR 0648)."""
    by_type, generic = _index(rules)
    entries = {rule.id: (rule.id, _state_check(rule)) for rule in rules}
    subsuming = frozenset(rule.id for rule in rules if rule.subsumes)
    generic_entries = [entries[rule.id] for rule in generic]
    generic_plan = (generic_entries, any(rule.id in subsuming for rule in generic))
    for_type = {
        type_name: (
            [entries[rule.id] for rule in applicable] + generic_entries,
            generic_plan[1] or any(rule.id in subsuming for rule in applicable),
        )
        for type_name, applicable in by_type.items()
    }
    own = frozenset(rule.id for rule in rules if rule.reads_configuration)
    return for_type, generic_plan, subsuming, {rule.id: rule for rule in rules}, own


def _path_facts(path: str) -> tuple[str, str | None]:
    """What the runner reads of a hit's path, once per run (thousands of hits share a few paths, ADR 0502): the
    path without its list indexes (what hits fold by) and, for one top-level name, that name (what
    `Resource.get` looks up without `lookup`), else None."""
    top = path if type(path) is str and path and "." not in path and not path.isdigit() else None
    return normalised_path(path), top


def _fold(hits: _HitMap, rule_id: str, hit: Hit, resource: Resource, paths: dict[str, tuple[str, str | None]]) -> None:
    """One finding per rule, blamed address and path without its list indexes (core/folding.py)."""
    path = hit.path
    facts = paths.get(path)
    if facts is None:
        facts = paths[path] = _path_facts(path)
    key = (rule_id, hit.address or resource.address, facts[0])
    folded = hits.get(key)
    if folded is None:
        hits[key] = Folded(hit, resource, [path])
    else:
        folded.paths.append(path)


def _state_hits(
    rules: list[Rule],
    after_side: list[Resource],
    before_side: list[Resource],
    by_address: dict[str, ResourceChange],
    diagnostics: list[str],
    hcl: bool,
    unchecked: _Unchecked,
    unchanged: set[str],
) -> tuple[_HitMap, _HitMap, set[tuple[str, str]]]:
    """The state rules' hits on the after side and on the before side, and the (rule, address) pairs that an
    open `dynamic` block on the after side fails one way (ADR 0452): what the change may keep. `unchecked`: the
    changes left out of both sides, of types no rule checks, built when a rule reads their type (ADR 0502).
    `unchanged`: the addresses whose before side is its after side to the rules (`_same_sides`): the checks that
    read only that resource there are not run twice (ADR 0648)."""
    kept: _Kept = {}
    after_hits = _run_state_rules(
        rules, after_side, diagnostics, check_unknown=True, unbuilt=unchecked.after, record=kept, unchanged=unchanged
    )
    # an HCL base side holds unknown values too (ADR 0475): never fire on them, as on the head side
    before_hits = _run_state_rules(
        rules, before_side, diagnostics, check_unknown=hcl, unbuilt=unchecked.before, replay=kept
    )
    if any(c.conditional_blocks for c in by_address.values()):  # HCL: blocks gated off by root defaults (0407)
        _run_conditional_blocks(rules, after_side, by_address, "after", after_hits, diagnostics)
        _run_conditional_blocks(rules, before_side, by_address, "before", before_hits, diagnostics)
    may_fail: set[tuple[str, str]] = set()
    if any(c.open_blocks for c in by_address.values()):  # HCL: `dynamic` blocks with an unknown for_each (0452)
        may_fail = _run_open_blocks(rules, after_side, by_address, "after", after_hits, diagnostics)
        _run_open_blocks(rules, before_side, by_address, "before", before_hits, diagnostics)
    return after_hits, before_hits, may_fail


def _run_open_blocks(
    rules: list[Rule],
    resources: list[Resource],
    by_address: dict[str, ResourceChange],
    side: str,
    hits: _HitMap,
    diagnostics: list[str],
) -> set[tuple[str, str]]:
    """A `dynamic` block whose `for_each` is known only at plan time renders no block or blocks of its content
    (ADR 0452). Each is judged both ways: the resource with none, then with one, among the side's resources with
    that one changed, its rules run on it and on the resources it refers to or that refer to it (a rule on a
    bucket reads its encryption configuration). A resource with several is judged in every combination of their
    outcomes, up to `MAX_COMBINED` of them (ADR 0476; past that, or when they cannot be composed, one at a time,
    the others unknown). A rule that finds something on the same address in every rendering, and nothing there on
    the resource as it is, is reported: whichever Terraform renders, it fails. The finding is the one with no
    block rendered (the key the before side, which reads the type as unknown and judges its blocks the same way,
    makes too), its message followed by what the rule finds with the blocks. Returns the (rule, address) pairs
    found in any rendering."""
    opened: dict[int, tuple[Resource, list[OpenBlock]]] = {}
    for resource in resources:
        change = by_address.get(resource.address)
        if change is not None and (mine := [block for block in change.open_blocks if block.side == side]):
            opened[id(resource)] = (resource, mine)
    either: set[tuple[str, str]] = set()
    if not opened:
        return either
    by_id = {rule.id: rule for rule in rules}
    by_type, generic = _index(rules)
    order = {id(rule): position for position, rule in enumerate(rules)}
    by_config: dict[str, list[Resource]] = {}
    referrers: dict[str, list[Resource]] = {}
    for resource in resources:
        by_config.setdefault(resource.config_address, []).append(resource)
        for targets in resource.references.values():
            for target in dict.fromkeys(targets):
                referrers.setdefault(target, []).append(resource)
    reported = {(key[0], key[1]) for key in hits}  # (rule, address) found on the resources as they are
    seen = set(diagnostics)
    for resource, blocks in opened.values():
        near = {id(resource): resource}
        for targets in resource.references.values():
            for target in targets:
                near.update((id(other), other) for other in by_config.get(target, ()))
        near.update((id(other), other) for other in referrers.get(resource.config_address, ()))
        # the rules of those resources' types only, in the library's order: a rule run indexes what it is given
        chosen = {id(rule): rule for other in near.values() for rule in by_type.get(other.type, ())}
        chosen.update((id(rule), rule) for rule in generic)
        applicable = sorted(chosen.values(), key=lambda rule: order[id(rule)])
        for names, rendered in _open_renderings(resource, blocks):
            outcomes: list[_HitMap] = []
            for values, unknown, sensitive in rendered:
                variant = replace(resource, values=values, unknown=unknown, sensitive=sensitive)
                found_errors: list[str] = []
                outcomes.append(
                    _run_state_rules(
                        applicable,
                        [variant if id(other) == id(resource) else other for other in near.values()],
                        found_errors,
                        check_unknown=True,  # both sides of an HCL diff hold unknown values (ADR 0475)
                        snapshot=Snapshot([variant if other is resource else other for other in resources]),
                    )
                )
                for error in found_errors:  # a rule failing on an outcome Terraform may render: said once
                    if error not in seen:
                        seen.add(error)
                        diagnostics.append(error)
            absent, present = outcomes[0], outcomes[-1]
            either.update((key[0], key[1]) for outcome in outcomes for key in outcome)
            everywhere = set.intersection(*({(key[0], key[1]) for key in outcome} for outcome in outcomes))
            with_block: dict[tuple[str, str], Folded] = {}
            for key, folded in present.items():
                with_block.setdefault((key[0], key[1]), folded)
            for key, folded in absent.items():
                pair = (key[0], key[1])
                if pair not in everywhere or pair in reported or key in hits:
                    continue
                rule = by_id[key[0]]
                hit = folded.final_hit(rule.title)
                text = hit.message or rule.title
                # scrubbed of the other outcome's sensitive values here: the finding is made on this one's
                other = with_block[pair]
                theirs = message_of(other.final_hit(rule.title).message or rule.title, other.resource, None)
                hits[key] = Folded(
                    replace(hit, message=_open_message(names, text, theirs)), folded.resource, [hit.path]
                )
            reported.update(everywhere)
    return either


def _open_renderings(
    resource: Resource, blocks: list[OpenBlock]
) -> list[tuple[tuple[str, ...], list[tuple[Any, Any, Any]]]]:
    """How a resource's open blocks are judged: (their types, the renderings, the first with no block and the last
    with one of each). One block: its two outcomes. Several: all together when they compose (ADR 0476), else each
    block apart, the others left unknown (ADR 0452)."""
    if len(blocks) > 1:
        together = renderings((resource.values, resource.unknown, resource.sensitive), blocks)
        if together is not None:
            return [(tuple(block.name for block in blocks), together)]
    return [
        (
            (block.name,),
            [
                (block.absent, block.absent_unknown, block.absent_sensitive),
                (block.present, block.present_unknown, block.present_sensitive),
            ],
        )
        for block in blocks
    ]


def _open_message(names: tuple[str, ...], text: str, theirs: str) -> str:
    """`text` (with no block rendered) followed by `theirs` (with blocks): one block as ADR 0452 words it."""
    if len(names) == 1:
        if theirs == text:
            return (
                f'{text}, whether dynamic "{names[0]}" renders blocks or not (its for_each is known only at plan time)'
            )
        return (
            f'{text} if dynamic "{names[0]}" renders no block, and {theirs} if it does (its for_each is known only '
            "at plan time)"
        )
    listed = ", ".join(f'"{name}"' for name in names[:-1]) + f' and "{names[-1]}"'
    if theirs == text:
        return f"{text}, whichever of dynamic {listed} render blocks (their for_each are known only at plan time)"
    return (
        f"{text} if dynamic {listed} render no block, and {theirs} if each renders one, and in every other "
        "combination too (their for_each are known only at plan time)"
    )


def _run_conditional_blocks(
    rules: list[Rule],
    resources: list[Resource],
    by_address: dict[str, ResourceChange],
    side: str,
    hits: _HitMap,
    diagnostics: list[str],
) -> None:
    """Each nested block that exists only when a caller sets root variables (ADR 0407) is reviewed apart: the
    resource's rules run on the resource with that block added, and only what they find inside the block is
    kept, conditional on its gate (the resource's condition and the block's). What they find elsewhere is the
    default configuration's, found already without the block: a block turning a protection on does not hide
    the finding that every caller leaving it off gets. A finding already made on the default is kept as is."""
    gated = [
        (resource, block)
        for resource in resources
        if (change := by_address.get(resource.address)) is not None
        for block in change.conditional_blocks
        if block.side == side
    ]
    if not gated:
        return
    found = _run_state_rules(
        rules,
        [
            replace(
                resource,
                values=block.values,
                unknown=block.unknown,
                sensitive=block.sensitive,
                condition=tuple(dict.fromkeys(resource.condition + block.condition)),
            )
            for resource, block in gated
        ],
        diagnostics,
        check_unknown=True,  # both sides of an HCL diff hold unknown values (ADR 0475)
        snapshot=Snapshot(resources),  # among the resources as they are by default
    )
    inside = {(resource.address, block.path) for resource, block in gated}
    for key, folded in found.items():
        address = folded.resource.address
        paths = [p for p in folded.paths if any((address, b) in inside and _within(p, b) for b in _prefixes(p))]
        if key in hits or not paths or (folded.hit.address or address) != address:
            continue
        hits[key] = Folded(folded.hit, folded.resource, paths)


def _prefixes(path: str) -> list[str]:
    """`logging.0.rule.2.days` → `logging.0`, `logging.0.rule.2` (the blocks, at any depth, a path lies in)."""
    parts = path.split(".")
    out = []
    for end in range(2, len(parts) + 1, 2):
        if not parts[end - 1].isdigit():
            break
        out.append(".".join(parts[:end]))
    return out


def _within(path: str, block: str) -> bool:
    return path == block or path.startswith(block + ".")


def _state_check(rule: Rule) -> StateCheck:
    check = rule.check
    assert check is not None  # state rules only
    return check


def _run_change_rules(
    rules: list[Rule],
    changes: list[ResourceChange],
    change_set: ChangeSet,
    diagnostics: list[str],
    maker: FindingMaker,
) -> list[Finding]:
    by_type, generic = _index(rules)
    findings: list[Finding] = []
    for_type = {type_name: applicable + generic for type_name, applicable in by_type.items()}
    # the rules of a (type, kind), chosen once per pair: a rule is called on the kinds it declares (`change_kinds`)
    chosen: dict[tuple[str, ChangeKind], list[Rule]] = {}
    for change in changes:
        kind = change.kind
        if kind is ChangeKind.NOOP or kind is ChangeKind.READ:
            continue
        pair = (change.type, kind)
        applicable = chosen.get(pair)
        if applicable is None:
            applicable = chosen[pair] = [
                rule
                for rule in for_type.get(change.type, generic)
                if not rule.change_kinds or kind in rule.change_kinds
            ]
        for rule in applicable:
            check = rule.check_change
            assert check is not None
            try:
                for hit in check(change, change_set):
                    side = "before" if kind is ChangeKind.DELETE else "after"
                    resource = _resource(change, side)
                    address = hit.address or change.address
                    findings.append(maker.make(rule, address, hit, resource, Status.INTRODUCED))
            except Exception as exc:
                diagnostics.append(str(RuleError(rule.id, change.address, exc)))
    return findings


def _sort_key(finding: Finding) -> tuple[int, int, str, str]:
    """The order of a review's findings: introduced, existing, resolved; worst first; then address and rule."""
    return (_STATUS_ORDER[finding.status], _SEVERITY_ORDER[finding.severity], finding.address, finding.rule_id)


def _paths(replace_paths: Sequence[Sequence[object]]) -> tuple[str, ...]:
    """A change's `replace_paths` as dotted paths (`["ingress", 0]` → `ingress.0`)."""
    return tuple(".".join(str(p) for p in path) for path in replace_paths)


def _change_entries(change_set: ChangeSet, radius: dict[str, BlastRadius]) -> list[ChangeEntry]:
    """The changes a review lists (not no-ops, reads or module calls), each with its blast radius: `_entry`'s
    record made in place, one call fewer for each of thousands of changes."""
    return [
        new_change_entry(
            c.address,
            c.type,
            kind,
            c.action_reason,
            _paths(c.replace_paths) if c.replace_paths else (),
            c.location,
            radius.get(c.address) if (deposed := c.deposed) is None else None,  # the current object stays
            deposed,
        )
        for c in change_set.changes
        if (kind := c.kind) not in _NOT_CHANGES and not (c.type == MODULE_CALL_TYPE and is_module_call(c))
    ]


def _entry(change: ResourceChange, blast: BlastRadius | None = None) -> ChangeEntry:
    paths = _paths(change.replace_paths) if change.replace_paths else ()
    return new_change_entry(
        change.address, change.type, change.kind, change.action_reason, paths, change.location, blast, change.deposed
    )


def _pair_rank(finding: Finding) -> tuple[int, int]:
    """The first two places of `_sort_key`: a finding's (status, severity) pair, by rank."""
    return (_STATUS_ORDER[finding.status], _SEVERITY_ORDER[finding.severity])


_KIND_VALUE = attrgetter("kind._value_")  # `_value_`: `.value` is a descriptor call on Python 3.11


def _counts(counted: list[Finding], suppressed: list[Finding], change_set: ChangeSet) -> dict[str, Any]:
    """The review's counts. `counted` is in `_sort_key`'s order: its findings of one (status, severity) pair are
    one run, whose end a binary search finds (ADR 0705)."""
    by_status = {s.value: 0 for s in Status}
    by_severity = {s.value: 0 for s in Severity}
    # at most 15 runs, each found in ~log2(n) key calls: `Counter` over `attrgetter` cost ~1,700 instructions a
    # finding (22 M at 10,000 resources); the changes by kind in C, in the order first met, as before
    start, total = 0, len(counted)
    while start < total:
        first = counted[start]
        status = first.status
        end = bisect_right(counted, _pair_rank(first), start, total, key=_pair_rank)
        by_status[status._value_] += end - start
        if status is not Status.RESOLVED:
            by_severity[first.severity._value_] += end - start
        start = end
    by_kind = dict(Counter(map(_KIND_VALUE, change_set.changes)))
    return {
        "findings": by_status,
        "severity": by_severity,
        "suppressed": len(suppressed),
        "changes": by_kind,
        "drift": len(change_set.drift),
        "imports": len(change_set.imports),
    }


def exit_code(result: Review, *, soft_fail: bool = False) -> int:
    """0 nothing at or above the threshold, 1 findings at or above it (documented in the CLI)."""
    if soft_fail:
        return 0
    return 1 if result.verdict is Verdict.FAIL else 0


def with_fingerprint(finding: Finding) -> str:
    return fingerprint(finding.rule_id, finding.address, finding.evidence.path)
