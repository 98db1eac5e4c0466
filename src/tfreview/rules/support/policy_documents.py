"""IAM policy documents as rules see them (not a rule: it exports no RULE).

A plan carries a policy as a JSON string (`policy`, `assume_role_policy`, `inline_policy.*.policy`);
HCL carries it as `jsonencode({...})`, which the HCL reader turns into the same JSON string. A
document whose text is unknown at plan time, or is not JSON, yields no statements; one written in HCL with some
values known only after apply (`Resource = aws_s3_bucket.x.arn`) yields its statements with those elements
matching nothing (a `PartlyKnownJson`), and the coverage names them (ADR 0635).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from tfreview.core.rules import Hit, Resource, Snapshot
from tfreview.core.values import UNKNOWN, PartlyKnownJson
from tfreview.plumbing.json_documents import read_written_json

# resources that carry an identity (permissions) policy; `data.aws_iam_policy_document` is not one of them
IDENTITY_POLICY_TYPES: Final = (
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
    "aws_ssoadmin_permission_set_inline_policy",  # an IAM Identity Center permission set's `inline_policy`
)

# Actions that support no resource-level permission (AWS Service Authorization Reference: no resource type),
# so "*" is the only resource they can have. Deliberately small and exact, lower-cased: a wildcard action such
# as `ec2:Describe*` is never in it, because a pattern usually reaches actions that can be restricted.
UNRESTRICTABLE_ACTIONS: Final = frozenset(
    {
        "sts:getcalleridentity",
        "s3:listallmybuckets",
        "ecr:getauthorizationtoken",
        "cloudwatch:putmetricdata",
        "cloudwatch:getmetricdata",
        "cloudwatch:listmetrics",
        "xray:puttracesegments",
        "xray:puttelemetryrecords",
        "xray:getsamplingrules",
        "xray:getsamplingtargets",
        "kms:listkeys",
        "kms:listaliases",
        "sqs:listqueues",
        "sns:listtopics",
        "lambda:listfunctions",
        "tag:getresources",
        "ec2:describeregions",
        "ec2:describeavailabilityzones",
        "iam:listroles",
        "iam:listpolicies",
        "iam:getaccountsummary",
    }
)


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    effect: str  # "Allow" | "Deny"
    actions: tuple[str, ...]  # lower-cased, for comparing (IAM action names are case-insensitive)
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    principals: tuple[str, ...]  # "*" for anyone; otherwise ARNs, service names, account ids
    has_condition: bool
    # condition keys (lower-cased) a request must match for the statement to apply: tested by a positive operator
    # without IfExists, on a value that is not a pure wildcard (`required_keys`)
    required_keys: frozenset[str] = frozenset()
    # the actions as the user wrote them (same order as `actions`, then `not_actions`): messages quote these
    written: tuple[str, ...] = ()
    # read from the fields above once, when the statement is made (every IAM rule asks them of every statement)
    allows: bool = field(init=False)  # an Allow (a statement without `Effect` is one)
    any_action: bool = field(init=False)  # "*" or "*:*" (`every_action`) among the actions, or a NotAction
    any_resource: bool = field(init=False)  # "*" among the resources, or a NotResource
    any_principal: bool = field(init=False)  # "*" among the principals

    def __post_init__(self) -> None:
        object.__setattr__(self, "allows", self.effect.lower() == "allow")
        object.__setattr__(self, "any_action", any(map(every_action, self.actions)) or bool(self.not_actions))
        object.__setattr__(self, "any_resource", "*" in self.resources or bool(self.not_resources))
        object.__setattr__(self, "any_principal", "*" in self.principals)

    def as_written(self, action: str) -> str:
        """`s3:getobject` as the user spelled it (`s3:GetObject`)."""
        for folded, text in zip((*self.actions, *self.not_actions), self.written, strict=False):
            if folded == action:
                return text
        return action


@dataclass(slots=True, eq=False)
class PolicyDocument:
    """A policy document read and normalised once (cached by its text, ADR 0449): its statements, the Allow
    statements on "*" resources, and the hit each rule makes of it, which depends on the document alone. Shared
    by every reader: never change it (not frozen only because a frozen dataclass is several times slower to make,
    and most documents of a plan are made once and read by eight rules)."""

    statements: tuple[Statement, ...]
    # the Allow statements on `"*"` resources (or with NotResource), in document order
    unconstrained: tuple[Statement, ...]
    _hits: dict[tuple[Hashable, ...], Hit | None] = field(default_factory=dict, repr=False)
    # (the statements a leading rule reports, the others) as documents of their own, by the rule's test (`parted`)
    _parts: dict[Callable[[Statement], bool], tuple[PolicyDocument, PolicyDocument]] = field(
        default_factory=dict, repr=False
    )

    def hit(self, path: str, judge: Callable[..., str | None], *args: Hashable) -> Hit | None:
        """`Hit(path, judge(self, *args))`, or None when the judge says nothing: judged once per document and path,
        the hit kept with the document (hits are frozen, so resources with the same document share it). `judge`
        must be a module-level function (it is part of the memo's key with `args`): a lambda made per call would
        never be found again."""
        key = (judge, path, *args)
        found = self._hits.get(key, _UNJUDGED)
        if found is _UNJUDGED:
            message = judge(self, *args)
            found = self._hits[key] = None if message is None else Hit(path, message)
        return found

    def parted(self, reports: Callable[[Statement], bool]) -> tuple[PolicyDocument, PolicyDocument]:
        """(the statements `reports` holds true of, the others), each a document of its own keeping the statements'
        indexes, made once per test (`reports` must be a module-level function)."""
        found = self._parts.get(reports)
        if found is None:
            led = tuple(s for s in self.statements if reports(s))
            found = self._parts[reports] = (
                (
                    PolicyDocument(led, tuple(s for s in self.unconstrained if s in led)),
                    PolicyDocument(
                        tuple(s for s in self.statements if s not in led),
                        tuple(s for s in self.unconstrained if s not in led),
                    ),
                )
                if led
                else (_NO_STATEMENT, self)  # most documents: no new one
            )
        return found

    def hit_apart(self, path: str, judge: Callable[..., str | None], leaders: Leaders, *args: Hashable) -> Hit | None:
        """`hit`, with an `apart` entry (core/rules.py) for each of the `leaders` that reports some statement of the
        document: what `judge` says of those statements (a facet of the leader's finding) and, judged the same way,
        of the others (a finding of its own). One statement, one finding; other statements keep theirs (ADR 0730)."""
        key = (_APART, leaders, judge, path, *args)
        found = self._hits.get(key, _UNJUDGED)
        if found is _UNJUDGED:
            found = self.hit(path, judge, *args)
            if found is not None and found.message is not None:
                found = self._apart(path, judge, leaders, found.message, args)
            self._hits[key] = found
        return found

    def _apart(
        self, path: str, judge: Callable[..., str | None], leaders: Leaders, message: str, args: tuple[Hashable, ...]
    ) -> Hit:
        """The hit saying `message`, with an entry for every leader: one that reports none of the statements takes
        nothing, and what remains for the leaders after it keeps their entries (a hit without an entry for a rule
        that subsumes it would be taken whole, core/folding.py)."""
        entries: list[tuple[str, str | None, Hit | None]] = []
        for index, (leader, reports) in enumerate(leaders):
            led, rest = self.parted(reports)
            if led.statements:
                entries.append((leader, judge(led, *args), rest.hit_apart(path, judge, leaders, *args)))
            else:
                others = leaders[:index] + leaders[index + 1 :]
                entries.append((leader, None, self._apart(path, judge, others, message, args)))
        return Hit(path, message, apart=tuple(entries))


# leading rules, each with the test of the statements its finding reports: another rule's words on those statements
# are a facet of its finding (`PolicyDocument.hit_apart`, ADR 0730); module-level tests, as they key memos
Leaders = tuple[tuple[str, Callable[[Statement], bool]], ...]
_APART: Final = "apart"  # a memo key's mark: the hit with its `apart` entries
_NO_STATEMENT: Final = PolicyDocument((), ())  # what `parted` finds for a leader reporting no statement
_UNJUDGED: Final = Hit("unjudged")  # a marker: `PolicyDocument.hit` has not judged that key yet


def every_action(pattern: str) -> bool:
    """Whether an action pattern covers every action of every service: `*`, `*:*`, and the same written with more
    stars (`**`, `*:**`), as IAM's `*` matches any run of characters."""
    service, _, name = pattern.partition(":")
    return set(service) == {"*"} and set(name or "*") == {"*"} and pattern.count(":") <= 1


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _principals(value: Any) -> tuple[str, ...]:
    if value == "*":
        return ("*",)
    if isinstance(value, Mapping):
        out: list[str] = []
        for kind in value.values():
            out.extend(_strings(kind))
        return tuple(out)
    return _strings(value)


def parse_document(text: Any) -> Mapping[str, Any] | None:
    """The document as an object, or None if unknown, absent or not JSON."""
    if text is UNKNOWN or text is None:
        return None
    if isinstance(text, PartlyKnownJson):  # HCL: some values known after apply; each matches nothing (ADR 0635)
        return text.document
    if isinstance(text, Mapping):
        return text
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        document = read_written_json(text)
    except ValueError:
        return None
    return document if isinstance(document, Mapping) else None


def statements(text: Any) -> list[Statement]:
    """Every statement of a policy document given as JSON text (or an already parsed object)."""
    return list(document(text).statements)


def document(text: Any) -> PolicyDocument:
    """The policy document given as JSON text (or an already parsed object), read once per distinct text:
    several rules read the same document, and a plan's policies repeat (modules, `count`, both sides)."""
    if isinstance(text, str):
        return _document_of_text(text)
    return _document_of(text)


@lru_cache(maxsize=8192)
def _document_of_text(text: str) -> PolicyDocument:
    return _document_of(text)


def _document_of(text: Any) -> PolicyDocument:
    found = tuple(_statements_of(text))
    return PolicyDocument(found, tuple(s for s in found if s.allows and s.any_resource))


def _statements_of(text: Any) -> list[Statement]:
    document = parse_document(text)
    if document is None:
        return []
    raw = document.get("Statement")
    items = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        out.append(
            Statement(
                index=index,
                effect=str(item.get("Effect", "Allow")),
                actions=tuple(a.lower() for a in _strings(item.get("Action"))),
                not_actions=tuple(a.lower() for a in _strings(item.get("NotAction"))),
                written=(*_strings(item.get("Action")), *_strings(item.get("NotAction"))),
                resources=_strings(item.get("Resource")),
                not_resources=_strings(item.get("NotResource")),
                principals=_principals(item.get("Principal")),
                has_condition=restricts(item.get("Condition")),
                required_keys=required_keys(item.get("Condition")),
            )
        )
    return out


def restricts(condition: Any) -> bool:
    """True when a `Condition` narrows the statement: some value is not a pure wildcard. Under the
    wildcard-matching operators (`StringLike`, `ArnLike`, `ArnEquals`, with `ForAnyValue:`/`IfExists`
    variants) a value such as `"*"` or `"arn:aws:iam::*"` (any principal of any account) matches everything
    (IAM User Guide, condition operators); under the others `*` is a literal and does narrow."""
    if not isinstance(condition, Mapping):
        return bool(condition)
    for operator, tests in condition.items():
        wildcards = "like" in str(operator).lower() or str(operator).lower().split(":")[-1].startswith("arn")
        if not isinstance(tests, Mapping):
            return True
        for values in tests.values():
            listed_values = values if isinstance(values, list) else [values]
            if not wildcards or any(not _matches_all(v) for v in listed_values):
                return True
    return False


def required_keys(condition: Any) -> frozenset[str]:
    """The keys a request must carry, with a matching value, for the statement to apply: a key absent from the
    request context makes a test false (IAM User Guide, condition keys), unless its operator ends in `IfExists`
    or is qualified `ForAllValues:`; a negated operator (`StringNotEquals`, `ArnNotLike`…) or `Null` never
    requires a value; a pure wildcard under a wildcard-matching operator matches anything there is."""
    if not isinstance(condition, Mapping):
        return frozenset()
    keys: set[str] = set()
    for operator, tests in condition.items():
        qualifier, _, name = str(operator).lower().rpartition(":")
        if not isinstance(tests, Mapping) or "not" in name or name == "null" or name.endswith("ifexists"):
            continue
        if qualifier == "forallvalues":  # true when the request has no value for the key at all
            continue
        wildcards = "like" in name or name.startswith("arn")
        for key, values in tests.items():
            listed_values = values if isinstance(values, list) else [values]
            if listed_values and not (wildcards and any(_matches_all(v) for v in listed_values)):
                keys.add(str(key).lower())
    return frozenset(keys)


def _matches_all(value: Any) -> bool:
    """`*`, or an ARN pattern whose account and resource are wildcards (`arn:aws:iam::*`, `arn:*:iam::*:*`)."""
    if not isinstance(value, str):
        return False
    parts = value.strip().split(":")
    if parts == ["*"]:
        return True
    if parts[0] != "arn" or len(parts) < 5:
        return False
    return all(p in ("*", "") for p in parts[4:]) and parts[4] == "*"


def wildcards_first(actions: Iterable[str]) -> list[str]:
    """Actions with a wildcard (`*`, `s3:*`, `iam:Put*`) first, the others after, each group in written order."""
    listed = list(dict.fromkeys(actions))
    return [a for a in listed if "*" in a] + [a for a in listed if "*" not in a]


def listed(items: list[str], limit: int = 5) -> str:
    """`a, b, c` — at most `limit` named, the rest counted."""
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def numbered(indexes: Iterable[int]) -> str:
    """`statement 3`, `statements 0 and 3`, `statements 0, 2 and 5`: every statement named, in order."""
    found = [str(i) for i in sorted(set(indexes))]
    if len(found) == 1:
        return f"statement {found[0]}"
    return f"statements {', '.join(found[:-1])} and {found[-1]}"


def per_statement(path: str, parts: list[tuple[int, str, str]]) -> Hit:
    """One hit for every offending statement of the policy document at `path` (one cause, one finding).

    `parts` are (statement index, verb, rest), the verb in the singular (`allows`, `uses`): statements with the
    same words are named together (`statements 0 and 3 allow "*"`), the groups in the order of their first
    statement and joined by `; `. The finding's path is the document's, as it was for the first statement alone.
    """
    return Hit(path, per_statement_message(parts))


def per_statement_message(parts: list[tuple[int, str, str]]) -> str:
    """The words of `per_statement`'s hit."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, verb, rest in parts:
        groups.setdefault((verb, rest), []).append(index)
    said = []
    for (verb, rest), indexes in groups.items():
        plural = len(set(indexes)) > 1
        said.append(f"{numbered(indexes)} {verb[:-1] if plural and verb.endswith('s') else verb} {rest}")
    return "; ".join(said)


def identity_policies(resource: Resource) -> Iterator[tuple[str, list[Statement]]]:
    """(path, statements) of each identity policy on `resource`: its `policy`, or a role's `inline_policy.N.policy`.

    A role's trust policy (`assume_role_policy`) is not an identity policy and is not returned.
    """
    for path, found in identity_documents(resource):
        yield path, list(found.statements)


def identity_documents(resource: Resource) -> list[tuple[str, PolicyDocument]]:
    """(path, document) of each identity policy on `resource`, as `identity_policies` names them."""
    return [(path, document(resource.get(path))) for path in _identity_paths(resource)]


def identity_hits(
    resource: Resource,
    judge: Callable[..., str | None],
    *args: Hashable,
    snapshot: Snapshot | None = None,
    leaders: Leaders = (),
) -> list[Hit]:
    """The hit `judge(document, *args)` makes of each identity policy document of `resource` (see
    `PolicyDocument.hit`), in the order of `identity_policies`: what every IAM rule on identity policies returns.
    With the `snapshot` the rule runs in, the resource's documents are looked up once for all the IAM rules that
    judge it (`Snapshot.of_resource`, ADR 0471). `leaders`: the rules that subsume this one, with the statements each
    reports; the hits say what they say of those statements apart (`PolicyDocument.hit_apart`, ADR 0730)."""
    documents = (
        _identity_documents(resource)
        if snapshot is None
        else snapshot.of_resource("iam-identity-documents", resource, _identity_documents)
    )
    hits = []
    for path, found in documents:
        hit = found.hit_apart(path, judge, leaders, *args) if leaders else found.hit(path, judge, *args)
        if hit is not None:
            hits.append(hit)
    return hits


def _identity_documents(resource: Resource) -> tuple[tuple[str, PolicyDocument], ...]:
    """`identity_documents`, as a tuple (held by a snapshot and shared by the rules that read it)."""
    found = []
    for path in _identity_paths(resource):
        text = resource.get(path)
        found.append((path, _document_of_text(text) if type(text) is str else _document_of(text)))
    return tuple(found)


def _identity_paths(resource: Resource) -> list[str]:
    kind = resource.type
    if kind == "aws_iam_role":
        return [f"inline_policy.{i}.policy" for i in range(len(resource.blocks("inline_policy")))]
    return _INLINE_POLICY if kind == "aws_ssoadmin_permission_set_inline_policy" else _POLICY


_INLINE_POLICY: Final = ["inline_policy"]  # never changed: returned as they are
_POLICY: Final = ["policy"]
