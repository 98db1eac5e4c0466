"""What an uploaded plan is turned into BEFORE it is stored: nothing secret reaches the database.

Plan JSON (read as the CLI reads it: UTF-8 or UTF-16, with or without BOM): variable values,
`prior_state` and `planned_values` are reduced to the addresses and counts a review reads of them
(`plan_outlines`, ADR 0544); every leaf under a
`*_sensitive` mask becomes "(sensitive value)"; secret-named and secret-shaped strings anywhere in
changes, drift, outputs and configuration become "(redacted)". Redaction is done once, from the
original, knowing every sensitive value of the plan (issue 9.22; deferred changes and the `config_values` of action
invocations, Terraform 1.9+/1.14, under their own masks too): a value masked in one resource and
copied into another, unmasked, resource (a tag, a name, an output) is "(sensitive value)" there too, and
so is the literal the configuration section repeats as `constant_value` (Terraform writes it whatever
the attribute's sensitivity), a sensitive number's literal there too (ADR 0736) — in the stored plan, so in
everything built from it (the prompt, the report).
A tarball of Terraform sources is redacted by `store/tarball_redaction.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any, Final

from tfreview.core.errors import InputError
from tfreview.core.redact import (
    REDACTED,
    SENSITIVE,
    is_secret_name,
    prints_as,
    redact_value,
    sensitive_strings,
    sensitive_variable_values,
)
from tfreview.core.secret_search import SecretSearch
from tfreview.parsing.plan_json import parse_json
from tfreview.parsing.plan_numbers import dump_json
from tfreview.store.plan_nesting import check_nesting
from tfreview.store.plan_outlines import planned_outline, state_outline
from tfreview.store.tarball_redaction import tarball_and_secrets

PLAN_JSON: Final = "plan_json"
SOURCE_TARBALL: Final = "tarball"
_KIND_ALIASES: Final = {
    "plan_json": PLAN_JSON,
    "plan": PLAN_JSON,
    "json": PLAN_JSON,
    "tarball": SOURCE_TARBALL,
    "tar": SOURCE_TARBALL,
    "tar.gz": SOURCE_TARBALL,
    "tgz": SOURCE_TARBALL,
}
_CHANGE_LISTS: Final = ("resource_changes", "resource_drift")


def plan_kind(kind: str) -> str:
    """The canonical kind (`plan_json` or `tarball`) for a kind name, or InputError."""
    try:
        return _KIND_ALIASES[kind]
    except KeyError:
        raise InputError(f"unknown plan kind {kind!r}; expected {PLAN_JSON!r} or {SOURCE_TARBALL!r}") from None


def redact_upload(content: bytes, kind: str) -> bytes:
    """The content of an upload as it may be stored."""
    return redact_upload_and_secrets(content, kind)[0]


def redact_upload_and_secrets(content: bytes, kind: str) -> tuple[bytes, frozenset[str]]:
    """The content of an upload as it may be stored, and the sensitive values masked in it (to mask them in
    whatever else is kept of the upload: the findings of its original, ADR 0472)."""
    if plan_kind(kind) == PLAN_JSON:
        document = _plan_document(content)
        return redact_plan_json(content, document), frozenset(plan_secrets(document))
    return tarball_and_secrets(content)


def _plan_document(content: bytes) -> dict[str, Any]:
    document = parse_json(content, "upload")  # the reading `load_plan` checked, lone surrogates as U+FFFD (ADR 0370)
    if not isinstance(document, dict):
        raise InputError("the plan is not a JSON object; expected the JSON of `terraform show -json PLANFILE`")
    check_nesting(document)  # deeper than the redaction and orjson's writer go (ADR 0496)
    return document


def redact_plan_json(content: bytes, document: dict[str, Any] | None = None) -> bytes:
    if document is None:
        document = _plan_document(content)
    return dump_json(redact_plan_document(document))  # a number past a double is written back as it was (ADR 0420)


def mask_values(value: Any, secrets: AbstractSet[str] | SecretSearch) -> Any:
    """`value` (JSON-like) with every occurrence of a sensitive value masked in its strings. A caller masking many
    values with one set passes it grouped once (`SecretSearch`): grouping costs as much as the set (ADR 0606)."""
    if not secrets:
        return value
    return _masked(value, secrets if isinstance(secrets, SecretSearch) else SecretSearch(secrets))


def redact_plan_document(document: Mapping[str, Any]) -> dict[str, Any]:
    found = plan_secrets(document)
    redacted = _redact_document(document)
    if "configuration" in redacted:
        # Terraform repeats a sensitive number's literal there too (`constant_value`, a variable's `default`): it
        # is masked there, where it is that attribute's literal; elsewhere an equal number is kept (ADR 0736)
        numbers = plan_secrets(document, numbers=True)  # strings too: a number printing as one is masked
        if numbers:
            redacted["configuration"] = _masked_numbers(redacted["configuration"], numbers)
    if not found:
        return redacted
    secrets = SecretSearch(found)  # grouped once: each string is searched for all of them at once (ADR 0606)
    for change in _changes(redacted):  # values only: addresses, types and keys are structure, never masked
        if isinstance(change, dict):
            _mask_sides(change, secrets)
    for invocation in _invocations(redacted):
        if isinstance(invocation, dict) and "config_values" in invocation:
            invocation["config_values"] = _masked(invocation["config_values"], secrets)
    for change in (redacted.get("output_changes") or {}).values():
        if isinstance(change, dict):
            _mask_sides(change, secrets)
    if "configuration" in redacted:
        # Terraform writes every literal as `constant_value`, whatever the provider's schema says: a literal
        # `value` of aws_ssm_parameter or azurerm_key_vault_secret is masked in the change, plain here
        # (its addresses, names and references are structure, as in the changes: never masked, ADR 0462)
        redacted["configuration"] = _masked_configuration(redacted["configuration"], secrets)
    for key in redacted.keys() - _MASKED_ABOVE - _HEADER_KEYS:
        # `checks` (an author's `error_message` may interpolate any value), Terraform 1.2's `condition_results`, a
        # section this release does not know: a copy of a sensitive value there is masked too (ADR 0724); an
        # `address` and a `status` (the checks' notes read them) are structure, kept
        redacted[key] = _masked_keeping(redacted[key], secrets, _STRUCTURE_NAMES)
    return redacted


# the top-level keys masked above, or reduced to what holds no value (`_redact_document`)
_MASKED_ABOVE: Final = frozenset(
    {
        "resource_changes",
        "resource_drift",
        "deferred_changes",
        "action_invocations",
        "deferred_action_invocations",
        "output_changes",
        "configuration",
        "variables",
        "prior_state",
        "planned_values",
    }
)
# the top-level keys that describe the plan, and `relevant_attributes` (resource addresses and attribute paths)
_HEADER_KEYS: Final = frozenset(
    {"format_version", "terraform_version", "timestamp", "applyable", "complete", "errored", "relevant_attributes"}
)
_STRUCTURE_NAMES: Final = frozenset({"address", "status"})  # a check's status: `fail` is a word, never masked
_CHECK_STATUSES: Final = frozenset({"pass", "fail", "error", "unknown"})  # Terraform's; anything else is a value


def _masked_keeping(value: Any, secrets: SecretSearch, names: AbstractSet[str]) -> Any:
    """`_masked`, the subtrees under a key of `names` kept as they are (addresses: structure, never masked) — a
    `status` only when it is one of a check's statuses (ADR 0739)."""
    if isinstance(value, Mapping):
        return {
            key: child if key in names and _structure(key, child) else _masked_keeping(child, secrets, names)
            for key, child in value.items()
        }
    if isinstance(value, list):
        return [_masked_keeping(child, secrets, names) for child in value]
    return _masked(value, secrets)


def _structure(key: str, child: Any) -> bool:
    return key != "status" or (isinstance(child, str) and child in _CHECK_STATUSES)


# the configuration's strings that name things rather than hold values: masking a sensitive value inside them
# ("orders" in `aws_s3_bucket.orders`) broke the stored plan's links between its changes and its configuration
_CONFIGURATION_NAMES: Final = frozenset(
    {"address", "mode", "type", "name", "full_name", "provider_config_key", "references", "depends_on", "source"}
)


def _masked_configuration(value: Any, secrets: SecretSearch) -> Any:
    """`_masked` for the configuration section: every value masked (`constant_value` literals, variable defaults,
    descriptions), the names of `_CONFIGURATION_NAMES` (a string, or a list of strings) kept as they are. An
    attribute's expression is always an object, so an attribute called `name` or `type` is still masked."""
    if isinstance(value, Mapping):
        return {
            key: child if key in _CONFIGURATION_NAMES and _names(child) else _masked_configuration(child, secrets)
            for key, child in value.items()
        }
    if isinstance(value, list):
        return [_masked_configuration(child, secrets) for child in value]
    return _masked(value, secrets)


def _masked_numbers(value: Any, numbers: AbstractSet[str]) -> Any:
    """`value` with every number that prints as one of `numbers` replaced by "(sensitive value)"."""
    if isinstance(value, Mapping):
        return {key: _masked_numbers(child, numbers) for key, child in value.items()}
    if isinstance(value, list):
        return [_masked_numbers(child, numbers) for child in value]
    return SENSITIVE if prints_as(value, numbers) else value


def _names(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value))


def _mask_sides(change: dict[str, Any], secrets: SecretSearch) -> None:
    # `generated_config` (Terraform 1.5+, an import's `-generate-config-out`) is HCL text of the resource's values
    for side in ("before", "after", "generated_config"):
        if side in change:
            change[side] = _masked(change[side], secrets)


def plan_secrets(document: Mapping[str, Any], *, numbers: bool = False) -> set[str]:
    """Every string value the plan marks sensitive, wherever it is (changes, drift, outputs), and the values of its
    `sensitive = true` root variables (the plan's `variables` holds them in clear; a copy may be unmarked); with
    `numbers`, the marked numbers too, as they print."""
    found: set[str] = sensitive_variable_values(document)
    holders = _changes(document)
    outputs = document.get("output_changes")
    if isinstance(outputs, Mapping):
        holders.extend(outputs.values())
    for change in holders:
        if isinstance(change, Mapping):
            for side in ("before", "after"):
                found |= sensitive_strings(change.get(side), change.get(f"{side}_sensitive"), numbers=numbers)
    for invocation in _invocations(document):
        if isinstance(invocation, Mapping):
            found |= sensitive_strings(
                invocation.get("config_values"), invocation.get("config_sensitive"), numbers=numbers
            )
    return found


def _changes(document: Mapping[str, Any]) -> list[Any]:
    """The `change` of every resource change, drift entry and deferred change (Terraform 1.9+) of a plan."""
    items = [item for key in _CHANGE_LISTS for item in _list(document.get(key))]
    items.extend(entry.get("resource_change") for entry in _list(document.get("deferred_changes")))
    return [item.get("change") for item in items if isinstance(item, Mapping)]


def _invocations(document: Mapping[str, Any]) -> list[Any]:
    """Every action invocation of a plan (Terraform 1.14), of this apply and deferred to a later one."""
    deferred = [entry.get("action_invocation") for entry in _list(document.get("deferred_action_invocations"))]
    return [*_list(document.get("action_invocations")), *deferred]


def _list(value: Any) -> list[Any]:
    """The mappings of a list from the document; nothing for anything else."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _masked(value: Any, secrets: SecretSearch) -> Any:
    if isinstance(value, str):
        return secrets.mask(value)
    if isinstance(value, Mapping):
        return {key: _masked(child, secrets) for key, child in value.items()}
    if isinstance(value, list):
        return [_masked(child, secrets) for child in value]
    return value


def _redact_document(document: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in document.items():
        if key == "prior_state":
            outline = state_outline(value)  # what the review reads of it, no value (ADR 0544)
            if outline is not None:
                result[key] = outline
        elif key == "planned_values":
            if "resource_changes" not in document:  # read only then: how many resources were not reviewed
                result[key] = planned_outline(value)
        elif key == "variables" and isinstance(value, Mapping):
            result[key] = {name: {} for name in value}
        elif key in _CHANGE_LISTS and isinstance(value, list):
            result[key] = [_redact_change_holder(item) for item in value]
        elif key == "deferred_changes" and isinstance(value, list):
            result[key] = [_redact_entry(entry, "resource_change", _redact_change_holder) for entry in value]
        elif key == "action_invocations" and isinstance(value, list):
            result[key] = [_redact_invocation(entry) for entry in value]
        elif key == "deferred_action_invocations" and isinstance(value, list):
            result[key] = [_redact_entry(entry, "action_invocation", _redact_invocation) for entry in value]
        elif key == "output_changes" and isinstance(value, Mapping):
            result[key] = {name: _redact_change(change, name) for name, change in value.items()}
        elif key == "configuration":
            result[key] = _redact_configuration(value, "")
        else:
            result[key] = redact_value(value)
    return result


def _redact_change_holder(item: Any) -> Any:
    if not isinstance(item, Mapping):
        return redact_value(item)
    return {key: _redact_change(value, "") if key == "change" else redact_value(value) for key, value in item.items()}


def _redact_entry(entry: Any, inner: str, redact: Callable[[Any], Any]) -> Any:
    """A deferred entry (`{"reason": …, inner: …}`) with its inner change or invocation redacted by `redact`."""
    if not isinstance(entry, Mapping):
        return redact_value(entry)
    return {key: redact(value) if key == inner else redact_value(value) for key, value in entry.items()}


def _redact_invocation(invocation: Any) -> Any:
    """An action invocation with every leaf of `config_values` under `config_sensitive` masked."""
    if not isinstance(invocation, Mapping) or "config_values" not in invocation:
        return redact_value(invocation)
    masked = {
        **invocation,
        "config_values": mask_leaves(invocation["config_values"], invocation.get("config_sensitive")),
    }
    return {key: redact_value(value) for key, value in masked.items()}


def _redact_change(change: Any, name: str) -> Any:
    if not isinstance(change, Mapping):
        return redact_value(change, name=name)
    masked = dict(change)
    for side in ("before", "after"):
        if side in masked:
            masked[side] = mask_leaves(masked[side], change.get(f"{side}_sensitive"))
    return {key: redact_value(value, name=name if key in ("before", "after") else key) for key, value in masked.items()}


def mask_leaves(value: Any, mask: Any) -> Any:
    """`value` with every non-null leaf under a true mask replaced by "(sensitive value)"; shape kept."""
    if mask is True:
        if isinstance(value, Mapping):
            return {key: mask_leaves(child, True) for key, child in value.items()}
        if isinstance(value, list):
            return [mask_leaves(child, True) for child in value]
        return None if value is None else SENSITIVE
    if isinstance(value, Mapping) and isinstance(mask, Mapping):
        return {key: mask_leaves(child, mask.get(key)) for key, child in value.items()}
    if isinstance(value, list) and isinstance(mask, list):
        return [mask_leaves(child, mask[i] if i < len(mask) else None) for i, child in enumerate(value)]
    return value


def _redact_configuration(value: Any, name: str) -> Any:
    """Configuration expressions: `{"password": {"constant_value": "…"}}` is secret by its attribute name."""
    if isinstance(value, Mapping):
        if "constant_value" in value and name and is_secret_name(name) and value["constant_value"] is not None:
            return {**redact_value(dict(value)), "constant_value": REDACTED}
        return {key: _redact_configuration(child, str(key)) for key, child in value.items()}
    if isinstance(value, list):
        return [_redact_configuration(child, name) for child in value]
    return redact_value(value, name=name)
