"""What the model sees: only what changed, as compact attribute diffs, redacted.

`build_context` turns the Advisor port's `AdviceContext` into a `ReviewContext`:

- resource changes as attribute diffs (`path: before → after`), never the whole plan JSON;
  no-op and read changes dropped; drift listed apart; unknown values as "(known after apply)";
- the rule findings as facts the model may not contradict;
- every value redacted: sensitive masks, secret-named and secret-shaped strings, high-entropy
  strings (`core.redact`), and — the net `core.redact` cannot cast on one value — every copy of a
  value that is sensitive somewhere else in the plan (a derived, unmarked attribute);
- untrusted text (plan values, PR title and body, HCL comments) stripped of invisible characters
  and of anything that looks like our data fences, so it cannot close one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from tfreview.advisor.risk import Rank, rank_of
from tfreview.core.findings import Finding
from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.ports import AdviceContext
from tfreview.core.redact import (
    REDACTED,
    SENSITIVE,
    assigned_secrets,
    hunted,
    is_secret_name,
    redact_value,
    scrub_text,
)
from tfreview.core.sensitive_attributes import with_provider_sensitive
from tfreview.core.values import UNKNOWN

UNKNOWN_TEXT: Final = "(known after apply)"
MAX_VALUE_CHARS: Final = 160
MAX_ATTRIBUTES: Final = 40  # per resource; the rest are counted
MAX_EXTRA_CHARS: Final = 4_000  # per untrusted text (PR body, comments)
_MIN_KNOWN_SECRET = 4  # shorter sensitive values ("80", "on") and literal words ("true") are too common to hunt for

# invisible or direction-changing characters (controls, soft hyphen, zero-width and joiners, bidi
# marks, embeddings, overrides and isolates, line/paragraph separators, invisible operators, fillers,
# variation selectors, byte-order mark) and the Unicode tag block (hidden instructions)
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
# a run of angle brackets or of their look-alikes (fullwidth, small, guillemets, much-less-than, CJK
# and mathematical angle brackets, modifier arrows, Canadian syllabics) could pass for a data fence
_ANGLES = (
    "<>\uff1c\uff1e\ufe64\ufe65\u2039\u203a\u00ab\u00bb\u226a\u226b\u22d8\u22d9\u300a"
    "\u300b\u3008\u3009\u2329\u232a\u27e8\u27e9\u27ea\u27eb\u02c2\u02c3\u1438\u1433"
)
_FENCE_LOOKALIKE = re.compile(f"<{{3,}}|>{{3,}}|[<>]*[{_ANGLES[2:]}][{_ANGLES}]*")
_FENCE_WORD = re.compile(r"DATA-")  # our marker's word, as written (`data-lake` is left alone)
_SKIPPED: Final = (ChangeKind.NOOP, ChangeKind.READ)


@dataclass(frozen=True, slots=True)
class AttributeDiff:
    path: str
    before: str | None  # None: the attribute is absent on that side
    after: str | None

    def line(self) -> str:
        if self.before is None:
            return f"{self.path}: {self.after}"
        if self.after is None:
            return f"{self.path}: {self.before} → (removed)"
        return f"{self.path}: {self.before} → {self.after}"


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One change as the model reads it (rendered only when the budget may keep it)."""

    address: str
    type: str
    kind: ChangeKind
    rank: Rank
    reason: str | None = None  # Terraform's action_reason
    replace_paths: tuple[str, ...] = ()
    diffs: tuple[AttributeDiff, ...] = ()
    more_attributes: int = 0  # changed attributes left out of `diffs`
    deposed: str | None = None  # the key of the deposed object a delete removes; the current object stays (ADR 0616)


@dataclass(frozen=True, slots=True)
class ChangeRef:
    """A change before rendering: cheap to make for 50,000 resources, enough to rank and count."""

    address: str  # as found in the plan (concerns are checked against it)
    kind: ChangeKind
    rank: Rank
    source: ResourceChange


@dataclass(frozen=True, slots=True)
class Fact:
    """A rule finding, as the model is told it: established, not open to argument."""

    rule_id: str
    severity: str
    status: str
    address: str  # as found in the plan (facts are grouped with their change by it)
    message: str
    evidence: str  # `path = value`, redacted; "" when none
    shown: str = ""  # the address as the model reads it: redacted, invisible characters and fences removed

    def line(self) -> str:
        tail = f" ({self.evidence})" if self.evidence else ""
        return f"[{self.rule_id} {self.severity} {self.status}] {self.shown or self.address}: {self.message}{tail}"


@dataclass(frozen=True, slots=True)
class ReviewContext:
    changes: tuple[ChangeRef, ...]  # riskiest first
    drift: tuple[ChangeRef, ...]
    facts: tuple[Fact, ...]
    extras: tuple[tuple[str, str], ...]  # (name, untrusted text): PR title and body, HCL comments
    addresses: frozenset[str]  # what a concern may name: the changed and drifted resources
    kinds: Mapping[str, int]  # change kind → count (no-op and read excluded)
    redactor: Redactor

    def view(self, ref: ChangeRef) -> ChangeView:
        """The change rendered as attribute diffs, redacted."""
        return _view(ref, self.redactor)

    def shown(self, ref: ChangeRef) -> str:
        """The address as the model reads it (a for_each key can carry text too)."""
        return self.redactor.text(ref.address)

    def views(self) -> list[ChangeView]:
        return [self.view(ref) for ref in self.changes]


def strip_invisible(text: str) -> str:
    """`text` without control, zero-width, direction-changing and Unicode tag characters."""
    return _INVISIBLE.sub("", text)


def defuse_fences(text: str) -> str:
    """No run of angle brackets (or of look-alikes) and no `DATA-` left that could pass for a data fence."""
    text = _FENCE_LOOKALIKE.sub(_defuse_fence, text)
    return _FENCE_WORD.sub("DATA_", text)


class Redactor:
    """`core.redact` plus the copies: a value sensitive in one place is hidden in every place."""

    def __init__(self, known: set[str]) -> None:
        forms = {form for s in known for form in (s, json.dumps(s, ensure_ascii=False)[1:-1])}  # raw and as shown
        ordered = sorted((s for s in forms if hunted(s, shortest=_MIN_KNOWN_SECRET)), key=len, reverse=True)
        self._known = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    @classmethod
    def for_change_set(cls, change_set: ChangeSet) -> Redactor:
        known: set[str] = set(change_set.sensitive_values)
        for change in (*change_set.changes, *change_set.drift):
            _secrets(change.before, with_provider_sensitive(change.type, change.before_sensitive, change.before), known)
            _secrets(change.after, with_provider_sensitive(change.type, change.after_sensitive, change.after), known)
        return cls(known)

    def text(self, text: str) -> str:
        """Free text from the plan or the pull request, fit for a prompt."""
        text = strip_invisible(text)
        if self._known is not None:
            text = self._known.sub(REDACTED, text)
        text = scrub_text(text)
        return defuse_fences(strip_invisible(text))

    def copies(self, text: str) -> str:
        """`text` without the change's sensitive values, and nothing else done: cheap on a long value, before it is
        cut to what is shown (and that goes through `text`)."""
        text = strip_invisible(text)
        return self._known.sub(REDACTED, text) if self._known is not None else text

    def secrets(self, text: str) -> str:
        """`text` without the change's sensitive values and secret-shaped strings; nothing else touched (for the
        model's answer: a hostile provider can echo a secret it was never shown)."""
        if self._known is not None:
            text = self._known.sub(REDACTED, text)
        return scrub_text(text)

    def value(self, value: Any, sensitive: Any, name: str = "") -> Any:
        return redact_value(value, sensitive, name)


def _defuse_fence(match: re.Match[str]) -> str:
    """`[3×<]`: what was there, said in words no model takes for a fence marker."""
    run = match.group(0)
    opening = sum(1 for c in run if _opens(c))
    parts = [f"{opening}×<"] if opening else []
    if len(run) - opening:
        parts.append(f"{len(run) - opening}×>")
    return f"[{' '.join(parts)}]"


def _opens(char: str) -> bool:
    return _ANGLES.index(char) % 2 == 0


@lru_cache(maxsize=8192)
def _secret_name(name: str) -> bool:
    return is_secret_name(name)


def _secrets(value: Any, mask: Any, out: set[str]) -> None:
    """Add to `out` the strings under a sensitive mask or a secret name: their copies must go too.

    Runs over every value of the plan (50,000 resources), so it is written for speed."""
    if type(value) is dict or isinstance(value, Mapping):
        sub = mask if isinstance(mask, Mapping) else None
        for key, child in value.items():
            child_mask = True if mask is True else (sub.get(key) if sub is not None else None)
            if type(child) is str:
                if child_mask is True or (_secret_name(str(key)) and not child.startswith("${")):
                    out.add(child)
                else:
                    out.update(assigned_secrets(child))  # `export DB_PASSWORD=…` in a script (ADR 0494)
            elif isinstance(child, Mapping | list):
                _secrets(child, child_mask, out)
            elif child_mask is True and child is not None and type(child) is not bool:
                out.add(str(child))
    elif isinstance(value, list):
        masks = mask if isinstance(mask, list) else None
        for i, child in enumerate(value):
            child_mask = True if mask is True else (masks[i] if masks is not None and i < len(masks) else None)
            if type(child) is str:
                if child_mask is True:
                    out.add(child)
            elif isinstance(child, Mapping | list):
                _secrets(child, child_mask, out)
            elif child_mask is True and child is not None and type(child) is not bool:
                out.add(str(child))
    elif mask is True and value is not None and type(value) is not bool:  # `True` is no secret to hunt in text
        out.add(str(value))


def build_context(context: AdviceContext, extras: Mapping[str, str] | None = None) -> ReviewContext:
    """The redacted, compact view of the change the model is given."""
    change_set = context.change_set
    redactor = Redactor.for_change_set(change_set)
    facts = tuple(_fact(f, redactor) for f in context.findings)
    flagged = {f.address for f in facts}
    changes = [
        ChangeRef(c.address, c.kind, rank_of(c.type, c.kind, has_findings=c.address in flagged), c)
        for c in change_set.changes
        if c.kind not in _SKIPPED
    ]
    changes.sort(key=lambda ref: (ref.rank, ref.address))
    drift = tuple(
        ChangeRef(c.address, c.kind, Rank.DRIFT, c) for c in sorted(change_set.drift, key=lambda c: c.address)
    )
    kinds: dict[str, int] = {}
    for ref in changes:
        kinds[ref.kind.value] = kinds.get(ref.kind.value, 0) + 1
    extra_items = tuple(
        (redactor.text(name)[:64], _clip(redactor.text(text), MAX_EXTRA_CHARS))
        for name, text in sorted((extras or _extras_of(context)).items())
        if text
    )
    addresses = frozenset(c.address for c in change_set.changes if c.kind not in _SKIPPED) | frozenset(
        c.address for c in change_set.drift
    )
    return ReviewContext(tuple(changes), drift, facts, extra_items, addresses, kinds, redactor)


def _extras_of(context: AdviceContext) -> Mapping[str, str]:
    """Untrusted text that rides along with the context (PR title/body, comments), when the core carries it."""
    extras = getattr(context, "extras", None)
    return extras if isinstance(extras, Mapping) else {}


def _fact(finding: Finding, redactor: Redactor) -> Fact:
    evidence = ""
    if finding.evidence.path:
        value = finding.evidence.value
        evidence = finding.evidence.path if value is None else f"{finding.evidence.path} = {value}"
    return Fact(
        finding.rule_id,
        finding.severity.value,
        finding.status.value,
        finding.address,
        _clip(redactor.text(finding.message), 300),
        _clip(redactor.text(evidence), MAX_VALUE_CHARS),
        redactor.text(finding.address),
    )


def _view(ref: ChangeRef, redactor: Redactor) -> ChangeView:
    change = ref.source
    paths = tuple(".".join(str(p) for p in path) for path in change.replace_paths)
    if change.kind is ChangeKind.DELETE or change.kind is ChangeKind.FORGET:
        diffs: list[AttributeDiff] = []  # the whole object goes; its attributes are not the news
    else:
        # a change read from source has no schema's masks: the provider-sensitive arguments are marked here (ADR 0472)
        before_mask = with_provider_sensitive(change.type, change.before_sensitive, change.before)
        after_mask = with_provider_sensitive(change.type, change.after_sensitive, change.after)
        before = _leaves(redactor.value(change.before, before_mask)) if change.before is not None else {}
        after_value = _with_unknown(change.after, change.after_unknown)
        after = _leaves(redactor.value(after_value, after_mask)) if after_value is not None else {}
        diffs = []
        for path in sorted(before.keys() | after.keys()):
            old, new = before.get(path), after.get(path)
            if old == new:
                continue
            if old is None and new in ("null", "[]", "{}", '""'):
                continue  # a create's empty defaults say nothing
            # the copies of sensitive values go from the whole value, then it is cut: a copy cut in two would no
            # longer match, and part of it stay (secret shapes went with `redactor.value`, on whole values too)
            shown_old, shown_new = _around_difference(
                None if old is None or change.kind is ChangeKind.CREATE else redactor.copies(old),
                "null" if new is None else redactor.copies(new),
            )
            before_text = None if shown_old is None else redactor.text(shown_old)
            diffs.append(AttributeDiff(redactor.text(path), before_text, redactor.text(shown_new)))
    shown = tuple(diffs[:MAX_ATTRIBUTES])
    return ChangeView(
        redactor.text(ref.address),
        redactor.text(change.type),
        change.kind,
        ref.rank,
        redactor.text(change.action_reason) if change.action_reason else None,
        tuple(redactor.text(p) for p in paths),
        shown,
        len(diffs) - len(shown),
        redactor.text(change.deposed) if change.deposed is not None else None,
    )


def _with_unknown(value: Any, unknown: Any) -> Any:
    """`after` with UNKNOWN wherever `after_unknown` says the value is known only after apply."""
    if unknown is True:
        return UNKNOWN
    if isinstance(unknown, Mapping) and unknown:
        base = dict(value) if isinstance(value, Mapping) else {}
        for key, mask in unknown.items():
            if mask is True or (isinstance(mask, Mapping | list) and mask):
                base[key] = _with_unknown(base.get(key), mask)
        return base
    if isinstance(unknown, list) and unknown:
        items = list(value) if isinstance(value, list) else []
        items += [None] * (len(unknown) - len(items))
        return [_with_unknown(v, unknown[i]) if i < len(unknown) else v for i, v in enumerate(items)]
    return value


def _leaves(value: Any, prefix: str = "") -> dict[str, str]:
    """Every leaf of a redacted value as `path → shown text`."""
    out: dict[str, str] = {}
    if isinstance(value, Mapping):
        if not value and prefix:
            out[prefix] = "{}"
        for key, child in value.items():
            out.update(_leaves(child, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        if not value and prefix:
            out[prefix] = "[]"
        for index, child in enumerate(value):
            out.update(_leaves(child, f"{prefix}.{index}" if prefix else str(index)))
    elif prefix:
        out[prefix] = _shown(value)
    return out


def _shown(value: Any) -> str:
    """The leaf as the model reads it, whole: it is compared, redacted, and only then cut (`_around_difference`)."""
    if isinstance(value, str) and value in (UNKNOWN_TEXT, SENSITIVE, REDACTED):
        return value
    if value is UNKNOWN:
        return UNKNOWN_TEXT
    return json.dumps(value, ensure_ascii=False, default=str)


def _around_difference(old: str | None, new: str, limit: int = MAX_VALUE_CHARS) -> tuple[str | None, str]:
    """Both sides cut to `limit` characters from a little before where they first differ: a long policy whose
    `Action` changed at its 300th character shows that change, not the 160 characters both sides share."""
    if old is None or (len(old) <= limit and len(new) <= limit):
        return (None if old is None else old), _clip(new, limit)
    same = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        same += 1
    start = max(0, same - limit // 4)
    return _window(old, start, limit), _window(new, start, limit)


def _window(text: str, start: int, limit: int) -> str:
    return _clip(text, limit) if start == 0 else "…" + _clip(text[start:], limit - 1)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
