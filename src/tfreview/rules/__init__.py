"""The rule library: one module per rule (exporting `RULE`) beside one examples file (`<module>.toml`),
or one declarative rule file (`<name>.toml` with `[rule]` and `[check]`, no module beside it).

Rules are collected by walking the provider packages, never by import side effects: a module
that exports `RULE` is a rule; other modules (shared helpers such as `network.py`) are not; a
`.toml` file without a module of the same name is a declarative rule (`rules.declarative`).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from tfreview.core.errors import ConfigError
from tfreview.core.rules import Rule
from tfreview.rules.declarative import load_rule_file

PROVIDER_PACKAGES = ("aws", "azure", "gcp", "kubernetes", "changes")
_PROVIDERS = {"changes": "change"}  # the package of change rules; its rules say provider "change"


@dataclass(frozen=True, slots=True)
class _Entry:
    """One rule in the library, found without importing or parsing it."""

    package: str
    stem: str
    declarative: bool
    types: tuple[str, ...] | None  # () every type; None: cannot tell without loading the rule

    def concerns(self, types: frozenset[str]) -> bool:
        return self.types is None or not self.types or not types.isdisjoint(self.types)


_TYPES_IN_TOML = re.compile(r"^resource_types\s*=\s*\[([^\]]*)\]", re.MULTILINE)
_TYPES_IN_PYTHON = re.compile(r"\bresource_types=\(([^)]*)\)")
_QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')


def _declared_types(text: str, pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    found = pattern.search(text)
    if found is None or _QUOTED.sub("", found.group(1)).replace(",", "").strip():
        return None  # not a literal list of names (a constant, a call): load the rule to know
    return tuple(_QUOTED.findall(found.group(1)))


@lru_cache(maxsize=1)
def _entries() -> tuple[_Entry, ...]:
    """Every rule of the library with the resource types it declares, read as text (cheap: no import)."""
    base = Path(__file__).parent
    entries: list[_Entry] = []
    for package in PROVIDER_PACKAGES:
        folder = base / package
        modules = set()
        for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda i: i.name):
            if info.ispkg or info.name.startswith("_"):
                continue
            modules.add(info.name)
            text = (folder / f"{info.name}.py").read_text(encoding="utf-8")
            entries.append(_Entry(package, info.name, False, _declared_types(text, _TYPES_IN_PYTHON)))
        for path in sorted(folder.glob("*.toml")):
            if path.stem not in modules:  # else: the examples of a Python rule
                text = path.read_text(encoding="utf-8")
                entries.append(_Entry(package, path.stem, True, _declared_types(text, _TYPES_IN_TOML)))
    return tuple(entries)


@cache
def _rule(entry: _Entry) -> Rule | None:
    folder = Path(__file__).parent / entry.package
    if entry.declarative:
        return load_rule_file(folder / f"{entry.stem}.toml", _PROVIDERS.get(entry.package, entry.package))
    module = importlib.import_module(f"tfreview.rules.{entry.package}.{entry.stem}")
    rule = getattr(module, "RULE", None)
    if not isinstance(rule, Rule):
        return None
    examples = folder / f"{entry.stem}.toml"
    return replace(rule, examples_file=str(examples) if examples.exists() else None)


def _collect(entries: Iterable[_Entry]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for entry in entries:
        rule = _rule(entry)
        if rule is None:
            continue
        for name in (rule.id, rule.long_id):
            if name in seen:
                raise ConfigError(f"rule name {name} is used twice: {seen[name]} and {entry.package}/{entry.stem}")
            seen[name] = f"{entry.package}/{entry.stem}"
        rules.append(rule)
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
