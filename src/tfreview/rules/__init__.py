"""The rule library: one module per rule (exporting `RULE`) beside one examples file (`<module>.toml`),
or one declarative rule file (`<name>.toml` with `[rule]` and `[check]`, no module beside it).

Rules are collected by walking the provider packages, never by import side effects: a module
that exports `RULE` is a rule; other modules (shared helpers such as `network.py`) are not; a
`.toml` file without a module of the same name is a declarative rule (`rules.declarative`).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from tfreview.core.errors import ConfigError
from tfreview.core.rules import Rule
from tfreview.rules.declarative import load_rule_file

PROVIDER_PACKAGES = ("aws", "azure", "gcp", "changes")
_PROVIDERS = {"changes": "change"}  # the package of change rules; its rules say provider "change"


@lru_cache(maxsize=1)
def _load() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    base = Path(__file__).parent
    for package in PROVIDER_PACKAGES:
        folder = base / package
        for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda i: i.name):
            if info.ispkg or info.name.startswith("_"):
                continue
            module = importlib.import_module(f"tfreview.rules.{package}.{info.name}")
            rule = getattr(module, "RULE", None)
            if not isinstance(rule, Rule):
                continue
            for name in (rule.id, rule.long_id):
                if name in seen:
                    raise ConfigError(f"rule name {name} is used twice: {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
            examples = folder / f"{info.name}.toml"
            rules.append(replace(rule, examples_file=str(examples) if examples.exists() else None))
        modules = {info.name for info in pkgutil.iter_modules([str(folder)])}
        for path in sorted(folder.glob("*.toml")):
            if path.stem in modules:
                continue  # the examples of a Python rule
            rule = load_rule_file(path, _PROVIDERS.get(package, package))
            for name in (rule.id, rule.long_id):
                if name in seen:
                    raise ConfigError(f"rule name {name} is used twice: {seen[name]} and {path.name}")
                seen[name] = str(path)
            rules.append(rule)
    return tuple(sorted(rules, key=lambda r: r.id))


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
