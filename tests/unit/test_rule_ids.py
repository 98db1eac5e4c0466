"""Rule names are stable: ids never reused (the registry `rules/ids.toml`), module names match long ids,
and the rule folders hold only rules (helpers live in `rules/support/`)."""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from pathlib import Path

from tfreview.rules import PROVIDER_PACKAGES, load_rules
from tfreview.rules.declarative import module_stem

RULES_DIR = Path(importlib.import_module("tfreview.rules").__file__ or "").parent
REGISTRY = tomllib.loads((RULES_DIR / "ids.toml").read_text(encoding="utf-8"))
STATUSES = {"active", "deprecated", "removed"}


def test_every_rule_is_registered_under_its_own_long_id() -> None:
    for rule in load_rules():
        entry = REGISTRY.get(rule.id)
        assert entry is not None, f"{rule.id} is not in rules/ids.toml: add its line"
        assert entry["long_id"] == rule.long_id, (
            f"{rule.id} was registered as {entry['long_id']!r}, the rule says {rule.long_id!r}: "
            "ids are never reused — give the new rule a new id, or keep the old long id as an alias"
        )
        assert entry["status"] in {"active", "deprecated"}, f"{rule.id} is marked {entry['status']} but still loaded"


def test_a_registered_rule_is_never_silently_dropped_and_removed_names_stay_unused() -> None:
    loaded = {rule.id for rule in load_rules()}
    names = {name for rule in load_rules() for name in (rule.id, rule.long_id, *rule.references.aliases)}
    for rule_id, entry in REGISTRY.items():
        assert set(entry) <= {"long_id", "status", "note"}, f"{rule_id}: unknown keys {sorted(entry)}"
        assert entry["status"] in STATUSES, f"{rule_id}: status {entry['status']!r}"
        if entry["status"] == "removed":
            assert rule_id not in loaded, f"{rule_id} is marked removed but a rule uses the id again"
            assert entry["long_id"] not in names - {rule_id}, f"{entry['long_id']} of removed {rule_id} is reused"
        else:
            assert rule_id in loaded, f"{rule_id} is gone from the library: mark it `removed` in rules/ids.toml"
    long_ids = [entry["long_id"] for entry in REGISTRY.values()]
    assert len(long_ids) == len(set(long_ids)), "a long id is registered twice"


def test_module_and_file_names_match_long_ids() -> None:
    for rule in load_rules():
        assert rule.examples_file is not None
        assert Path(rule.examples_file).stem == module_stem(rule.long_id, rule.provider), rule.id


def test_rule_folders_hold_only_rules() -> None:
    for package in PROVIDER_PACKAGES:
        folder = RULES_DIR / package
        for info in pkgutil.iter_modules([str(folder)]):
            module = importlib.import_module(f"tfreview.rules.{package}.{info.name}")
            assert hasattr(module, "RULE"), f"rules/{package}/{info.name}.py is a helper: move it to rules/support/"


def test_aliases_do_not_name_another_rule() -> None:
    own = {rule.id: {rule.id, rule.long_id} for rule in load_rules()}
    everyone = {name for names in own.values() for name in names}
    for rule in load_rules():
        for alias in rule.references.aliases:
            assert alias not in everyone - own[rule.id], f"{rule.id}: alias {alias} names another rule"


def test_the_cheap_type_index_matches_the_rules() -> None:
    """`load_rules_for` picks rules by the types read from their text; it must agree with the rules."""
    from tfreview.rules import _entries, _rule

    for entry in _entries():
        rule = _rule(entry)
        assert rule is not None
        if entry.declarative:
            assert entry.types is not None, f"{entry.stem}: write resource_types as one literal list"
        if entry.types is not None:
            assert entry.types == rule.resource_types, f"{entry.package}/{entry.stem}"


def test_load_rules_for_gives_every_rule_that_concerns_the_types_and_only_those() -> None:
    from tfreview.rules import load_rules_for

    every = load_rules()
    for types in ({"aws_ebs_volume"}, {"aws_s3_bucket", "google_storage_bucket"}, {"azurerm_key_vault"}, set()):
        chosen = {rule.id for rule in load_rules_for(types)}
        wanted = {rule.id for rule in every if not rule.resource_types or set(rule.resource_types) & types}
        assert wanted <= chosen, types
        assert all(rule.declarative is False for rule in every if rule.id in chosen - wanted)  # only unindexed extras
    assert len(load_rules_for({"aws_ebs_volume"})) < len(every)
