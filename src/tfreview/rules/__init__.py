"""The rule library: one module per rule (exporting `RULE`) beside one examples file (`<module>.toml`),
or one declarative rule file (`<name>.toml` with `[rule]` and `[check]`, no module beside it).

Rules are collected by walking the provider packages, never by import side effects: a module
that exports `RULE` is a rule; other modules (shared helpers such as `network.py`) are not; a
`.toml` file without a module of the same name is a declarative rule (`rules.declarative`).
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from tfreview.core.errors import ConfigError
from tfreview.core.rules import Rule
from tfreview.rules.declarative import load_rule_file
from tfreview.rules.library_index import LibraryIndex, index_path, wait_until_settled

PROVIDER_PACKAGES = ("aws", "azure", "gcp", "kubernetes", "terraform", "changes")
_PROVIDERS = {"changes": "change"}  # the package of change rules; its rules say provider "change"


@dataclass(frozen=True, slots=True)
class _Entry:
    """One rule in the library, found without importing or parsing it."""

    package: str
    stem: str
    declarative: bool
    types: tuple[str, ...] | None  # () every type; None: cannot tell without loading the rule

    def concerns(self, types: frozenset[str]) -> bool:
        if self.types is None:  # unknown until loaded, but a provider package's rules name only its types
            prefixes = TYPE_PREFIXES.get(self.package)
            return prefixes is None or any(t.startswith(prefixes) for t in types)
        return not self.types or not types.isdisjoint(self.types)


# the resource-type prefixes of each provider package: its rules concern no other type (a test holds it)
TYPE_PREFIXES: dict[str, tuple[str, ...]] = {"aws": ("aws_",), "azure": ("azurerm_", "azuread_"), "gcp": ("google_",)}


_TYPES_IN_TOML = re.compile(r"^resource_types\s*=\s*\[([^\]]*)\]", re.MULTILINE)
_TYPES_IN_PYTHON = re.compile(r"\bresource_types=\(([^)]*)\)")


@lru_cache(maxsize=1)
def _index() -> LibraryIndex:
    """The library's files as last read (`rules/__pycache__/library.*.json`, checked against each file's stamp)."""
    base = Path(__file__).parent
    return LibraryIndex(base, index_path(base))


@lru_cache(maxsize=1)
def _entries() -> tuple[_Entry, ...]:
    """Every rule of the library with the resource types it declares, read as text (cheap: no import)."""
    base = Path(__file__).parent
    index = _index()
    entries: list[_Entry] = []
    for package in PROVIDER_PACKAGES:
        names = sorted(os.listdir(base / package))
        modules = set()
        for name in names:
            stem, suffix = os.path.splitext(name)
            if suffix != ".py" or stem.startswith("_") or not stem.isidentifier():
                continue
            modules.add(stem)
            entries.append(_Entry(package, stem, False, index.declared_types(f"{package}/{name}", _TYPES_IN_PYTHON)))
        for name in names:
            stem, suffix = os.path.splitext(name)
            if suffix == ".toml" and stem not in modules:  # else: the examples of a Python rule
                entries.append(_Entry(package, stem, True, index.declared_types(f"{package}/{name}", _TYPES_IN_TOML)))
    return tuple(entries)


@cache
def _rule(entry: _Entry) -> Rule | None:
    folder = Path(__file__).parent / entry.package
    if entry.declarative:
        path = folder / f"{entry.stem}.toml"
        return load_rule_file(path, _PROVIDERS.get(entry.package, entry.package), parse=_index().toml)
    module = importlib.import_module(f"tfreview.rules.{entry.package}.{entry.stem}")
    rule = getattr(module, "RULE", None)
    if not isinstance(rule, Rule):
        return None
    examples = folder / f"{entry.stem}.toml"
    return replace(rule, examples_file=str(examples) if examples.exists() else None)


def _collect(entries: Iterable[_Entry]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    try:
        for entry in entries:
            rule = _rule(entry)
            if rule is None:
                continue
            for name in (rule.id, rule.long_id):
                if name in seen:
                    raise ConfigError(f"rule name {name} is used twice: {seen[name]} and {entry.package}/{entry.stem}")
                seen[name] = f"{entry.package}/{entry.stem}"
            rules.append(rule)
    finally:
        _index().save()  # what this process read, kept for the next (a no-op when nothing was new)
    return tuple(sorted(rules, key=lambda r: r.id))


@lru_cache(maxsize=1)
def _load() -> tuple[Rule, ...]:
    return _collect(_entries())


def load_rules_for(resource_types: Iterable[str]) -> list[Rule]:
    """The rules that concern any of `resource_types` (and those for every type), sorted by id.

    Only those rules are imported or parsed: a review of a change set loads the rules of the types
    it contains, not the whole library.
    """
    wanted = frozenset(resource_types)
    return list(_collect(entry for entry in _entries() if entry.concerns(wanted)))


def library_toml(path: Path) -> dict[str, Any]:
    """A TOML file of the library (a declarative rule, a support table such as `support/stateful_types.toml`)
    parsed, through the library's index: kept while the file is unchanged, as the rules' own files are."""
    return _index().toml(path)


def build_index() -> Path | None:
    """Read every rule of the library and write its index whatever PYTHONDONTWRITEBYTECODE says; the
    index's path, or None when it cannot be written (`python -m tfreview.rules`). Files written in the last
    two seconds (a fresh checkout or install) are waited for, else their entries would be left out."""
    wait_until_settled(Path(__file__).parent)
    _load()
    index = _index()
    return index.path if index.save(force=True) else None


def load_rules() -> list[Rule]:
    """Every rule in the library, sorted by id."""
    return list(_load())


def find_rule(name: str) -> Rule | None:
    """A rule by id, long id or peer id (the first rule that lists the peer id)."""
    for rule in _load():
        if name in rule.names():
            return rule
    return None


def find_rules(name: str) -> list[Rule]:
    """Every rule answering to `name`: one for an id or long id, several for a peer id two rules share
    (Trivy's AVD-AWS-0057 is three of ours). Exact names first, else the same name in any case."""
    exact = [rule for rule in _load() if name in rule.names()]
    if exact:
        return exact
    folded = name.casefold()
    return [rule for rule in _load() if any(folded == n.casefold() for n in rule.names())]
