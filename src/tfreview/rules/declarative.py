"""Declarative rules: one TOML file per rule — metadata, the check as conditions, and the examples.

    src/tfreview/rules/<provider>/<name>.toml     (no <name>.py beside it)

    [rule]        id, long_id, title, severity, category, resource_types, remediation, description
    [rule.references]   checkov, trivy, aliases (lists of ids)
    [rule] subsumes     optional: ids of rules whose hits on the same item this rule's finding stands for
    [check]       a condition (see `tfreview.core.conditions`)
    [[bad]] / [[good]]  the examples, as for a Python rule

The file name is the long id without its provider prefix (`aws-kms-key-rotation` →
`aws/kms_key_rotation.toml`). Every mistake is reported as `file: \\`key\\`: what is wrong`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tfreview.core.condition_compiling import compile_check
from tfreview.core.condition_parsing import parse_condition
from tfreview.core.conditions import ConditionError
from tfreview.core.errors import ConfigError
from tfreview.core.rules import References, Rule
from tfreview.core.severity import Severity
from tfreview.rules.library_index import read_toml

CATEGORIES = ("encryption", "networking", "iam", "logging", "backup", "secrets", "general")
_TOP_KEYS = frozenset({"rule", "check", "bad", "good"})
_RULE_KEYS = frozenset(
    {
        "id",
        "long_id",
        "title",
        "severity",
        "category",
        "resource_types",
        "remediation",
        "description",
        "references",
        "subsumes",
    }
)
_REQUIRED = ("id", "long_id", "title", "severity", "category", "resource_types", "remediation", "description")
_REFERENCE_KINDS = {
    "checkov": re.compile(r"CKV2?_[A-Z0-9]+_[0-9]+"),
    "trivy": re.compile(r"AVD-[A-Z0-9]+-[0-9]{4}|[a-z0-9]+(-[a-z0-9]+)+"),
    "aliases": re.compile(r"[a-z0-9]+(-[a-z0-9]+)+|TFR-[A-Z0-9]+-[0-9]{3}"),
}
_EXAMPLE_KEYS = frozenset({"name", "flags", "plan", "hcl", "base_hcl"})
_ID = re.compile(r"TFR-([A-Z0-9]+)-[0-9]{3}")
ID_PREFIXES = {  # TFR-<prefix>-NNN
    "aws": "AWS",
    "azure": "AZU",
    "gcp": "GCP",
    "kubernetes": "K8S",
    "terraform": "TF",
    "change": "CHG",
}
_TYPE = re.compile(r"[a-z][a-z0-9_]*")


def module_stem(long_id: str, provider: str) -> str:
    """The file (or module) name a rule's long id asks for: `aws-kms-key-rotation` → `kms_key_rotation`."""
    prefix = f"{provider}-"
    stem = long_id[len(prefix) :] if long_id.startswith(prefix) else long_id
    return stem.replace("-", "_")


def load_rule_file(path: Path, provider: str, *, parse: Callable[[Path], Mapping[str, Any]] = read_toml) -> Rule:
    """The rule a declarative file describes; ConfigError naming the file and the key when it is malformed.

    `parse` reads the file's TOML (the library passes its index, `rules.library_index`)."""
    shown = str(path)
    try:
        data = parse(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the rule file: {exc}", path=shown) from None
    except ValueError as exc:  # tomllib's TOMLDecodeError is one: imported here, where a file failed to parse
        import tomllib

        if not isinstance(exc, tomllib.TOMLDecodeError):
            raise
        raise ConfigError(f"not valid TOML: {exc}", path=shown) from None
    try:
        return _rule(data, path, provider)
    except ConditionError as exc:
        raise ConfigError(str(exc), path=shown) from None


def _fail(key: str, message: str) -> ConditionError:
    return ConditionError(key, message)


def _rule(data: Mapping[str, Any], path: Path, provider: str) -> Rule:
    extra = sorted(set(data) - _TOP_KEYS)
    if extra:
        raise _fail(extra[0], "unknown top-level key (allowed: [rule], [check], [[bad]], [[good]])")
    meta = data.get("rule")
    if not isinstance(meta, Mapping):
        raise _fail("rule", "missing: a declarative rule file needs a [rule] table (or a .py module beside it)")
    extra = sorted(set(meta) - _RULE_KEYS)
    if extra:
        raise _fail(f"rule.{extra[0]}", f"unknown key (allowed: {', '.join(sorted(_RULE_KEYS))})")
    for key in _REQUIRED:
        if key not in meta:
            raise _fail(f"rule.{key}", "missing")
    text = {key: _text(meta, key) for key in ("id", "long_id", "title", "remediation", "description")}
    prefix = ID_PREFIXES.get(provider, provider.upper())
    matched = _ID.fullmatch(text["id"])
    if matched is None or matched.group(1) != prefix:
        raise _fail("rule.id", f"expected TFR-{prefix}-NNN (three digits), got {text['id']!r}")
    if module_stem(text["long_id"], provider) != path.stem or not text["long_id"].startswith(f"{provider}-"):
        wanted = f"{provider}-{path.stem.replace('_', '-')}"
        raise _fail("rule.long_id", f"must match the file name: expected {wanted!r}, got {text['long_id']!r}")
    try:
        severity = Severity.parse(_text(meta, "severity"))
    except ValueError as exc:
        raise _fail("rule.severity", str(exc)) from None
    category = _text(meta, "category")
    if category not in CATEGORIES:
        raise _fail("rule.category", f"expected one of {', '.join(CATEGORIES)}, got {category!r}")
    types = meta["resource_types"]
    if not isinstance(types, list) or not types or not all(isinstance(t, str) and _TYPE.fullmatch(t) for t in types):
        raise _fail("rule.resource_types", "expected a non-empty list of resource type names")
    resource_types = tuple(types)
    references = _references(meta.get("references", {}))
    subsumes = meta.get("subsumes", [])
    if not isinstance(subsumes, list) or not all(isinstance(s, str) and _ID.fullmatch(s) for s in subsumes):
        raise _fail("rule.subsumes", "expected a list of rule ids (TFR-XXX-NNN) whose hits this rule's finding covers")
    if "check" not in data:
        raise _fail("check", "missing: the condition a compliant resource satisfies")
    condition = parse_condition(data["check"], "check", resource_types)
    _examples(data)
    defaults = tuple(
        dict.fromkeys(
            (_path_text(test.attribute), test.default_text())
            for test in condition.attributes()
            if test.has_default or test.unset is not None
        )
    )
    return Rule(
        id=text["id"],
        long_id=text["long_id"],
        title=text["title"],
        severity=severity,
        provider=provider,
        category=category,
        resource_types=resource_types,
        remediation=text["remediation"],
        description=text["description"],
        references=references,
        check=compile_check(condition),
        subsumes=tuple(subsumes),
        examples_file=str(path),
        defaults=defaults,
        declarative=True,
    )


def _path_text(attribute: str | Mapping[str, str]) -> str:
    if isinstance(attribute, str):
        return attribute
    return ", ".join(f"{path} ({type_name})" for type_name, path in attribute.items())


def _text(meta: Mapping[str, Any], key: str) -> str:
    value = meta[key]
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"rule.{key}", "expected a non-empty string")
    return value.strip()


def _references(value: Any) -> References:
    if not isinstance(value, Mapping):
        raise _fail("rule.references", "expected a table with checkov, trivy and aliases lists")
    out: dict[str, tuple[str, ...]] = {}
    for kind, ids in value.items():
        pattern = _REFERENCE_KINDS.get(kind)
        if pattern is None:
            raise _fail(f"rule.references.{kind}", f"unknown kind (allowed: {', '.join(_REFERENCE_KINDS)})")
        if not isinstance(ids, list):
            raise _fail(f"rule.references.{kind}", "expected a list of ids")
        for index, ref in enumerate(ids):
            if not isinstance(ref, str) or not pattern.fullmatch(ref):
                raise _fail(f"rule.references.{kind}[{index}]", f"{ref!r} is not a {kind} id")
        out[kind] = tuple(ids)
    return References(**out)


def _examples(data: Mapping[str, Any]) -> None:
    for kind in ("bad", "good"):
        entries = data.get(kind)
        if not isinstance(entries, list) or not entries:
            raise _fail(kind, f"missing: at least one [[{kind}]] example")
        for index, entry in enumerate(entries):
            key = f"{kind}[{index}]"
            if not isinstance(entry, Mapping):
                raise _fail(key, "expected a table")
            extra = sorted(set(entry) - _EXAMPLE_KEYS)
            if extra:
                raise _fail(f"{key}.{extra[0]}", f"unknown key (allowed: {', '.join(sorted(_EXAMPLE_KEYS))})")
            if "plan" not in entry and "hcl" not in entry:
                raise _fail(key, "needs `plan` or `hcl`")
            for field in ("name", "plan", "hcl", "base_hcl"):
                if field in entry and not isinstance(entry[field], str):
                    raise _fail(f"{key}.{field}", "expected a string")
            flags = entry.get("flags", [])
            if not isinstance(flags, list) or not all(isinstance(a, str) for a in flags):
                raise _fail(f"{key}.flags", "expected a list of addresses")
            if kind == "bad" and not flags:
                raise _fail(f"{key}.flags", "a bad example lists the addresses it must flag")
            if kind == "good" and flags:
                raise _fail(f"{key}.flags", "a good example flags nothing")
