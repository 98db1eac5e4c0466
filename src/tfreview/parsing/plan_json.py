"""Plan JSON (`terraform show -json PLANFILE`, Terraform 0.12 … 1.x, OpenTofu) → ChangeSet.

Accepts every minor of format 0.x and 1.x, ignores unknown fields, rejects an unknown major, and
says precisely what a file is when it is not a plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from operator import attrgetter, itemgetter
from typing import Any

import orjson

from tfreview.core.errors import InputError
from tfreview.core.plan import ChangeSet, ResourceChange, instance_key, new_resource_change, strip_index
from tfreview.core.redact import sensitive_variable_values
from tfreview.core.unicode_text import scrub_json_escapes
from tfreview.parsing.decoding import decode
from tfreview.parsing.module_calls import module_call_changes
from tfreview.parsing.plan_configuration import add_state_dependencies, read_configuration
from tfreview.parsing.plan_look_alikes import UI_STREAM, is_ui_message, more_than_one_document, quoted_start
from tfreview.parsing.plan_numbers import read_exact
from tfreview.parsing.plan_sections import (
    KNOWN_ACTIONS,
    errored_plan_problem,
    section_notes,
    section_secrets,
    unknown_action_notes,
)
from tfreview.parsing.policy_coverage import policy_notes

_ZIP_MAGIC = b"PK\x03\x04"
_KNOWN_MAJORS = ("0", "1")
# a resource's values are an object (or null where it does not exist); masks are an object or a boolean
_CHANGE_FIELDS: tuple[tuple[str, type | tuple[type, ...], str], ...] = (
    ("before", Mapping, "an object or null"),
    ("after", Mapping, "an object or null"),
    ("after_unknown", (Mapping, bool), "an object or a boolean"),
    ("before_sensitive", (Mapping, bool), "an object or a boolean"),
    ("after_sensitive", (Mapping, bool), "an object or a boolean"),
)


def load_plan(data: bytes, path: str = "plan.json") -> ChangeSet:
    """Parse the bytes of a plan JSON file; raise InputError with one clear line when it is not one."""
    document = parse_json(data, path)
    return plan_from_document(document, path)


def parse_json(data: bytes, path: str) -> Any:
    # `not data.strip()` without its copy: `terraform show -json` ends with a newline, so strip copied every plan
    # whole (18.6 MB of fresh pages at 10,000 resources, ~10 ms) to see whether it was empty (ADR 0692)
    if not data or data.isspace():
        raise InputError("the file is empty; expected the JSON of `terraform show -json PLANFILE`", path=path)
    if data.startswith(_ZIP_MAGIC):
        raise InputError(
            f"this is a binary plan file, not JSON; run `terraform show -json {path} > plan.json` and scan plan.json",
            path=path,
        )
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if _OUT_OF_RANGE in exc.msg:
            return _exact_numbers(decode(data, path), path)
    text = decode(data, path)
    try:
        return orjson.loads(text.lstrip("\ufeff"))
    except orjson.JSONDecodeError as exc:
        if _OUT_OF_RANGE in exc.msg:
            return _exact_numbers(text, path)
        problem = exc
    scrubbed = scrub_json_escapes(text)  # half a surrogate pair escaped reads as U+FFFD, as in Terraform (ADR 0370)
    if scrubbed != text:
        try:
            return orjson.loads(scrubbed.lstrip("\ufeff"))
        except orjson.JSONDecodeError as exc:
            if _OUT_OF_RANGE in exc.msg:
                return _exact_numbers(text, path)
    raise InputError(_json_problem(text, problem), path=path) from None


# orjson's message for a number past the double range (`1e999`, a 400-digit integer): valid JSON that Terraform
# writes (a cty number is a 512-bit big.Float), read again by `_exact_numbers` (ADR 0420)
_OUT_OF_RANGE = "number is infinity when parsed as double"
_MAX_NESTING = 1024  # orjson's depth limit


def _not_json(name: str) -> Any:
    raise ValueError(f"`{name}` is not a JSON value (JSON has no NaN or Infinity)")


def _exact_numbers(text: str, path: str) -> Any:
    """The document read again with numbers past a double's range kept (`PlanNumber`, ADR 0420). Run only when
    orjson refused one."""
    scrubbed = scrub_json_escapes(text).lstrip("\ufeff")
    try:
        return read_exact(scrubbed)
    except orjson.JSONDecodeError as exc:
        problem = exc
    # the error's position is in the text with the numbers swapped: read the text as written for it
    try:
        json.loads(scrubbed, parse_int=str, parse_float=str, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        raise InputError(_json_problem(scrubbed, exc), path=path) from None
    except ValueError as exc:
        raise InputError(f"invalid JSON: {exc}", path=path) from None
    except RecursionError:
        pass  # deeper than the standard library reads: orjson's word, without its position
    if "depth limit" in problem.msg:
        raise InputError(f"the JSON is nested more than {_MAX_NESTING} levels deep; not a plan", path=path)
    raise InputError(f"invalid JSON: {problem.msg}", path=path)


def _json_problem(text: str, exc: json.JSONDecodeError) -> str:
    stripped = text.rstrip()
    if stripped[:1] not in ("{", "["):
        return f"not JSON (starts with {quoted_start(stripped)}); expected the JSON of `terraform show -json PLANFILE`"
    if exc.pos >= len(stripped) - 1 or "EOF" in exc.msg or "unexpected end" in exc.msg.lower():
        return (
            f"the JSON ends early at line {exc.lineno}, column {exc.colno} — the file looks truncated; "
            "write it again with `terraform show -json PLANFILE > plan.json`"
        )
    where = f"line {exc.lineno}, column {exc.colno}"
    if "depth limit" in exc.msg:
        return f"the JSON is nested more than {_MAX_NESTING} levels deep (at {where}); not a plan"
    if "after document" in exc.msg or exc.msg.startswith("Extra data"):
        return more_than_one_document(text.lstrip("\ufeff").lstrip(), where)
    found = text.lstrip("\ufeff")[exc.pos : exc.pos + 9]
    for literal in ("NaN", "Infinity", "-Infinity"):
        if found.startswith(literal):
            return f"invalid JSON at {where}: `{literal}` is not a JSON value (JSON has no NaN or Infinity)"
    return f"invalid JSON at {where}: {exc.msg}"


def describe(document: Any) -> str:
    """What a JSON document that is not a plan looks like, for the error message."""
    if is_ui_message(document):
        return UI_STREAM
    if isinstance(document, list):
        return f"a JSON array of {len(document)} items"
    if not isinstance(document, Mapping):
        return f"{_json_kind(document)}, not an object"
    if "lineage" in document and "serial" in document:
        return "a Terraform state file (terraform.tfstate), not a plan"
    if "values" in document and "format_version" in document and "resource_changes" not in document:
        return "the JSON of a state (`terraform show -json` without a plan file), not a plan"
    if "terraform" in document or ("resource" in document and "format_version" not in document):
        return "Terraform configuration written as JSON (.tf.json), not a plan"
    keys = ", ".join(sorted(str(k) for k in document)[:6])
    return f"a JSON object with keys {keys or '(none)'}"


def plan_from_document(document: Any, path: str) -> ChangeSet:
    is_plan = (
        isinstance(document, Mapping)
        and "format_version" in document
        and ("resource_changes" in document or "planned_values" in document)
    )
    if not is_plan:
        raise InputError(
            f"not a Terraform plan: this is {describe(document)}; expected the JSON of `terraform show -json PLANFILE`",
            path=path,
        )
    raw_version = document.get("format_version")
    if isinstance(raw_version, bool) or not isinstance(raw_version, (str, int, float)):
        raise InputError(
            f'plan format_version is {_json_kind(raw_version)}, expected a string such as "1.2"', path=path
        )
    version = str(raw_version)
    if version.split(".", 1)[0] not in _KNOWN_MAJORS:
        raise InputError(f"plan format_version {version} is not supported (known: 0.x and 1.x)", path=path)
    errored = errored_plan_problem(document)  # ADR 0517: a part of a change is not reviewed as if it were whole
    if errored is not None:
        raise InputError(errored, path=path)
    configuration = read_configuration(document.get("configuration"))
    add_state_dependencies(configuration, document.get("prior_state"))
    references, configured = configuration.references, configuration.expressions
    changes = _changes(_list(document, "resource_changes", path), "resource_changes", references, path, configured)
    calls = module_call_changes(document.get("configuration"), changes, document.get("prior_state"))  # ADR 0431
    changes.extend(provider_changes(document.get("configuration")))
    changes.extend(calls)
    drift = _changes(_list(document, "resource_drift", path), "resource_drift", references, path, None)
    outputs = document.get("output_changes") or {}
    change_set = ChangeSet(
        changes=changes,
        source="plan",
        drift=drift,
        format_version=version,
        terraform_version=_str_or_none(document.get("terraform_version")),
        output_changes=outputs if isinstance(outputs, Mapping) else {},
        label=path,
        dependencies=configuration.dependencies,
        imports=_imports(document.get("resource_changes")),
        # their copies are hidden too (S2), and those of the values deferred changes and actions mark
        sensitive_values=frozenset(sensitive_variable_values(document) | section_secrets(document)),
    )
    notes = (
        *section_notes(document),
        *unknown_action_notes(_unknown_actions(changes), "resource_changes"),
        *unknown_action_notes(_unknown_actions(drift), "resource_drift"),
        *policy_notes(changes),  # a policy known only after apply is not judged: said (ADR 0635)
    )
    if notes:
        change_set = change_set.with_notes(notes)
    planned = 0 if "resource_changes" in document else planned_resource_count(document.get("planned_values"))
    if not planned:
        return change_set
    return change_set.with_notes(  # ADR 0461: never a silent "0 of 0" when the document holds resources
        (
            f"the plan has no `resource_changes` but {planned} resource{'s' if planned != 1 else ''} in "
            f"`planned_values`, which {'were' if planned != 1 else 'was'} not reviewed: a planned state leaves out "
            "every value known only after apply and says nothing of what changes; write the plan with "
            "`terraform show -json PLANFILE`",
        )
    )


_ACTIONS = attrgetter("actions")


def _unknown_actions(changes: list[ResourceChange]) -> list[tuple[str, tuple[str, ...], str]]:
    """(address, actions, kind reviewed as) of each change whose actions the format does not document: the set of
    action lists is made in C, and only a plan that holds an unknown one is looked at change by change."""
    if set(map(_ACTIONS, changes)) <= KNOWN_ACTIONS:
        return []
    return [(c.address, c.actions, c.kind.value) for c in changes if c.actions not in KNOWN_ACTIONS]


def planned_resource_count(planned_values: Any) -> int:
    """How many resources `planned_values` lists (root and child modules), bounded; 0 for anything else."""
    count, modules, seen = 0, [_mapping_or_empty(planned_values).get("root_module")], 0
    while modules and seen < 100_000:
        module = modules.pop()
        seen += 1
        if isinstance(module, Mapping):
            modules.extend(_list_or_empty(module.get("child_modules")))
            count += sum(1 for r in _list_or_empty(module.get("resources")) if isinstance(r, Mapping))
    return count


def _list(document: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = document.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"`{key}` is {_json_kind(value)}, expected a list", path=path)
    return value


def _json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's words: `an object`, `a string`…"""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, Mapping) else "null"


def _list_or_empty(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping_or_empty(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _imports(items: Any) -> tuple[tuple[str, str | None], ...]:
    """The changes that import an existing object (`"importing": {"id": …}`, Terraform 1.5+; an `identity` or
    `unknown` in place of the id, 1.12+), with the id when the plan gives one as a string."""
    if type(items) is not list:
        return ()
    found: list[tuple[str, str | None]] = []
    for entry in items:
        change = entry.get("change") if type(entry) is dict else None
        importing = change.get("importing") if type(change) is dict else None
        if importing is None or importing is False or type(entry.get("address")) is not str:
            continue
        given = importing.get("id") if type(importing) is dict else None
        found.append((entry["address"], given if type(given) is str and given else None))
    return tuple(found)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# the types a parsed plan holds where a change is well formed: values are objects or null, masks objects, null or
# booleans; anything else is looked at again by `_check_values`, which says what is wrong
_VALUE_TYPES = frozenset({dict, type(None)})
_MASK_TYPES = frozenset({dict, type(None), bool})
# what Terraform writes in every change and every resource, each set read in one call (C) instead of a `.get` each
_CHANGE_KEYS = ("actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive")
_CHANGE_VALUES = itemgetter(*_CHANGE_KEYS)
_ITEM_VALUES = itemgetter("type", "name", "mode", "provider_name")


def _changes(
    items: list[Any],
    key: str,
    references: Mapping[str, Mapping[str, tuple[str, ...]]],
    path: str,
    configured: Mapping[str, Mapping[str, Any]] | None,
) -> list[ResourceChange]:
    """Each entry of `resource_changes` (or `resource_drift`) as a ResourceChange. Run once per resource (10,000s)
    in one loop, no call but the record's own: what a parsed plan holds is checked by exact type first (no ABC
    checks, no generator), and only an entry that fails that is looked at again (`_entry`, `_check_values`)."""
    out: list[ResourceChange] = []
    append = out.append
    by_instance = bool(references or configured)  # a configuration to look resources up in, by config address
    for index, entry in enumerate(items):
        item: Mapping[str, Any]
        change: Mapping[str, Any]
        if type(entry) is dict and type(entry.get("address")) is str and type(entry.get("change")) is dict:
            item, change = entry, entry["change"]
        else:
            item, change = _entry(entry, index, key, path)
        try:  # the six keys Terraform writes in every change, read in one call (C); a plan without one: `.get`
            actions, before, after, after_unknown, before_sensitive, after_sensitive = _CHANGE_VALUES(change)
        except KeyError:
            actions, before, after, after_unknown, before_sensitive, after_sensitive = map(change.get, _CHANGE_KEYS)
        if type(actions) is not list or not (
            (len(actions) == 1 and type(actions[0]) is str) or all(isinstance(a, str) for a in actions)
        ):
            raise InputError(f"{key}[{index}] ({item['address']}) has no list of actions", path=path)
        address: str = item["address"]
        if not (
            type(before) in _VALUE_TYPES
            and type(after) in _VALUE_TYPES
            and type(after_unknown) in _MASK_TYPES
            and type(before_sensitive) in _MASK_TYPES
            and type(after_sensitive) in _MASK_TYPES
        ):
            _check_values(change, index, key, address, path)
        replace_paths = change.get("replace_paths")
        config_address = (strip_index(address) if "[" in address else address) if by_instance else address
        item_get = item.get
        try:  # the four a resource always has, as `_CHANGE_VALUES`
            kind, name, mode, provider = _ITEM_VALUES(item)
        except KeyError:
            kind, name = item_get("type", ""), item_get("name", "")
            mode, provider = item_get("mode", "managed"), item_get("provider_name", "")
        module = item_get("module_address")
        reason, previous = item_get("action_reason"), item_get("previous_address")
        append(
            new_resource_change(
                address,
                kind if type(kind) is str else str(kind),
                name if type(name) is str else str(name),
                tuple(actions),
                before,
                after,
                after_unknown,
                before_sensitive,
                after_sensitive,
                mode if type(mode) is str else str(mode),
                module if type(module) is str else None,
                provider if type(provider) is str else str(provider),
                item_get("index"),
                reason if type(reason) is str else None,
                _paths(replace_paths) if replace_paths else (),
                previous if type(previous) is str else None,
                (references.get(config_address) or {}) if references else {},
                configured.get(config_address) if configured else None,
                deposed if type(deposed := item_get("deposed")) is str and deposed else None,
            )
        )
    return out


def _paths(replace_paths: Any) -> tuple[tuple[str | int, ...], ...]:
    """`replace_paths` as Terraform writes it, a list of paths each a list of keys and indexes; what is not
    (a number, a boolean, an object where a list belongs: a document nobody's Terraform wrote) is left out,
    as the other optional keys of a change are."""
    if type(replace_paths) is not list:
        return ()
    return tuple(
        tuple(p) for p in replace_paths if type(p) is list and all(type(part) is str or type(part) is int for part in p)
    )


def _entry(item: Any, index: int, key: str, path: str) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """An entry that is not a dict with a string address and a `change` dict: (the entry, its change) when it
    is a mapping still (an address rebuilt from its parts where Terraform 1.0.0 left it out), else InputError."""
    if isinstance(item, Mapping) and not isinstance(item.get("address"), str):
        item = {**item, "address": _address_of(item)} if _address_of(item) else item
    if not isinstance(item, Mapping) or not isinstance(item.get("address"), str):
        raise InputError(f"{key}[{index}] has no address; the plan is malformed", path=path)
    change = item.get("change")
    if not isinstance(change, Mapping):
        raise InputError(f"{key}[{index}] ({item['address']}) has no `change` object", path=path)
    return item, change


def _check_values(change: Mapping[str, Any], index: int, key: str, address: str, path: str) -> None:
    """The values and masks of a change are of the kinds plan JSON gives them, or the plan is malformed."""
    for field, allowed, expected in _CHANGE_FIELDS:
        value = change.get(field)
        if value is not None and not isinstance(value, allowed):
            raise InputError(
                f"{key}[{index}] ({address}): `change.{field}` is {_json_kind(value)}, expected {expected}; "
                "the plan is malformed",
                path=path,
            )


def _address_of(item: Mapping[str, Any]) -> str | None:
    """Terraform 1.0.0 wrote `resource_drift` entries without an address: rebuild it from its parts."""
    kind, name = item.get("type"), item.get("name")
    if not isinstance(kind, str) or not isinstance(name, str):
        return None
    address = f"{'data.' if item.get('mode') == 'data' else ''}{kind}.{name}"
    index = item.get("index")
    if type(index) is int:  # JSON `true` is no index (bool is an int in Python: it was `[True]`)
        address += f"[{index}]"
    elif isinstance(index, str):
        address += instance_key(index)
    module = item.get("module_address")
    return f"{module}.{address}" if isinstance(module, str) and module else address


def _constant_body(expressions: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A block's literal arguments (`constant_value`) and nested blocks, with a mask of the rest (unknown)."""
    values: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for argument, expression in expressions.items():
        if isinstance(expression, Mapping) and "constant_value" in expression:
            values[argument] = expression["constant_value"]
        elif isinstance(expression, list) and expression and all(isinstance(b, Mapping) for b in expression):
            pairs = [_constant_body(block) for block in expression]  # nested blocks (`endpoints { … }`)
            values[argument] = [block for block, _ in pairs]
            if any(mask for _, mask in pairs):
                unknown[argument] = [mask or False for _, mask in pairs]
        else:
            unknown[argument] = True
    return values, unknown


def provider_changes(configuration: Any) -> list[ResourceChange]:
    """Provider blocks as pseudo resources `provider.<name>[.<alias>]` of type `<name>_provider`.

    A plan says nothing about when a provider block was written, so they are no-op changes whose
    values are the literal arguments (`constant_value`); an argument given by an expression is unknown.
    The provider's `version_constraint` is its `version`, as a provider block's legacy argument reads in HCL.
    """
    if not isinstance(configuration, Mapping) or not isinstance(configuration.get("provider_config"), Mapping):
        return []
    out = []
    for key, provider in configuration["provider_config"].items():
        if not isinstance(provider, Mapping) or not isinstance(provider.get("name"), str):
            continue
        name: str = provider["name"].rsplit("/", 1)[-1]
        alias = provider.get("alias")
        module = provider.get("module_address")
        address = f"provider.{name}" + (f".{alias}" if isinstance(alias, str) else "")
        if isinstance(module, str) and module:
            address = f"{module}.{address}"
        values, unknown = _constant_body(_mapping_or_empty(provider.get("expressions")))
        constraint = provider.get("version_constraint")
        if isinstance(constraint, str) and constraint and "version" not in values:
            values = {**values, "version": constraint}  # as HCL mode reads a provider block's `version`
        out.append(
            ResourceChange(
                address=address,
                type=f"{name}_provider",
                name=alias if isinstance(alias, str) else name,
                actions=("no-op",),
                before=values,
                after=values,
                after_unknown=unknown,
                module_address=module if isinstance(module, str) else None,
                provider=str(key),
            )
        )
    return out
