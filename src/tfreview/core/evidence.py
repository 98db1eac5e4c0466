"""A finding's evidence and message: the offending value and the rule's words, redacted and scrubbed.

Values the plan marks sensitive never reach a message or an evidence value; long values are cut.
"""

from __future__ import annotations

import json
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from tfreview.core.findings import Evidence
from tfreview.core.plan import ResourceChange
from tfreview.core.redact import REDACTED, SENSITIVE, mask_text, redact_value, scrub_text, sensitive_strings
from tfreview.core.rules import Hit, Resource
from tfreview.core.values import UNKNOWN, _Unknown, lookup, mask_at, mask_under, path_keys

_EVIDENCE_MAX = 160
_SCALARS = frozenset({str, int, float, bool})

# Messages and evidence values repeat across thousands of findings: scrub and redact each text once.
_scrub = lru_cache(maxsize=8192)(scrub_text)
scrubbed = _scrub  # `scrub_text`, cached: `message_of` for a resource and change with no sensitive mask


def evidence_of(hit: Hit, resource: Resource) -> Evidence:
    """The attribute path and the offending value as it may be shown."""
    path = hit.path
    value: Any = hit.value
    if value is None:
        if not path:
            return _NO_EVIDENCE
        values, unknown = resource.values, resource.unknown
        if type(values) is dict and "." not in path and not path.isdigit() and (not unknown or type(unknown) is dict):
            # a top-level attribute, what most findings point at: `Resource.get`'s own first case, inline
            value = UNKNOWN if unknown and unknown.get(path) is True else values.get(path)
        else:
            value = lookup(values, unknown, path)  # `resource.get(path)`, without its call
        if value is None:
            return _absent(path)
    mask = resource.sensitive
    if not mask:
        sensitive = False  # an empty or absent mask marks nothing
    elif type(mask) is dict and path and "." not in path and not path.isdigit():  # `mask_at` of an attribute
        sensitive = mask.get(path) is True
    else:
        sensitive = mask_at(mask, path_keys(path))
    if type(value) in _SCALARS or value is UNKNOWN or isinstance(value, (str, int, float, bool)):
        return _scalar_evidence(path, value, sensitive)
    if type(value) in _EMPTY_SHOWN and not value:  # an absent block (`[]`): nothing under it to redact
        return _shown(path, SENSITIVE if sensitive else _EMPTY_SHOWN[type(value)])
    keys, leaf = _path_facts(path)
    # a list or object may be sensitive in part (`cidr_blocks = [var.secret_cidr]` → mask `[true]`); the mask is
    # stepped as the value is, into a single nested block addressed without its index (`spec.container.1…`)
    under = True if sensitive else mask_under(mask, keys)
    try:
        shown = redact_value(value, under, leaf)
    except RecursionError:  # nested deeper than the stack goes (a hostile plan, ADR 0496): its first levels
        shown = redact_value(_pruned(value, _SHOWN_LEVELS), under, leaf)
    return Evidence(path, _shortened(shown if isinstance(shown, str) else _compact(shown)))


# the levels of a list or object evidence shows when the value is nested deeper than redaction can walk; the
# shown text stops at _EVIDENCE_MAX characters, fewer than the brackets of these levels
_SHOWN_LEVELS = _EVIDENCE_MAX


def _pruned(value: Any, levels: int) -> Any:
    """`value` down to `levels` levels of lists and objects, what lies below each written `…`."""
    if type(value) is not dict and type(value) is not list:
        return value
    if levels == 0:
        return "…"
    if type(value) is dict:
        return {key: _pruned(child, levels - 1) for key, child in value.items()}
    return [_pruned(child, levels - 1) for child in value]


_NO_EVIDENCE = Evidence("", None)
_EMPTY_SHOWN: dict[type, str] = {list: "[]", dict: "{}"}  # what `_compact` writes for an empty list or object


@lru_cache(maxsize=1024)
def _shown(path: str, shown: str) -> Evidence:
    """The evidence of a value whose shown text is known without redacting it (an empty list or object)."""
    return Evidence(path, shown)


@lru_cache(maxsize=1024)
def _absent(path: str) -> Evidence:
    return Evidence(path, None)


@lru_cache(maxsize=8192, typed=True)
def _scalar_evidence(path: str, value: str | int | float | bool | _Unknown, sensitive: bool) -> Evidence:
    """The evidence of a scalar (or unknown) value: the same path and value give the same evidence on thousands
    of findings."""
    shown = redact_value(value, True if sensitive else None, _path_facts(path)[1])
    return Evidence(path, _shortened(shown if isinstance(shown, str) else _compact(shown)))


def _shortened(text: str) -> str:
    return text[: _EVIDENCE_MAX - 1] + "…" if len(text) > _EVIDENCE_MAX else text


@lru_cache(maxsize=8192)
def _path_facts(path: str) -> tuple[tuple[str | int, ...], str]:
    """A path's keys and its last name (the leaf a value is redacted by): the same for thousands of findings."""
    keys = path_keys(path)
    return keys, next((str(k) for k in reversed(keys) if isinstance(k, str)), "")


def message_of(
    text: str, resource: Resource, change: ResourceChange | None, secrets: AbstractSet[str] | None = None
) -> str:
    """A rule's message, scrubbed, with no value the plan marks sensitive (a rule may quote a value).

    `secrets`: `secrets_of(resource, change)` when the caller has it already (the same for every finding on
    the resource and change)."""
    text = _scrub(text)
    if secrets is None:
        secrets = secrets_of(resource, change)
    return mask_text(text, secrets) if secrets else text


def secrets_of(resource: Resource, change: ResourceChange | None) -> frozenset[str]:
    """The strings a message about `resource` (and `change`) must not show: every sensitive value of the
    resource's side and, for change rules that may quote either side, of the change's two sides; a sensitive
    number as it prints (ADR 0495)."""
    secrets: set[str] = set()
    sides = [(resource.values, resource.sensitive)]
    if change is not None:
        sides += [(change.before, change.before_sensitive), (change.after, change.after_sensitive)]
    for index, (values, mask) in enumerate(sides):
        if not mask or any(values is v and mask is m for v, m in sides[:index]):
            continue  # no mask, or a side already read (a resource is one side of its change)
        secrets |= sensitive_strings(values, mask, numbers=True)
    return frozenset(secrets)


# `json.dumps` with options builds a new encoder per call (hundreds a review); one, the same options (ADR 0464)
_ENCODER = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str)


def _compact(value: Any) -> str:
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError):
        return REDACTED
