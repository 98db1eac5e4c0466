"""The change set: what a plan or a pair of HCL trees says will change, in one shape.

Every entry point turns its input into a `ChangeSet`; rules, the advisor and the renderers read
nothing else. Values keep the shape of plan JSON (`before`/`after` objects, nested blocks as lists
of objects) with the `after_unknown` and `*_sensitive` masks beside them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from typing import Any


class ChangeKind(StrEnum):
    """What happens to one resource, folded from Terraform's list of actions."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"  # delete then create, or create then delete
    READ = "read"
    NOOP = "no-op"
    FORGET = "forget"  # removed from state, the object is kept

    @classmethod
    def from_actions(cls, actions: tuple[str, ...]) -> ChangeKind:
        kind = _KINDS.get(actions)
        if kind is None:
            kind = _KINDS[actions] = cls._fold(actions)
        return kind

    @classmethod
    def _fold(cls, actions: tuple[str, ...]) -> ChangeKind:
        if "delete" in actions and "create" in actions:
            return cls.REPLACE
        if "forget" in actions:
            return cls.FORGET if "create" not in actions else cls.CREATE
        if actions == ("no-op",) or not actions:
            return cls.NOOP
        for name in ("delete", "create", "update", "read"):
            if name in actions:
                return cls(name)
        return cls.NOOP

    @property
    def destroys(self) -> bool:
        return self in (ChangeKind.DELETE, ChangeKind.REPLACE)


_KINDS: dict[tuple[str, ...], ChangeKind] = {}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a resource is written: a file relative to the scanned root and a 1-based line range."""

    file: str
    line: int
    end_line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class InlineSuppression:
    """A `# tfreview:ignore=ID reason` (or checkov/tfsec/trivy) comment in the source."""

    rule: str  # an id, a long id, or a peer id (CKV_AWS_20, AVD-AWS-0086, aws-s3-...)
    reason: str
    location: Location
    expires: str | None = None  # ISO date
    attribute: str | None = None  # set when the comment sits on an attribute line
    # whose syntax it was written in: "tfreview", "checkov", "tfsec" or "trivy" — or "unread" for a comment that
    # looks like one but that no syntax accepts (`tfreview:ignore TFR-AWS-001`, `rule` then holds its text): it
    # suppresses nothing and the review says so in a notice (ADR 0746). Not part of the equality: the id and the
    # place say which suppression it is.
    syntax: str = field(default="tfreview", compare=False)


@dataclass(frozen=True, slots=True)
class ConditionalBlock:
    """HCL mode: a resource's nested block that exists only when a caller sets root variables (a `dynamic`
    block whose `for_each` their defaults leave empty, ADR 0407). Not in the resource's values: `values` and
    `unknown` are the resource's values of `side` with this one block added at `path` (`ingress.2`), read apart."""

    side: str  # "before" or "after"
    path: str
    values: Any
    unknown: Any
    sensitive: Any  # the mask of `values`, as `before_sensitive`/`after_sensitive` of the resource's
    condition: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpenBlock:
    """HCL mode: a resource's `dynamic` block whose `for_each` is known only at plan time (ADR 0452). Terraform
    renders no block of it or blocks of its content; the resource's values keep it unknown. `absent` and
    `present` are the resource's values of `side` with none and with one block of the content at `path`
    (`rule.0`), each with its unknown and sensitive masks; `name` is the block's type."""

    side: str  # "before" or "after"
    path: str
    name: str
    absent: Any
    absent_unknown: Any
    absent_sensitive: Any
    present: Any
    present_unknown: Any
    present_sensitive: Any


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """One resource's change. `before`/`after` are None where the object does not exist."""

    address: str
    type: str
    name: str
    actions: tuple[str, ...]
    before: Any = None
    after: Any = None
    after_unknown: Any = None
    before_sensitive: Any = None
    after_sensitive: Any = None
    mode: str = "managed"
    module_address: str | None = None
    provider: str = ""
    index: Any = None
    action_reason: str | None = None
    replace_paths: tuple[tuple[str | int, ...], ...] = ()
    previous_address: str | None = None
    location: Location | None = None
    references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prevent_destroy: bool | None = None  # None: the configuration does not say
    suppressions: tuple[InlineSuppression, ...] = ()
    # what the user wrote: the plan `configuration` expressions of this resource (None when the plan
    # has no configuration section; HCL mode leaves it None, an unwritten attribute is absent there)
    configured: Any = None
    # HCL mode: top-level attribute → the text its unknown (after) value is known to start with (ADR 0330)
    known_prefixes: Mapping[str, str] = field(default_factory=dict)
    # HCL mode: the variables whose declared defaults leave this resource out; it exists only when a caller
    # sets them (a module's optional feature, ADR 0360). Empty for everything else, and in plan mode.
    condition: tuple[str, ...] = ()
    # HCL mode: nested blocks that exist only when a caller sets root variables, reviewed apart (ADR 0407)
    conditional_blocks: tuple[ConditionalBlock, ...] = ()
    # HCL mode: `dynamic` blocks whose `for_each` is unknown, with and without a block, judged both ways (ADR 0452)
    open_blocks: tuple[OpenBlock, ...] = ()
    # HCL mode: the base side's own unknown mask and known prefixes, as `after_unknown` and `known_prefixes` are
    # the head's (ADR 0475). None and empty in plan mode: the before side is the state, known in full.
    before_unknown: Any = None
    before_known_prefixes: Mapping[str, str] = field(default_factory=dict)
    # plan mode: the deposed key of an object an unfinished create-before-destroy replace left behind (Terraform's
    # `deposed`); the change is that old object's, and the current object at the same address is another change
    deposed: str | None = None

    kind: ChangeKind = field(init=False, repr=False, compare=False)  # folded from `actions` once

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ChangeKind.from_actions(self.actions))

    @property
    def config_address(self) -> str:
        """The address without instance keys: `module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b`."""
        return strip_index(self.address)


class _ResourceChangeDraft(ResourceChange):
    """A ResourceChange while `new_resource_change` fills it: the same layout (no slot of its own), with plain
    attribute stores where the frozen class raises; filled, it becomes a ResourceChange (`__class__` set, which
    the same layout allows). 28 plain stores cost about a third of 28 slot-descriptor `__set__` calls (ADR 0430)."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__


def new_resource_change(
    address: str,
    type: str,
    name: str,
    actions: tuple[str, ...],
    before: Any,
    after: Any,
    after_unknown: Any,
    before_sensitive: Any,
    after_sensitive: Any,
    mode: str,
    module_address: str | None,
    provider: str,
    index: Any,
    action_reason: str | None,
    replace_paths: tuple[tuple[str | int, ...], ...],
    previous_address: str | None,
    references: Mapping[str, tuple[str, ...]],
    configured: Any,
    deposed: str | None = None,
) -> ResourceChange:
    """`ResourceChange(...)` (no location, suppressions or prefixes: what a plan gives) for the plan reader, which
    makes one per resource, tens of thousands per plan: a frozen dataclass's `__init__` looks `object.__setattr__`
    up for each of its 28 fields; this fills a `_ResourceChangeDraft` with plain stores. The same object, equal
    and hashing alike (tests/unit/test_plan_json.py)."""
    change: Any = object.__new__(_ResourceChangeDraft)  # Any: mypy sees the frozen fields, not the stores
    change.address = address
    change.type = type
    change.name = name
    change.actions = actions
    change.before = before
    change.after = after
    change.after_unknown = after_unknown
    change.before_sensitive = before_sensitive
    change.after_sensitive = after_sensitive
    change.mode = mode
    change.module_address = module_address
    change.provider = provider
    change.index = index
    change.action_reason = action_reason
    change.replace_paths = replace_paths
    change.previous_address = previous_address
    change.location = None
    change.references = references
    change.prevent_destroy = None
    change.suppressions = ()
    change.configured = configured
    change.known_prefixes = {}
    change.condition = ()
    change.conditional_blocks = ()
    change.open_blocks = ()
    change.before_unknown = None
    change.before_known_prefixes = {}
    change.deposed = deposed
    kind = _KINDS.get(actions)
    change.kind = kind if kind is not None else ChangeKind.from_actions(actions)
    change.__class__ = ResourceChange
    made: ResourceChange = change
    return made


def is_provider_configuration(change: ResourceChange) -> bool:
    """A `provider` block read as the pseudo resource `[module.].provider.<name>[.<alias>]` of type
    `<name>_provider` (plan and HCL mode): rules read it, but it is not a resource of the change."""
    if not change.type.endswith("_provider"):
        return False
    name = re.escape(change.type.removesuffix("_provider"))
    return re.search(rf"(^|\.)provider\.{name}(\.[^.]+)?$", strip_index(change.address)) is not None


def strip_index(address: str) -> str:
    """`module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b` (a key may hold dots and brackets)."""
    if "[" not in address:
        return address  # the common case, on every reference of a plan's configuration: no copy, no loop
    if '"' not in address and _plain_keys().fullmatch(address):
        # unquoted keys (`count`'s numbers), each `[…]` closed before the next opens: what the walk below gives,
        # without a Python step per character (it runs for every instance in a plan, several µs each)
        return _key().sub("", address)
    return _walk_keys(address)


def instance_key(key: str | int) -> str:
    r"""`0` → `[0]`; `"a"` → `["a"]`, quoted as Terraform writes addresses (ADR 0594): as HCL quotes a string
    (`internal/addrs/instance_key.go`, `toHCLQuotedString`), not as JSON does, so that HCL mode and a plan name an
    instance alike. `${`/`%{` doubled, a character Go does not print as `\uXXXX` (`\UXXXXXXXX` past the BMP).

    >>> print(instance_key("${x}"), instance_key("nb\u00a0sp"), instance_key('q"uote'), instance_key(0))
    ["$${x}"] ["nb\u00a0sp"] ["q\"uote"] [0]
    """
    if isinstance(key, int):
        return f"[{key}]"
    if key.isprintable() and not any(mark in key for mark in _QUOTED_MARKS):
        return f'["{key}"]'  # the common case: nothing to escape
    return "[" + _hcl_quoted(key) + "]"


_QUOTED_MARKS = ('"', "\\", "${", "%{")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def _hcl_quoted(text: str) -> str:
    out = ['"']
    for position, char in enumerate(text):
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char in "$%":
            out.append(char * 2 if text.startswith("{", position + 1) else char)
        elif not char.isprintable():  # Python's and Go's `unicode.IsPrint` agree: categories C and Z but U+0020
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


@cache
def _plain_keys() -> re.Pattern[str]:
    return re.compile(r"(?:[^\[\]]*\[[^\[\]]*\])*[^\[\]]*")


@cache
def _key() -> re.Pattern[str]:
    return re.compile(r"\[[^\[\]]*\]")


def _walk_keys(address: str) -> str:
    """`strip_index` of any address: a quoted key may hold dots and brackets, and `\\"` or `\\\\` (Terraform quotes a
    key as HCL does)."""
    out: list[str] = []
    depth = 0
    quoted = escaped = False
    for char in address:
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth:
            if char == '"':
                quoted = True
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the review saw and what it did not — never a silent partial review."""

    resources_total: int = 0  # resources and data sources; provider configurations are not resources
    resources_reviewed: int = 0  # managed resources the rules ran on
    resources_covered: int = 0  # of those, the ones of a type at least one selected rule checks
    uncovered_types: tuple[str, ...] = ()  # managed types no selected rule checks
    files_parsed: tuple[str, ...] = ()
    files_skipped: tuple[tuple[str, str], ...] = ()  # (file, reason)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Everything a review reads. `drift` is reported apart and never mixed into `changes`."""

    changes: list[ResourceChange]
    source: str = "plan"  # "plan" | "hcl"
    drift: list[ResourceChange] = field(default_factory=list)
    format_version: str | None = None
    terraform_version: str | None = None
    coverage: Coverage = field(default_factory=Coverage)
    output_changes: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""  # the path or ref the change set came from, for display
    # values the source calls sensitive (HCL `sensitive = true` variables and outputs): hidden wherever they occur
    sensitive_values: frozenset[str] = frozenset()
    # node → the nodes its configuration refers to (resources, data sources, outputs, module inputs by
    # configuration address): what the blast radius of a destroy is computed from (core/blast.py)
    dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # the resources the plan imports (Terraform's `importing`, from `import` blocks): an object that exists already
    # and comes under management, with the id it is imported by (None when the plan does not say)
    imports: tuple[tuple[str, str | None], ...] = ()

    def with_notes(self, notes: Iterable[str]) -> ChangeSet:
        """The same change set with `notes` added to its coverage (a new value: this one is frozen)."""
        return replace(self, coverage=replace(self.coverage, notes=(*self.coverage.notes, *notes)))

    def resource_types(self) -> frozenset[str]:
        """The resource types of the changes and the drift: the rules a review needs are theirs."""
        return frozenset(c.type for c in self.changes) | frozenset(c.type for c in self.drift)
