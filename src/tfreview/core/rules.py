"""What a rule is, and the views of resources it checks.

Two kinds of rule:

* a **state rule** looks at one resource as it is on one side of the change (`check(resource,
  snapshot)`); the engine runs it on `before` and on `after` and compares, which is how a finding
  becomes *introduced*, *existing* or *resolved*;
* a **change rule** looks at the change itself (`check_change(change, change_set)`): a destroyed
  database, a widened security group. Its findings are always *introduced*.

A rule yields `Hit`s. A hit whose attribute path is unknown at plan time is dropped by the engine,
so a rule never fires on a value Terraform does not know yet — unless the hit says `unset=True` and the
configuration shows the user did not write the attribute at all: then the provider's default applies
and the rule judged that default (`Resource.setting` tells the three cases apart).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar, cast

from tfreview.core.plan import ChangeKind, ChangeSet, Location, ResourceChange, strip_index
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, lookup, split_path, written


class Setting(StrEnum):
    """How an attribute got its value on one side of a change."""

    SET = "set"  # the user wrote a value that is known
    UNSET = "unset"  # the user did not write it: the provider's default applies
    UNKNOWN = "unknown"  # the user wrote an expression known only after apply


@dataclass(frozen=True, slots=True, init=False)
class Hit:
    """One problem a rule found on a resource.

    Built by `__new__` with plain stores into a `_HitDraft` (the same layout), then given its class: the frozen
    dataclass `__init__`'s eight `object.__setattr__` calls cost about three times as much, on thousands of hits a
    review (ADR 0464). Equal, hashing, frozen and `replace`-able as the dataclass it is."""

    path: str = ""  # attribute path, dotted: `ingress.0.cidr_blocks`
    message: str | None = None  # overrides the rule's title when set
    value: Any = None  # the offending value, redacted before it is shown
    address: str | None = None  # for a rule on one resource that blames another
    severity: Severity | None = None  # overrides the rule's severity for this hit (a policy override wins)
    unset: bool = False  # the hit judges the provider default of an attribute the user did not write
    also: tuple[str, ...] = ()  # other names (Checkov/Trivy ids) of the subsumed rules this hit stands for
    # a hit about several parts of its item (a policy document's statements), of which a subsuming rule's hit covers
    # only some: per subsuming rule id, the words of this hit about those parts (None: it says nothing of them) and
    # this hit without them (None: nothing remains). The subsuming hit takes the words as a facet and the rest stays
    # a finding of its own (core/folding.py, ADR 0730); without an entry the whole hit is subsumed.
    apart: tuple[tuple[str, str | None, Hit | None], ...] = ()

    def __new__(
        cls,
        path: str = "",
        message: str | None = None,
        value: Any = None,
        address: str | None = None,
        severity: Severity | None = None,
        unset: bool = False,
        also: tuple[str, ...] = (),
        apart: tuple[tuple[str, str | None, Hit | None], ...] = (),
    ) -> Hit:
        hit: Any = _object_new(_HitDraft)  # Any: mypy sees the frozen fields, not the stores
        hit.path = path
        hit.message = message
        hit.value = value
        hit.address = address
        hit.severity = severity
        hit.unset = unset
        hit.also = also
        hit.apart = apart
        hit.__class__ = cls
        made: Hit = hit
        return made


_object_new = object.__new__


class _HitDraft(Hit):
    """A Hit while `Hit.__new__` fills it: no slot of its own, plain attribute stores where the frozen class
    raises (as core/plan.py's `_ResourceChangeDraft`, ADR 0430)."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__


@dataclass(slots=True)
class Resource:
    """A resource as it is on one side of a change."""

    address: str
    type: str
    name: str
    values: Mapping[str, Any]
    unknown: Any = None
    sensitive: Any = None
    location: Location | None = None
    references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    module_address: str | None = None
    provider: str = ""
    # what the user wrote (plan JSON `configuration` expressions); None: unknown, so every unknown
    # value is taken for an expression (HCL mode needs none: an unwritten attribute is simply absent)
    configured: Any = None
    # attribute → the text its unknown string value is known to start with (HCL mode, ADR 0330)
    known_prefixes: Mapping[str, str] = field(default_factory=dict)
    # the variables whose defaults leave it out: it exists only when a caller sets them (HCL mode, ADR 0360)
    condition: tuple[str, ...] = ()

    def get(self, path: str) -> Any:
        """The value at `path`: UNKNOWN if known only after apply, None if absent."""
        values = self.values
        if type(values) is dict and type(path) is str and path and "." not in path and not path.isdigit():
            # a top-level attribute, most of what rules read (tens of thousands of times a review): `lookup`'s
            # own first case, without its call
            unknown = self.unknown
            if not unknown:
                return values.get(path)
            if type(unknown) is dict:
                return UNKNOWN if unknown.get(path) is True else values.get(path)
        return lookup(values, self.unknown, path)

    def known(self, path: str) -> bool:
        return self.get(path) is not UNKNOWN

    def setting(self, path: str) -> Setting:
        """Set by the user, unset (the provider default applies), or an expression unknown until apply."""
        return self.setting_of(path, self.get(path))

    def setting_of(self, path: str, value: Any) -> Setting:
        """`setting(path)` for `value`, the value already looked up at `path` (one look-up, not two)."""
        if value is UNKNOWN:
            if self.configured is None or written(self.configured, path) or self._dynamic(path):
                return Setting.UNKNOWN
            return Setting.UNSET
        if value is None or value in ([], {}):
            return Setting.UNSET  # absent, `null` (Terraform's "not set") or an absent block
        return Setting.SET

    def _dynamic(self, path: str) -> bool:
        """A block the plan has but the configuration does not show: written by a `dynamic` block, which a
        plan's `configuration` leaves out (hashicorp/terraform#28346). Never take its contents for unset."""
        keys = split_path(path)
        for end in range(1, len(keys)):
            if not written(self.configured, keys[:end]):
                block = lookup(self.values, None, keys[:end])
                return isinstance(block, (list, Mapping)) and bool(block)
        return False

    def refs(self, attribute: str) -> tuple[str, ...]:
        """Addresses (without index) of resources the attribute's expression refers to."""
        return self.references.get(attribute, ())

    def blocks(self, path: str) -> list[Mapping[str, Any]]:
        """Nested blocks at `path` as a list of objects (empty if absent or unknown)."""
        value = self.get(path)
        if isinstance(value, list):
            return [item for item in value if isinstance(item, Mapping)]
        if isinstance(value, Mapping):
            return [value]
        return []

    @property
    def config_address(self) -> str:
        return strip_index(self.address)


_new_object = object.__new__


def resource_of(change: ResourceChange, side: str) -> Resource:
    """`change` as a Resource on `side` ("after", else the before side): `Resource(...)`'s fields stored in place,
    without the dataclass `__init__` call (about a third of the cost, once per resource and side of a review,
    ADR 0502). The same object, equal to the one `Resource(...)` makes (tests/unit/test_review_unchecked_types.py)."""
    resource = _new_object(Resource)
    resource.address = change.address
    resource.type = change.type
    resource.name = change.name
    if side == "after":
        resource.values = change.after or {}
        resource.unknown = change.after_unknown
        resource.sensitive = change.after_sensitive
        resource.configured = change.configured
        resource.known_prefixes = change.known_prefixes
    else:
        resource.values = change.before or {}
        resource.unknown = change.before_unknown  # HCL: the base side's own mask (ADR 0475); plan: None, all known
        resource.sensitive = change.before_sensitive
        resource.configured = None
        resource.known_prefixes = change.before_known_prefixes
    resource.location = change.location
    resource.references = change.references
    resource.module_address = change.module_address
    resource.provider = change.provider
    resource.condition = change.condition
    return resource


_LinkIndex = tuple[dict[str, list["Resource"]], dict[Any, list["Resource"]]]
_TargetIndex = tuple[dict[str, list["Resource"]], dict[Any, list["Resource"]], dict[int, int]]
_T = TypeVar("_T")


class Snapshot:
    """All resources on one side of the change, for rules that look across resources."""

    def __init__(self, resources: Iterable[Resource], unbuilt: Callable[[str], list[Resource]] | None = None) -> None:
        """`unbuilt`: the side's resources of a type that `resources` leaves out, built when a rule first asks for
        that type (the types no rule checks, most of a plan, are then never built: ADR 0502)."""
        self._by_type: dict[str, list[Resource]] = {}
        self._unbuilt = unbuilt
        self._links: dict[tuple[str, str], _LinkIndex] = {}
        self._targets: dict[tuple[str, tuple[str, ...]], _TargetIndex] = {}
        self._memo: dict[tuple[str, ...], object] = {}
        self._per_resource: dict[tuple[str, int], tuple[Resource, object]] = {}
        # set by every look across the side (`of_type` and what is built on it, `memo`): the review clears it before
        # a resource's checks and reads it after, to know that they read that resource alone (ADR 0648)
        self.read = False
        for resource in resources:
            self._by_type.setdefault(resource.type, []).append(resource)

    def of_type(self, *types: str) -> Iterator[Resource]:
        self.read = True
        for type_name in types:
            found = self._by_type.get(type_name)
            if found is None and self._unbuilt is not None:
                found = self._by_type[type_name] = self._unbuilt(type_name)
            yield from found or ()

    def linked(
        self, target: Resource, other_type: str, attribute: str, target_attributes: tuple[str, ...] = ("id",)
    ) -> list[Resource]:
        """Resources of `other_type` whose `attribute` points at `target`.

        They point at it by reference in the configuration (`bucket = aws_s3_bucket.b.id`) or by
        an equal known value (the bucket's id, name or arn).
        """
        self.read = True
        by_ref, by_value = self._link_index(other_type, attribute)
        found = list(by_ref.get(target.config_address, ()))
        for name in target_attributes:
            value = target.get(name)
            if value is None or value is UNKNOWN or not isinstance(value, (str, int)):
                continue
            for other in by_value.get(value, ()):
                if other not in found:
                    found.append(other)
        return [other for other in found if coexists(other, target)]

    def targets(
        self, source: Resource, target_type: str, attribute: str, target_attributes: tuple[str, ...] = ("id",)
    ) -> list[Resource]:
        """The reverse of `linked`: resources of `target_type` that `source`'s `attribute` points at, in
        snapshot order. `t in targets(s, T, a, names)` exactly when `s in linked(t, s.type, a, names)`;
        one index per (type, names) built once, so a rule run on every resource stays linear."""
        self.read = True
        by_address, by_value, order = self._target_index(target_type, target_attributes)
        found: dict[int, Resource] = {}
        for ref in source.refs(attribute):
            for target in by_address.get(ref, ()):
                found[id(target)] = target
        value = source.get(attribute)
        if isinstance(value, (str, int)):
            for target in by_value.get(value, ()):
                found[id(target)] = target
        return sorted((t for t in found.values() if coexists(t, source)), key=lambda target: order[id(target)])

    def present_with(self, resource: Resource, *types: str) -> Iterator[Resource]:
        """`of_type(*types)` less what exists only when a caller sets variables `resource` does not need:
        what a rule may count on whenever `resource` exists (see `coexists`)."""
        self.read = True
        return (other for other in self.of_type(*types) if coexists(other, resource))

    def _target_index(self, target_type: str, names: tuple[str, ...]) -> _TargetIndex:
        key = (target_type, names)
        index = self._targets.get(key)
        if index is None:
            by_address: dict[str, list[Resource]] = {}
            by_value: dict[Any, list[Resource]] = {}
            order: dict[int, int] = {}
            for position, target in enumerate(self.of_type(target_type)):
                order[id(target)] = position
                by_address.setdefault(target.config_address, []).append(target)
                for name in names:
                    value = target.get(name)
                    if value is not None and value is not UNKNOWN and isinstance(value, (str, int)):
                        bucket = by_value.setdefault(value, [])
                        if not bucket or bucket[-1] is not target:
                            bucket.append(target)
            index = self._targets[key] = (by_address, by_value, order)
        return index

    def position(self, resource: Resource) -> int:
        """Where `resource` stands among the snapshot's resources of its type (the order `of_type` gives)."""
        self.read = True
        return self._target_index(resource.type, ())[2][id(resource)]

    def memo(self, key: tuple[str, ...], compute: Callable[[], _T]) -> _T:
        """A result computed once per snapshot (a check run on every resource must not rescan them all)."""
        self.read = True
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(_T, self._memo[key])

    def of_resource(self, name: str, resource: Resource, compute: Callable[[Resource], _T]) -> _T:
        """`compute(resource)`, computed once per resource while the snapshot lives: a fact several rules read of
        the same resource (its IAM policy documents, ADR 0471). Kept by the resource's identity, the entry holding
        the resource so that its id names no other meanwhile; a variant of a resource (the conditional-block pass,
        ADR 0407) is another object, so another entry. Not kept when `compute` raises. `compute` reads `resource`
        alone, so this is no look across the side (`read` is left as it is)."""
        key = (name, id(resource))
        held = self._per_resource.get(key)
        if held is None or held[0] is not resource:
            held = self._per_resource[key] = (resource, compute(resource))
        return cast(_T, held[1])

    def _link_index(self, other_type: str, attribute: str) -> _LinkIndex:
        key = (other_type, attribute)
        index = self._links.get(key)
        if index is None:
            by_ref: dict[str, list[Resource]] = {}
            by_value: dict[Any, list[Resource]] = {}
            for other in self.of_type(other_type):
                for ref in other.refs(attribute):
                    by_ref.setdefault(ref, []).append(other)
                value = other.get(attribute)
                if isinstance(value, (str, int)):
                    by_value.setdefault(value, []).append(other)
            index = self._links[key] = (by_ref, by_value)
        return index


def coexists(other: Resource, resource: Resource) -> bool:
    """True when `other` exists whenever `resource` does: it is unconditional, or conditional on variables
    `resource` is conditional on too. A bucket's versioning gated off by default does not count for a bucket
    every caller gets: the default configuration lacks it (ADR 0361)."""
    return not other.condition or set(other.condition) <= set(resource.condition)


@dataclass(frozen=True, slots=True)
class References:
    """A rule's names in other tools, by kind, so suppressions written for them keep working.

    Iterating gives every id (Checkov, then Trivy, then aliases), as suppressions match any of them.
    """

    checkov: tuple[str, ...] = ()  # CKV_AWS_20, CKV2_AWS_6
    trivy: tuple[str, ...] = ()  # AVD-AWS-0086 and Trivy/tfsec long ids (aws-s3-block-public-acls)
    aliases: tuple[str, ...] = ()  # former names of this rule (a renamed long id)

    def __iter__(self) -> Iterator[str]:
        yield from self.checkov
        yield from self.trivy
        yield from self.aliases

    def __len__(self) -> int:
        return len(self.checkov) + len(self.trivy) + len(self.aliases)


StateCheck = Callable[[Resource, Snapshot], Iterable[Hit]]
ChangeCheck = Callable[[ResourceChange, ChangeSet], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's metadata and its check. One rule per module, exported as `RULE`."""

    id: str  # stable, never reused: TFR-AWS-001
    long_id: str  # readable and stable too: aws-s3-no-public-read-acl
    title: str  # one sentence, what is wrong
    severity: Severity
    provider: str  # aws | azure | gcp | kubernetes | terraform | change
    category: str  # encryption | networking | iam | logging | backup | secrets | general | change
    resource_types: tuple[str, ...]  # empty: every type
    remediation: str
    description: str = ""
    references: References = References()  # peer ids by kind: Checkov, Trivy, aliases
    check: StateCheck | None = None
    check_change: ChangeCheck | None = None
    examples_file: str | None = None  # set by the catalog: path of the sibling examples file
    # the provider defaults the check relies on, as (attribute path, default in HCL words)
    defaults: tuple[tuple[str, str], ...] = ()
    declarative: bool = False  # written as a TOML rule file rather than a Python module
    # ids of rules whose hits on the same item this rule's hit includes (one cause, one finding):
    # they stay silent there and their messages become facets of this one (core/folding.py)
    subsumes: tuple[str, ...] = ()
    # a change rule: the kinds of change its check can report on; the review does not call it on the others (a
    # create, most of a plan, calls no rule that judges only destroys). Empty: every kind.
    change_kinds: tuple[ChangeKind, ...] = ()
    # the check reads `Resource.configured` (what the user wrote, which only the after side carries): its hits on
    # an unchanged resource's after side are never taken for its before side's (ADR 0648)
    reads_configuration: bool = False

    @property
    def kind(self) -> str:
        return "change" if self.check_change is not None else "state"

    def names(self) -> frozenset[str]:
        """Every name a suppression may use for this rule."""
        return frozenset({self.id, self.long_id, *self.references})
